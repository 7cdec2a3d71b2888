// Behind a TLS-terminating proxy (TRUST_PROXY=true, X-Forwarded-Proto: https) the session cookie
// is Secure; on plain HTTP, or from a proxy that is not trusted, it is not (it would never be sent back).
import t from 'tap';
import { Client, buildOnDatabase, makeUser, PASSWORD, testDatabase } from '../helper.js';

function sessionCookieHeader(headers: Record<string, unknown>): string {
  const all = ([] as unknown[]).concat(headers['set-cookie'] ?? []).map(String);
  return all.find((h) => h.startsWith('atrium.sid=')) ?? '';
}

async function signInVia(client: Client, email: string, headers: Record<string, string>): Promise<string> {
  await client.get('/login', headers);
  const res = await client.post('/login', { email, password: PASSWORD }, { headers });
  if (res.statusCode !== 303) throw new Error(`sign-in failed: ${res.statusCode}`);
  return sessionCookieHeader(res.headers);
}

t.test('session cookie flags with and without TLS at the proxy', async (t) => {
  const db = await testDatabase(t);
  const user = await makeUser(db, { email: 'tls@example.com' });
  const https = { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.7' };

  const before = process.env.TRUST_PROXY;
  process.env.TRUST_PROXY = 'true';
  const trusted = await buildOnDatabase(t, db);
  process.env.TRUST_PROXY = 'false';
  const untrusted = await buildOnDatabase(t, db);
  if (before === undefined) delete process.env.TRUST_PROXY;
  else process.env.TRUST_PROXY = before;

  const behindTls = await signInVia(new Client(trusted.app), user.email, https);
  t.match(behindTls, /;\s*Secure/i, 'TRUST_PROXY + X-Forwarded-Proto https: Secure');
  t.match(behindTls, /;\s*HttpOnly/i);
  t.match(behindTls, /;\s*SameSite=Lax/i);

  const plain = await signInVia(new Client(trusted.app), user.email, {});
  t.notMatch(plain, /;\s*Secure/i, 'plain HTTP to the same process: not Secure');
  t.match(plain, /;\s*HttpOnly/i);

  const spoofed = await signInVia(new Client(untrusted.app), user.email, https);
  t.notMatch(spoofed, /;\s*Secure/i, 'X-Forwarded-Proto is ignored when the proxy is not trusted');

  const failures = await db('loginFailures').select('ip');
  t.same(failures, [], 'no failures recorded');
  await new Client(trusted.app).login(user.email, 'wrong-password-1');
  const [row] = (await db('loginFailures').select('ip')) as { ip: string }[];
  t.equal(row?.ip, '127.0.0.1', 'inject has no forwarded header here: the socket address');
  const c = new Client(trusted.app);
  await c.get('/login', https);
  await c.post('/login', { email: user.email, password: 'wrong-password-2' }, { headers: https });
  t.ok(await db('loginFailures').where({ ip: '203.0.113.7' }).first(), 'with TRUST_PROXY the throttle counts the client address from X-Forwarded-For');
});
