// Security headers (DESIGN: helmet, a CSP that allows no inline script) computed once, not per request
// (issue 16, fixed cost per request): every reply still carries exactly what helmet's own middleware sets.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import helmet from 'helmet';
import t from 'tap';
import { SECURITY_HEADER_OPTIONS } from '../../src/app.js';
import { helmetHeaders } from '../../src/plugins/security-headers.js';
import { build, makeUser, signIn } from '../helper.js';

/** What helmet's middleware sets on a real Node response, read back over HTTP. */
async function headersFromHelmetItself(): Promise<Record<string, string>> {
  const middleware = helmet(SECURITY_HEADER_OPTIONS);
  const server = http.createServer((req, res) => middleware(req, res, () => res.end('ok')));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    const res = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const names = Object.keys(helmetHeaders(SECURITY_HEADER_OPTIONS));
    return Object.fromEntries(names.map((n) => [n, res.headers.get(n) ?? '(missing)']));
  } finally {
    server.close();
  }
}

t.test('every reply carries the headers helmet sets, computed once', async (t) => {
  const expected = await headersFromHelmetItself();
  t.ok(Object.keys(expected).length >= 10, 'helmet sets its whole set');
  t.match(expected['content-security-policy'], /script-src 'self'/);
  t.notMatch(expected['content-security-policy'], /upgrade-insecure-requests/, 'plain-HTTP installs keep working');

  const { app, db } = await build(t);
  const anna = await makeUser(db, { name: 'Anna Headers' });
  const a = await signIn(app, anna);
  const replies = {
    'signed-out page': await app.inject({ url: '/login' }),
    'signed-in page': await app.inject({ url: '/groups', headers: { cookie: a.sessionCookie } }),
    'not found': await app.inject({ url: '/no-such-page', headers: { cookie: a.sessionCookie } }),
    'static file': await app.inject({ url: '/public/css/app.css' }),
    'refused write': await app.inject({ method: 'POST', url: '/groups', headers: { cookie: a.sessionCookie, 'content-type': 'application/x-www-form-urlencoded' }, payload: 'name=x' }),
  };
  for (const [what, res] of Object.entries(replies)) {
    t.ok(res.statusCode < 500, `${what}: answered ${res.statusCode}`);
    for (const [name, value] of Object.entries(expected)) t.equal(res.headers[name], value, `${what}: ${name}`);
  }
});

t.test('a handler may still replace a header (a download sandboxes itself)', async (t) => {
  const headers = helmetHeaders({ contentSecurityPolicy: { directives: { 'default-src': ["'none'"] } } });
  t.match(headers['content-security-policy'], /^default-src 'none';/);
  t.equal(headers['x-powered-by'], undefined, 'what helmet removes is not set');
  t.throws(() => helmetHeaders({ contentSecurityPolicy: { directives: { 'default-src': ['self'] } } }), 'helmet refuses a directive it would refuse as middleware');
});
