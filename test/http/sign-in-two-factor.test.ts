import { createHash } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import t from 'tap';
import { User } from '../../src/models/user.js';
import { build, Client, makeUser, PASSWORD, signIn } from '../helper.js';

/** A real RFC 6238 generator, as an authenticator app computes codes. */
const codeAt = (secret: string, offsetSteps = 0) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });
const secretOn = (html: string) => /<code class="totp-secret">([A-Z2-7]+)<\/code>/.exec(html)?.[1] ?? '';
const codesOn = (html: string) => [...html.matchAll(/<li><code>([a-z0-9]{5}-[a-z0-9]{5})<\/code><\/li>/g)].map((m) => m[1] ?? '');

t.test('R-A2: enrolment from the profile, then sign-in asks for a code', async (t) => {
  const { app, db } = await build(t);
  const user = await makeUser(db, { email: 'tess@example.com', isExtranet: true });
  const c = await signIn(app, user);
  const page = await c.get('/profile/two-factor');
  t.equal(page.statusCode, 200);
  t.match(page.body, /<svg[^>]*>/, 'the QR code is drawn on the server as SVG');
  const secret = secretOn(page.body);
  t.equal(secret.length, 32, 'a 160-bit secret, shown as text too');
  t.equal((await c.post('/profile/two-factor', { code: '000000' === codeAt(secret) ? '111111' : '000000' })).statusCode, 422, 'a wrong code does not turn it on');
  // Codes are taken once: computed again later, they would belong to the next 30 s step when one begins meanwhile.
  const enrolmentCode = codeAt(secret);
  const nextCode = codeAt(secret, 1);
  const done = await c.post('/profile/two-factor', { code: enrolmentCode });
  t.equal(done.statusCode, 200);
  const codes = codesOn(done.body);
  t.equal(codes.length, 10, 'ten recovery codes, shown once');
  const stored = await db('totp_recovery_codes').where({ userId: user.id });
  t.equal(stored.length, 10);
  t.same(stored.map((r: { codeHash: string }) => r.codeHash).sort(), codes.map((x) => createHash('sha256').update(x.replace('-', '')).digest('hex')).sort(), 'only hashes are kept');
  t.ok((await User.query(db).findById(user.id))?.totpEnabledAt);

  const d = new Client(app);
  const pw = await d.login(user.email);
  t.equal(pw.statusCode, 303);
  t.equal(pw.headers.location, '/login/two-factor');
  t.equal((await d.get('/')).statusCode, 303, 'not signed in before the second factor');
  const form = await d.get('/login/two-factor');
  t.match(form.body, /autocomplete="one-time-code"/);
  t.equal((await d.post('/login/two-factor', { code: nextCode }, { csrf: 'forged' })).statusCode, 403, 'a forged CSRF token: 403');
  t.equal((await d.post('/login/two-factor', { code: 'abc' })).statusCode, 422);
  t.equal((await d.post('/login/two-factor', { code: enrolmentCode })).statusCode, 422, 'the code used at enrolment is not accepted again');
  const ok = await d.post('/login/two-factor', { code: nextCode });
  t.equal(ok.statusCode, 303);
  t.equal(ok.headers.location, '/');
  t.equal((await d.get('/')).statusCode, 200, 'signed in');

  t.test('a code is single-use across sign-ins', async (t) => {
    const e = new Client(app);
    await e.login(user.email);
    await e.get('/login/two-factor');
    t.equal((await e.post('/login/two-factor', { code: nextCode })).statusCode, 422);
  });

  t.test('a recovery code works once', async (t) => {
    const e = new Client(app);
    await e.login(user.email);
    await e.get('/login/two-factor');
    const first = await e.post('/login/two-factor', { code: codes[0] ?? '' });
    t.equal(first.statusCode, 303);
    t.match((await e.get('/')).body, /recovery code; 9 remain/);
    const f = new Client(app);
    await f.login(user.email);
    await f.get('/login/two-factor');
    t.equal((await f.post('/login/two-factor', { code: codes[0] ?? '' })).statusCode, 422);
  });

  t.test('attempts are throttled, and a right password does not reset the count', async (t) => {
    for (let i = 0; i < 5; i++) {
      const e = new Client(app);
      await e.login(user.email);
      await e.get('/login/two-factor');
      await e.post('/login/two-factor', { code: String(100000 + i) });
    }
    const e = new Client(app);
    t.equal((await e.login(user.email)).statusCode, 303);
    await e.get('/login/two-factor');
    const blocked = await e.post('/login/two-factor', { code: codes[1] ?? '' });
    t.equal(blocked.statusCode, 429);
    t.match(blocked.body, /Too many failed attempts/);
    await db('login_failures').delete();
  });

  t.test('turning it off needs a current code', async (t) => {
    const page = await c.get('/profile/two-factor');
    t.match(page.body, /recovery codes remain/);
    t.equal((await c.post('/profile/two-factor/disable', { code: '12' })).statusCode, 422);
    t.equal((await c.post('/profile/two-factor/disable', { code: codes[2] ?? '' })).statusCode, 303);
    t.equal((await User.query(db).findById(user.id))?.totpEnabledAt, null);
    t.equal((await db('totp_recovery_codes').where({ userId: user.id })).length, 0);
    t.equal((await new Client(app).login(user.email)).headers.location, '/', 'a password alone signs in again');
  });
});

t.test('R-A2: the settings require it of administrators and external users', async (t) => {
  const { app, db } = await build(t);
  await db('sign_in_settings').update({ totpRequiredAdmins: true, totpRequiredExternal: true });
  const admin = await makeUser(db, { email: 'root@example.com', isAdmin: true });
  const external = await makeUser(db, { email: 'guest@partner.example', isExtranet: true });
  const employee = await makeUser(db, { email: 'plain@example.com' });
  t.equal((await new Client(app).login(employee.email)).headers.location, '/', 'employees are not asked');

  for (const person of [admin, external]) {
    const c = new Client(app);
    const pw = await c.login(person.email);
    t.equal(pw.headers.location, '/login/two-factor/setup', `${person.email} must set it up`);
    t.equal((await c.get('/')).statusCode, 303, 'and is not signed in yet');
    const setup = await c.get('/login/two-factor/setup');
    t.match(setup.body, /must use two-factor sign-in/);
    const secret = secretOn(setup.body);
    t.equal((await c.post('/login/two-factor/setup', { code: 'nope' })).statusCode, 422);
    const done = await c.post('/login/two-factor/setup', { code: codeAt(secret) });
    t.equal(done.statusCode, 200);
    t.equal(codesOn(done.body).length, 10);
    t.equal((await c.get('/')).statusCode, 200, 'signed in after set-up');
    if (person.isAdmin) {
      await c.get('/profile/two-factor');
      t.equal((await c.post('/profile/two-factor/disable', { code: codeAt(secret, 1) })).statusCode, 409, 'cannot be turned off while required');
    }
  }
});

t.test('the second step expires and cannot be reached without the first', async (t) => {
  const { app, db } = await build(t);
  const c = new Client(app);
  await c.get('/login');
  const res = await c.get('/login/two-factor');
  t.equal(res.statusCode, 303);
  t.equal(res.headers.location, '/login');
  const user = await makeUser(db, { email: 'late@example.com' });
  await db('users').where({ id: user.id }).update({ totpSecret: new Secret({ size: 20 }).base32, totpEnabledAt: new Date() });
  const d = new Client(app);
  await d.login(user.email, PASSWORD);
  await db('sessions').update({ data: db.raw(`jsonb_set(data, '{pendingSignIn,at}', '0')`) }).whereRaw(`data->'pendingSignIn' is not null`);
  t.equal((await d.get('/login/two-factor')).headers.location, '/login');
});
