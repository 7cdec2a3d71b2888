import t from 'tap';
import { build, Client, makeUser, PASSWORD } from '../helper.js';

t.test('sign in and out (R-U1, R-U2)', async (t) => {
  const { app, db } = await build(t);
  const user = await makeUser(db, { email: 'Emma@Example.com', name: 'Emma' });

  t.test('the login page renders with one h1 and a labelled form', async (t) => {
    const res = await new Client(app).get('/login');
    t.equal(res.statusCode, 200);
    t.equal(res.body.match(/<h1/g)?.length, 1);
    t.match(res.body, /<label class="label" for="email">/);
    t.match(res.body, /<a class="skip-link" href="#main">/);
  });

  t.test('a right password signs in; the session id changes (no fixation)', async (t) => {
    const c = new Client(app);
    await c.get('/login');
    const before = c.sessionCookie;
    const res = await c.post('/login', { email: 'EMMA@example.com', password: PASSWORD });
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, '/');
    t.not(c.sessionCookie.split('=')[1]?.split('.')[0], before.split('=')[1]?.split('.')[0], 'session id regenerated');
    const home = await c.get('/');
    t.equal(home.statusCode, 200);
    t.match(home.body, /Welcome, Emma/);
    const row = await db('sessions').where({ userId: user.id }).first();
    t.ok(row, 'session stored in PostgreSQL');
  });

  t.test('wrong password: 422, error summary, title starts with Error:, e-mail kept', async (t) => {
    const c = new Client(app);
    await c.get('/login');
    const res = await c.post('/login', { email: 'emma@example.com', password: 'nope-nope-nope' });
    t.equal(res.statusCode, 422);
    t.match(res.body, /<title>Error: Sign in/);
    t.match(res.body, /class="error-summary"/);
    t.match(res.body, /href="#email">The e-mail address or password is not right/);
    t.match(res.body, /value="emma@example.com"/);
    t.notMatch(res.body, /nope-nope-nope/, 'the password is never echoed');
  });

  t.test('missing fields and wrong types: 422 with a message for each', async (t) => {
    const c = new Client(app);
    await c.get('/login');
    const res = await c.post('/login', {});
    t.equal(res.statusCode, 422);
    t.match(res.body, /Enter e-mail address/);
    t.match(res.body, /Enter password/);
    const arrays = await c.post('/login', { email: ['a@b.c', 'd@e.f'], password: ['x', 'y'] });
    t.equal(arrays.statusCode, 422);
  });

  t.test('missing or forged CSRF token: 403 with a clear page, nothing happens', async (t) => {
    const c = new Client(app);
    await c.get('/login');
    const missing = await c.post('/login', { email: 'emma@example.com', password: PASSWORD }, { csrf: false });
    t.equal(missing.statusCode, 403);
    t.match(missing.body, /This form has expired/);
    const forged = await c.post('/login', { email: 'emma@example.com', password: PASSWORD }, { csrf: 'forged-token' });
    t.equal(forged.statusCode, 403);
    const noSession = await new Client(app).post('/login', { email: 'emma@example.com', password: PASSWORD }, { csrf: 'x' });
    t.equal(noSession.statusCode, 403);
    t.equal((await c.get('/')).statusCode, 303, 'still signed out');
  });

  t.test('an oversized body is refused with 413', async (t) => {
    const c = new Client(app);
    await c.get('/login');
    const res = await c.post('/login', { email: 'x'.repeat(300_000), password: 'x' });
    t.equal(res.statusCode, 413);
    t.match(res.body, /That is too large/);
  });

  t.test('next is followed only to local paths', async (t) => {
    for (const [next, expected] of [['/users', '/users'], ['//evil.example', '/'], ['https://evil.example', '/'], ['/\\evil', '/']]) {
      const c = new Client(app);
      await c.get('/login');
      const res = await c.post('/login', { email: 'emma@example.com', password: PASSWORD, next: next ?? '' });
      t.equal(res.headers.location, expected, `next=${next}`);
    }
  });

  t.test('logout ends the session server-side', async (t) => {
    const c = new Client(app);
    await c.login('emma@example.com');
    await c.get('/');
    const stolen = c.sessionCookie;
    const out = await c.post('/logout');
    t.equal(out.statusCode, 303);
    const replay = await app.inject({ method: 'GET', url: '/', headers: { cookie: stolen } });
    t.equal(replay.statusCode, 303, 'the old cookie no longer works');
    t.equal(replay.headers.location, '/login?next=%2F');
  });

  t.test('logout needs a CSRF token', async (t) => {
    const c = new Client(app);
    await c.login('emma@example.com');
    await c.get('/');
    t.equal((await c.post('/logout', {}, { csrf: false })).statusCode, 403);
    t.equal((await c.get('/')).statusCode, 200, 'still signed in');
  });
});

t.test('deactivated users cannot sign in (R-U6)', async (t) => {
  const { app, db } = await build(t);
  await makeUser(db, { email: 'gone@example.com', deactivatedAt: new Date() });
  const res = await new Client(app).login('gone@example.com');
  t.equal(res.statusCode, 422);
  t.match(res.body, /deactivated/);
  const wrong = await new Client(app).login('gone@example.com', 'wrong-password-here');
  t.notMatch(wrong.body, /deactivated/, 'a wrong password does not reveal the account state');
});

t.test('external users cannot sign in while the extranet is off (R-U8)', async (t) => {
  const { app, db } = await build(t);
  await makeUser(db, { email: 'client@client.example', isExtranet: true });
  await db('settings').update({ extranetEnabled: false });
  const off = await new Client(app).login('client@client.example');
  t.equal(off.statusCode, 422);
  t.match(off.body, /extranet is switched off/);
  await db('settings').update({ extranetEnabled: true });
  t.equal((await new Client(app).login('client@client.example')).statusCode, 303);
});

t.test('failed sign-ins are rate-limited per account', async (t) => {
  const { app, db } = await build(t);
  await makeUser(db, { email: 'target@example.com' });
  for (let i = 0; i < 5; i++) t.equal((await new Client(app).login('target@example.com', `wrong-${i}-password`)).statusCode, 422);
  const limited = await new Client(app).login('target@example.com');
  t.equal(limited.statusCode, 429, 'even the right password waits');
  t.match(limited.body, /Too many failed attempts/);
});

t.test('pages need a signed-in user; anonymous is redirected to sign in', async (t) => {
  const { app } = await build(t);
  for (const url of ['/', '/profile', '/users', '/admin/users']) {
    const res = await app.inject({ url });
    t.equal(res.statusCode, 303, url);
    t.match(res.headers.location, /^\/login\?next=/);
  }
  const post = await app.inject({ method: 'POST', url: '/profile', payload: 'name=x', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  t.equal(post.statusCode, 303);
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200);
  const missing = await app.inject({ url: '/no/such/page' });
  t.equal(missing.statusCode, 404);
  t.match(missing.body, /Page not found/);
});
