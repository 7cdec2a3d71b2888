import t from 'tap';
import { build, buildOnDatabase, Client, makeUser, signIn } from '../helper.js';

const fixedCookie = (c: Client) => ({ cookie: c.sessionCookie });

t.test('sessions live in PostgreSQL: they survive a restart and are shared by processes (R-U2)', async (t) => {
  const { db } = await build(t);
  const user = await makeUser(db, { name: 'Sam Session', email: 'sam@example.com' });
  const first = await buildOnDatabase(t, db);

  const a = await signIn(first.app, user);
  t.match((await a.get('/')).body, /Welcome, Sam Session/, 'signed in on instance A');
  t.ok(await db('sessions').where({ userId: user.id }).first(), 'the session row is in PostgreSQL');
  const cookie = fixedCookie(a);

  t.test('restart: A stops, B starts over the same database and data directory', async (t) => {
    await first.app.close();
    const second = await buildOnDatabase(t, db, { dataDir: first.dataDir });
    const res = await second.app.inject({ url: '/', headers: cookie });
    t.equal(res.statusCode, 200, 'the same cookie is still signed in');
    t.match(res.body, /Welcome, Sam Session/);
  });

  t.test('without the session row, the cookie is worth nothing', async (t) => {
    const other = await buildOnDatabase(t, db, { dataDir: first.dataDir });
    const c = await signIn(other.app, user);
    const stolen = fixedCookie(c);
    t.equal((await other.app.inject({ url: '/', headers: stolen })).statusCode, 200);
    await db('sessions').where({ userId: user.id }).delete();
    const res = await other.app.inject({ url: '/', headers: stolen });
    t.equal(res.statusCode, 303, 'nothing is kept in process memory');
    t.match(res.headers.location, /^\/login/);
  });

  t.test('two processes at once: sign in on one, use and sign out on the other', async (t) => {
    const p1 = await buildOnDatabase(t, db, { dataDir: first.dataDir });
    const p2 = await buildOnDatabase(t, db, { dataDir: first.dataDir });
    const c = await signIn(p1.app, user);
    const headers = fixedCookie(c);
    const onP2 = await p2.app.inject({ url: '/profile', headers });
    t.equal(onP2.statusCode, 200, 'the second process knows the session');
    t.match(onP2.body, /value="Sam Session"/);
    const token = /name="_csrf" value="([^"]+)"/.exec(onP2.body)?.[1] ?? '';
    const out = await p2.app.inject({ method: 'POST', url: '/logout', headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(token)}` });
    t.equal(out.statusCode, 303, 'signed out on the second process (its CSRF token is valid there too)');
    t.equal((await p1.app.inject({ url: '/', headers })).statusCode, 303, 'and the first process sees it at once');
  });

  t.test('a server with another secret does not accept the cookie', async (t) => {
    const c = await signIn((await buildOnDatabase(t, db, { dataDir: first.dataDir })).app, user);
    const stranger = await buildOnDatabase(t, db);
    t.equal((await stranger.app.inject({ url: '/', headers: fixedCookie(c) })).statusCode, 303);
  });
});

t.test('the session cookie is HttpOnly and SameSite=Lax, and carries no user data', async (t) => {
  const { app, db } = await build(t);
  const user = await makeUser(db, { email: 'cookie@example.com' });
  const c = new Client(app);
  await c.get('/login');
  const res = await c.post('/login', { email: user.email, password: 'correct-horse-battery' });
  t.equal(res.statusCode, 303);
  const header = ([] as string[]).concat(res.headers['set-cookie'] ?? []).find((h) => h.startsWith('atrium.sid='));
  t.ok(header, 'the session cookie is set');
  t.match(header, /;\s*HttpOnly/i);
  t.match(header, /;\s*SameSite=Lax/i);
  t.match(header, /;\s*Path=\//);
  t.notMatch(header, /cookie@example\.com|userId/, 'only an opaque, signed id');
  const sid = /^atrium\.sid=([^.;]+)/.exec(header ?? '')?.[1];
  t.ok(sid && (await db('sessions').where({ sid: decodeURIComponent(sid) }).first()), 'its id names a row in the sessions table');
});

t.test('a signed-in request reads its session and its person in one round trip (issue 16)', async (t) => {
  const { app, db } = await build(t);
  const user = await makeUser(db, { name: 'Rita Roundtrip', email: 'rita@example.com' });
  const c = await signIn(app, user);
  await c.get('/healthz');
  const seen: string[] = [];
  const listener = (q: { sql?: string }) => {
    if (q.sql && !q.sql.startsWith('insert into "sessions"')) seen.push(q.sql);
  };
  db.on('query', listener);
  try {
    t.equal((await c.get('/healthz')).statusCode, 200);
  } finally {
    db.off('query', listener);
  }
  t.equal(seen.length, 2, `the session with its person, then the health check: ${seen.join(' | ')}`);
  t.match(seen[0], /from sessions s left join lateral \(select \* from users where users.id = s.user_id/);

  t.test('the person read with the session is the one the page gets, and a deactivated one is nobody (R-U6)', async (t) => {
    t.match((await c.get('/')).body, /Welcome, Rita Roundtrip/);
    await db('users').where({ id: user.id }).update({ name: 'Rita Renamed' });
    t.match((await c.get('/')).body, /Welcome, Rita Renamed/, 'read on every request');
    // Deactivation normally deletes the sessions too; with the row left, the join still finds no person.
    await db('users').where({ id: user.id }).update({ deactivatedAt: new Date() });
    const res = await c.get('/');
    t.equal(res.statusCode, 303, 'signed out');
    t.notOk(await db('sessions').where({ userId: user.id }).first(), 'and the session is ended');
  });
});

t.test('an idle session ends; one in use moves its expiry on at most once a minute, not on every reply (issue 16)', async (t) => {
  const { app, db } = await build(t);
  const user = await makeUser(db, { name: 'Ida Idle', email: 'ida@example.com' });
  const c = await signIn(app, user);
  const sessionCookieOf = (res: { cookies: { name: string }[] }) => res.cookies.find((x) => x.name === 'atrium.sid');
  const writes: string[] = [];
  const listener = (q: { sql?: string }) => {
    if (q.sql?.startsWith('insert into "sessions"')) writes.push(q.sql);
  };
  db.on('query', listener);
  t.teardown(() => db.off('query', listener));
  const row = async () => (await db('sessions').where({ userId: user.id }).first()) as { sid: string; expiresAt: Date; data: { cookie: { expires: string } } };
  const ageStoredExpiry = async (ms: number) => {
    const { sid, expiresAt, data } = await row();
    const older = (d: Date | string) => new Date(new Date(d).getTime() - ms).toISOString();
    await db('sessions').where({ sid }).update({ expiresAt: older(expiresAt), data: JSON.stringify({ ...data, cookie: { ...data.cookie, expires: older(data.cookie.expires) } }) });
  };

  await c.get('/');
  writes.length = 0;
  const quiet = await c.get('/groups');
  t.equal(quiet.statusCode, 200);
  t.notOk(sessionCookieOf(quiet), 'an unchanged session sends no cookie');
  t.equal(writes.length, 0, 'and writes no row');

  await ageStoredExpiry(2 * 60 * 1000);
  const before = (await row()).expiresAt.getTime();
  const refreshed = await c.get('/groups');
  t.equal(refreshed.statusCode, 200, 'still signed in');
  const cookie = sessionCookieOf(refreshed) as { expires?: Date } | undefined;
  t.ok(cookie, 'a session over a minute stale sends its cookie again');
  t.ok((cookie?.expires?.getTime() ?? 0) > Date.now() + 8 * 60 * 60 * 1000 - 10_000, `with the whole idle time (expires ${cookie?.expires?.toISOString()})`);
  t.equal(writes.length, 1, 'and is written once');
  t.ok((await row()).expiresAt.getTime() > before + 90 * 1000, 'its stored expiry moved on');
  writes.length = 0;
  t.notOk(sessionCookieOf(await c.get('/groups')), 'the next reply is quiet again');
  t.equal(writes.length, 0);

  await ageStoredExpiry(8 * 60 * 60 * 1000 + 60 * 1000);
  const expired = await c.get('/groups');
  t.equal(expired.statusCode, 303, 'eight hours without use: signed out');
  t.match(String(expired.headers.location), /^\/login/);
});

t.test('a visitor who is not signed in costs no session: their forms are protected by a signed cookie (R-U2)', async (t) => {
  const { app, db } = await build(t);
  const user = await makeUser(db, { email: 'visitor@example.com' });
  // Every GET of a form page used to store a session for its CSRF secret: anyone could fill the table.
  for (const url of ['/login', '/login/reset', '/login', '/login/reset']) {
    const res = await app.inject({ url });
    t.equal(res.statusCode, 200, url);
    t.notOk(res.cookies.find((c) => c.name === 'atrium.sid'), `${url}: no session cookie`);
    const form = res.cookies.find((c) => c.name === 'atrium.form');
    t.ok(form?.httpOnly && form.sameSite === 'Lax', `${url}: an HttpOnly, SameSite=Lax form cookie`);
    t.equal(form?.maxAge, 8 * 60 * 60, `${url}: kept as long as an unused session, across a browser's restart`);
  }
  for (const url of ['/', '/login/reset/no-such-token', '/login/two-factor', '/login/directory', '/login/oidc', '/join/no-such-token', '/mail/unsubscribe/no-such-token', '/s/no-such-token', '/no-such-page']) {
    const res = await app.inject({ url });
    t.notOk(res.cookies.find((c) => c.name === 'atrium.sid'), `${url} (${res.statusCode}): no session cookie`);
  }
  t.equal(Number((await db('sessions').count({ n: '*' }))[0]?.n), 0, 'no session row is written');

  const mine = new Client(app);
  await mine.get('/login');
  const other = new Client(app);
  await other.get('/login');
  t.equal((await other.post('/login', { email: user.email, password: 'correct-horse-battery' }, { csrf: mine.csrf })).statusCode, 403, "another visitor's token is refused");
  const forged = await app.inject({ method: 'POST', url: '/login', headers: { cookie: 'atrium.form=forged-secret', 'content-type': 'application/x-www-form-urlencoded' }, payload: `_csrf=${encodeURIComponent(mine.csrf)}&email=${user.email}&password=correct-horse-battery` });
  t.equal(forged.statusCode, 403, 'an unsigned form cookie is refused');
  t.equal((await mine.post('/login', { email: user.email, password: 'correct-horse-battery' })).statusCode, 303, 'the form signs in');
  t.equal((await mine.post('/logout', {})).statusCode, 403, 'a token made before signing in is not good for the session');

  const first = await signIn(app, user);
  const second = await signIn(app, user);
  const page = await second.get('/profile');
  t.notOk(page.cookies.length, 'a signed-in page sets no cookie');
  t.equal((await second.post('/logout', {}, { csrf: first.csrf })).statusCode, 403, "a token of the person's other session is refused");
  t.equal((await second.post('/logout', {})).statusCode, 303, "the session's own token signs out");
});
