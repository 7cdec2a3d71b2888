// Issue 14, defect 0: CR, LF, NUL, tab and invalid UTF-8 in every query parameter and form field
// of every route, signed in (employee with admin mode, external) and not. Nothing answers 5xx,
// nothing ends the process (an uncaught throw would end this test process too), and the app
// still answers afterwards, over real HTTP as well as through inject.
import path from 'node:path';
import t from 'tap';
import { build, Client, enableAdminMode, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { formFieldNames, queryParamNames, routesOf } from '../fuzz/routes.js';

const root = path.resolve(import.meta.dirname, '../..');
/** Raw, percent-encoded: CRLF with a header, LF, NUL, tab, and bytes that are not UTF-8. */
const VALUES = ['%2F%0D%0ASet-Cookie%3A%20x%3D1', '%0A', '%00', '%09%2Fevil.test', '%FF%C3%28%E0%A4%A'];

t.test('control characters and invalid UTF-8 in every parameter of every route', async (t) => {
  const { app, db } = await build(t);
  const admin = await makeUser(db, { isAdmin: true });
  const outsider = await makeUser(db, { isExtranet: true });
  const group = await makeGroup(db, admin, { isExtranet: true, tools: ['feed', 'tasks', 'files', 'calendar', 'chat'] }, [[outsider]]);
  const staff = await signIn(app, admin);
  await enableAdminMode(staff);
  await staff.post('/tasks', { group: String(group.id), title: 'Fuzz task', responsible: outsider.email });
  const external = await signIn(app, outsider);
  const clients: [string, Client][] = [['admin', staff], ['external', external], ['anonymous', new Client(app)]];

  const names = [...new Set([...queryParamNames(root), ...formFieldNames(root)])];
  t.ok(names.includes('next') && names.includes('after') && names.includes('title'), `${names.length} parameter names`);
  const fill = (route: string) => route.replace(':token', 'fuzz-token').replace(/:[A-Za-z]+/g, (m) => (m === ':id' ? String(group.id) : '1'));
  const skip = (route: string) => /logout|admin-mode|delete|remove|leave|transfer|archive|:action/.test(route);
  const failures: string[] = [];
  let requests = 0;
  for (const value of VALUES) {
    const query = names.map((n) => `${n}=${value}`).join('&');
    for (const [who, client] of clients) {
      for (const method of ['GET', 'POST'] as const) {
        const routes = routesOf(app, method).filter((route) => method === 'GET' || !skip(route));
        // One batch per method: requests in parallel, as a crawler would send them.
        await Promise.all(
          routes.map(async (route) => {
            const url = `${fill(route)}?${query}`;
            const res =
              method === 'GET'
                ? await app.inject({ method: 'GET', url, headers: { cookie: client.sessionCookie } })
                : await app.inject({ method: 'POST', url, payload: `_csrf=${client.csrf}&${query}`, headers: { cookie: client.sessionCookie, 'content-type': 'application/x-www-form-urlencoded' } });
            requests++;
            if (res.statusCode >= 500) failures.push(`${who} ${method} ${route} ${value} → ${res.statusCode}`);
            const location = res.headers.location;
            if (typeof location === 'string' && /[\u0000-\u001f\u007f]/.test(location)) failures.push(`${who} ${method} ${route} ${value}: Location ${JSON.stringify(location)}`);
          }),
        );
      }
    }
  }
  t.same(failures, [], `no 5xx and no control character in a Location, in ${requests} requests`);
  t.equal((await staff.get('/')).statusCode, 200, 'the app still answers');

  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  for (const value of VALUES) {
    const res = await fetch(`http://127.0.0.1:${address.port}/login?next=${value}`, { redirect: 'manual' });
    t.ok(res.status < 500, `real HTTP GET /login?next=${value} → ${res.status}`);
  }
  t.equal((await fetch(`http://127.0.0.1:${address.port}/healthz`)).status, 200, 'the process still answers over HTTP');
});
