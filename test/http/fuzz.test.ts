// Hostile input: every POST route, found from the app's own route tree, gets random, oversized,
// unicode, NUL-byte, SQL- and HTML-injection values, wrong types (arrays, JSON objects), wrong
// content types and missing or forged CSRF tokens. Never a 5xx; injected markup comes back escaped.
// The generator is seeded (FUZZ_SEED, default 10), so a failure replays exactly.
import path from 'node:path';
import type { LightMyRequestResponse } from 'fastify';
import t from 'tap';
import { build, Client, enableAdminMode, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { multipart } from '../multipart.js';
import { formFieldNames, postRoutes } from '../fuzz/routes.js';
import { hostileValues, MARKER, MARKER_ESCAPED, pick, seeded } from '../fuzz/values.js';

const SEED = Number(process.env.FUZZ_SEED ?? 10);
const root = path.resolve(import.meta.dirname, '../..');

/** Routes that end the session or switch admin mode off go last, so the rest run signed in. */
const late = (url: string) => (/logout|admin-mode/.test(url) ? 2 : /\/delete|\/remove|\/leave|transfer|:action|archive/.test(url) ? 1 : 0);

const CSRF_EXEMPT = new Set(['/mail/unsubscribe/:token']);

t.test(`fuzz every POST route (seed ${SEED})`, async (t) => {
  const { app, db } = await build(t);
  const admin = await makeUser(db, { name: 'Fuzz Admin', email: 'fuzz-admin@example.com', isAdmin: true });
  const other = await makeUser(db, { name: 'Other Person', email: 'other@example.com' });
  const group = await makeGroup(db, admin, { name: 'Fuzz group', tools: ['feed', 'tasks', 'files', 'calendar', 'chat'] }, [[other]]);
  let c = await signIn(app, admin);
  await enableAdminMode(c);
  // One real record of each kind, so `:id` routes reach their form parsing, not a 404.
  await c.get('/tasks/new');
  await c.post('/tasks', { group: String(group.id), title: 'Fuzz task', responsible: other.email });
  await c.post(`/groups/${group.id}/posts`, { kind: 'post', body: 'Fuzz post' });
  await c.post('/events', { group: String(group.id), title: 'Fuzz event', startDate: '2026-03-10', startTime: '09:00', endDate: '', endTime: '10:30', location: '', description: '' });
  await c.post(`/groups/${group.id}/folders`, { name: 'Fuzz folder' });
  const idOf = async (table: string) => Number((await db(table).min('id as id').first())?.id ?? 1);
  const ids: Record<string, number> = {
    tasks: await idOf('tasks'),
    posts: await idOf('posts'),
    events: await idOf('events'),
    folders: await idOf('folders'),
    files: await idOf('files'),
    groups: group.id,
    'admin/users': other.id,
    'chat/with': other.id,
  };
  const fill = (route: string) =>
    route
      .replace(/^\/([a-z]+(?:\/[a-z]+)?)\/:id/, (_m, head: string) => `/${head}/${ids[head] ?? 1}`)
      .replace(':userId', String(other.id))
      .replace(':requestId', '1')
      .replace(':action', 'deactivate')
      .replace(':token', 'fuzz-token-not-real')
      .replace(/:[A-Za-z]+/g, '1');

  const routes = postRoutes(app).sort((a, b) => late(a) - late(b));
  t.ok(routes.length >= 40, `found ${routes.length} POST routes`);
  t.ok(routes.includes('/login') && routes.includes('/groups/:id/edit'), 'the tree was read');
  const fields = formFieldNames(root);
  t.ok(fields.includes('name') && fields.includes('title'), `${fields.length} field names from the templates`);

  const rand = seeded(SEED);
  const anonymous = new Client(app);
  let requests = 0;
  const failures: string[] = [];
  const unescaped: string[] = [];
  let echoedEscaped = 0;
  const check = (label: string, res: LightMyRequestResponse) => {
    requests++;
    if (MARKER_ESCAPED.test(res.body)) echoedEscaped++;
    if (res.statusCode >= 500) failures.push(`${label} → ${res.statusCode}`);
    if (res.body.includes(MARKER)) unescaped.push(label);
  };
  const form = (make: (name: string) => string | string[]) => Object.fromEntries(fields.map((f) => [f, make(f)]));

  for (const route of routes) {
    const url = fill(route);
    const variants: [string, Record<string, string | string[]>, { csrf?: boolean | string }][] = [
      ['hostile', form(() => pick(rand, hostileValues)), {}],
      ['hostile-2', form(() => pick(rand, hostileValues)), {}],
      ['markup', form(() => MARKER), {}],
      ['arrays', form(() => [pick(rand, hostileValues), pick(rand, hostileValues)]), {}],
      ['oversized field', { ...form(() => 'ok'), [pick(rand, fields)]: 'Z'.repeat(200_000) }, {}],
      ['empty', {}, {}],
      ['no csrf', form(() => 'x'), { csrf: false }],
      ['forged csrf', form(() => 'x'), { csrf: 'forged' }],
    ];
    for (const [name, body, opts] of variants) {
      // Signed out by /logout or switched out of admin mode by a variant before: start again.
      if ((await c.get('/admin/users')).statusCode !== 200) {
        c = await signIn(app, admin);
        await enableAdminMode(c);
      }
      const res = await c.post(url, body, opts);
      check(`${route} [${name}]`, res);
      // A signed-in visitor posting to a sign-in form (/login, /login/…) is sent home (303) before any check.
      // RFC 8058 one-click unsubscribe declares `csrf: false` (its signed token is the permission): a made-up token is a 404.
      const expected = route === '/login' || route.startsWith('/login/') ? 303 : CSRF_EXEMPT.has(route) ? 404 : 403;
      if (opts.csrf !== undefined && res.statusCode !== expected) failures.push(`${route} [${name}] → ${res.statusCode}, expected ${expected}`);
      const location = res.headers.location;
      if (res.statusCode === 303 && typeof location === 'string' && location.startsWith('/')) check(`${route} [${name}] → GET ${location}`, await c.get(location));
    }
    const headers = { cookie: c.sessionCookie, 'x-csrf-token': c.csrf };
    const json = { _csrf: c.csrf, name: { $gt: '' }, title: [[1], { a: null }], id: -1, tools: 'feed', group: { toString: 'x' } };
    check(`${route} [json]`, await app.inject({ method: 'POST', url, payload: json, headers }));
    check(`${route} [bad json]`, await app.inject({ method: 'POST', url, payload: '{"name": ', headers: { ...headers, 'content-type': 'application/json' } }));
    check(`${route} [text/plain]`, await app.inject({ method: 'POST', url, payload: 'name=x', headers: { ...headers, 'content-type': 'text/plain' } }));
    const mp = multipart({ _csrf: c.csrf, name: MARKER, title: 'a\u0000b' }, { name: pick(rand, ['file', 'image', 'upload']), filename: `../${MARKER}\u0000.png`, type: 'image/png', data: Buffer.from('not really a png') });
    check(`${route} [multipart]`, await app.inject({ method: 'POST', url, payload: mp.payload, headers: { ...mp.headers, cookie: c.sessionCookie } }));
    check(`${route} [anonymous]`, await anonymous.post(url, form(() => pick(rand, hostileValues)), { csrf: 'none' }));
  }

  t.same(failures, [], `no 5xx (and 403 without a valid CSRF token) in ${requests} requests`);
  t.same(unescaped, [], 'injected markup never came back raw');
  t.ok(echoedEscaped >= 20, `forms sent back with errors echo the markup escaped (${echoedEscaped} responses)`);

  // What was stored comes back escaped wherever it is shown.
  const viewer = await signIn(app, admin);
  await enableAdminMode(viewer);
  let escapedSeen = 0;
  for (const url of ['/', '/groups', `/groups/${group.id}`, '/tasks', '/feed', '/calendar', '/files', '/users', '/admin/users', '/admin/audit', '/notifications', `/search?q=${encodeURIComponent(MARKER)}`]) {
    const res = await viewer.get(url);
    check(`GET ${url}`, res);
    if (MARKER_ESCAPED.test(res.body)) escapedSeen++;
  }
  t.same(failures, [], 'pages showing the fuzzed data: no 5xx');
  t.same(unescaped, [], 'pages showing the fuzzed data: no raw markup');
  t.ok(escapedSeen > 0, `the marker was stored and shown escaped on ${escapedSeen} pages`);
});
