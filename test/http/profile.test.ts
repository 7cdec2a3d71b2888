import t from 'tap';
import { User } from '../../src/models/user.js';
import { build, Client, makeUser, PASSWORD, signIn } from '../helper.js';

const NEW_PASSWORD = 'a-brand-new-secret';

t.test('own profile: show and save (SPEC §7 forms)', async (t) => {
  const { app, db } = await build(t);
  const me = await makeUser(db, { name: 'Paula Profile', email: 'paula@example.com', timeZone: 'Europe/Berlin' });
  await User.query(db).patch({ jobTitle: 'Surveyor', phone: '+49 30 1234' }).where({ id: me.id });
  const c = await signIn(app, me);
  const stored = () => User.query(db).findById(me.id).throwIfNotFound();

  t.test('GET /profile shows the form with the stored values', async (t) => {
    const res = await c.get('/profile');
    t.equal(res.statusCode, 200);
    t.match(res.body, /<title>Your profile – Atrium<\/title>/);
    t.match(res.body, /id="name" name="name" type="text" value="Paula Profile"/);
    t.match(res.body, /id="jobTitle" name="jobTitle" type="text" value="Surveyor"/);
    t.match(res.body, /id="phone" name="phone" type="tel" value="\+49 30 1234"/);
    t.match(res.body, /id="timeZone" name="timeZone" type="text" value="Europe\/Berlin"/);
    t.match(res.body, /<label class="label" for="name">Full name/);
    t.notMatch(res.body, /Admin mode/, 'no admin-mode switch for a non-admin (R-U3)');
  });

  t.test('POST /profile saves every field and redirects 303 (PRG)', async (t) => {
    await c.get('/profile');
    const res = await c.post('/profile', { name: 'Paula P. Renamed', jobTitle: 'Chief Surveyor', phone: '555-0100', timeZone: 'America/New_York' });
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, '/profile');
    const row = await stored();
    t.same({ name: row.name, jobTitle: row.jobTitle, phone: row.phone, timeZone: row.timeZone }, { name: 'Paula P. Renamed', jobTitle: 'Chief Surveyor', phone: '555-0100', timeZone: 'America/New_York' });
    const page = await c.get('/profile');
    t.match(page.body, /Your profile has been saved/);
    t.match(page.body, /value="Paula P. Renamed"/);
  });

  const bad: [string, Record<string, string | string[]>, RegExp][] = [
    ['missing name', { jobTitle: 'X', phone: '', timeZone: 'UTC' }, /href="#name">Enter full name</],
    ['name over 120 characters', { name: 'n'.repeat(121), timeZone: 'UTC' }, /href="#name">Full name must be 120 characters or fewer</],
    ['unknown time zone', { name: 'Kept Name', timeZone: 'Mars/Base' }, /href="#timeZone">Enter a valid time zone</],
    ['NUL byte in the name', { name: 'Nul\u0000Name', timeZone: 'UTC' }, /href="#name">Enter a valid full name</],
    ['array values', { name: ['Arr One', 'Arr Two'], timeZone: ['UTC', 'UTC'] }, /href="#name">Enter full name</],
  ];
  for (const [label, form, message] of bad) {
    t.test(`bad input: ${label} → 422, error summary, Error: title, nothing saved`, async (t) => {
      const before = await stored();
      await c.get('/profile');
      const res = await c.post('/profile', form);
      t.equal(res.statusCode, 422);
      t.match(res.body, /<title>Error: Your profile – Atrium<\/title>/);
      t.match(res.body, /class="error-summary"/);
      t.match(res.body, message);
      t.match(res.body, /aria-invalid="true"/);
      const after = await stored();
      t.equal(after.name, before.name, 'name unchanged in the database');
      t.equal(after.timeZone, before.timeZone, 'time zone unchanged in the database');
    });
  }

  t.test('a failed submit keeps what was typed', async (t) => {
    await c.get('/profile');
    const res = await c.post('/profile', { name: 'Typed But Invalid', jobTitle: 'Typed Title', phone: '999', timeZone: 'Mars/Base' });
    t.equal(res.statusCode, 422);
    t.match(res.body, /id="name" name="name" type="text" value="Typed But Invalid"/);
    t.match(res.body, /id="jobTitle" name="jobTitle" type="text" value="Typed Title"/);
    t.match(res.body, /id="timeZone" name="timeZone" type="text" value="Mars\/Base"/);
    const arrays = await c.post('/profile', { name: ['First Of Two', 'Second'], timeZone: 'UTC' });
    t.match(arrays.body, /value="First Of Two"/, 'an array value is shown as its first item');
  });

  t.test('missing or forged CSRF token → 403 and nothing changes', async (t) => {
    const before = await stored();
    await c.get('/profile');
    const missing = await c.post('/profile', { name: 'Csrf Attacker', timeZone: 'UTC' }, { csrf: false });
    t.equal(missing.statusCode, 403);
    t.match(missing.body, /This form has expired/);
    const forged = await c.post('/profile', { name: 'Csrf Attacker', timeZone: 'UTC' }, { csrf: 'forged-token' });
    t.equal(forged.statusCode, 403);
    const after = await stored();
    t.equal(after.name, before.name);
    t.equal(after.timeZone, before.timeZone);
  });
});

t.test('change password (R-U2)', async (t) => {
  const { app, db } = await build(t);
  const me = await makeUser(db, { name: 'Pat Password', email: 'pat@example.com' });
  const c = await signIn(app, me);
  const hashOf = async () => (await User.query(db).findById(me.id).throwIfNotFound()).passwordHash;
  const originalHash = await hashOf();

  t.test('wrong current password → 422 and the hash is unchanged', async (t) => {
    await c.get('/profile');
    const res = await c.post('/profile/password', { currentPassword: 'not-my-password', newPassword: NEW_PASSWORD });
    t.equal(res.statusCode, 422);
    t.match(res.body, /<title>Error: Your profile/);
    t.match(res.body, /href="#currentPassword">The current password is not right/);
    t.notMatch(res.body, /not-my-password|a-brand-new-secret/, 'passwords are never echoed');
    t.equal(await hashOf(), originalHash);
  });

  t.test('a new password under 10 characters → 422', async (t) => {
    await c.get('/profile');
    const res = await c.post('/profile/password', { currentPassword: PASSWORD, newPassword: 'short' });
    t.equal(res.statusCode, 422);
    t.match(res.body, /href="#newPassword">New password must be 10 characters or more/);
    t.equal(await hashOf(), originalHash);
  });

  t.test('success: 303; other sessions end, this one survives; only the new password signs in', async (t) => {
    const other = await signIn(app, me);
    t.equal((await other.get('/profile')).statusCode, 200, 'the second session works before the change');
    await c.get('/profile');
    const res = await c.post('/profile/password', { currentPassword: PASSWORD, newPassword: NEW_PASSWORD });
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, '/profile');
    t.not(await hashOf(), originalHash);
    t.notMatch(String(await hashOf()), NEW_PASSWORD, 'not stored in clear');

    const mine = await c.get('/profile');
    t.equal(mine.statusCode, 200, 'the session that changed it survives');
    t.match(mine.body, /Your password has been changed/);
    const ended = await other.get('/profile');
    t.equal(ended.statusCode, 303, 'the other session is ended');
    t.match(ended.headers.location, /^\/login/);

    t.equal((await new Client(app).login('pat@example.com', PASSWORD)).statusCode, 422, 'the old password no longer works');
    t.equal((await new Client(app).login('pat@example.com', NEW_PASSWORD)).statusCode, 303, 'the new password signs in');
  });
});

t.test('admin mode (R-U3)', async (t) => {
  const { app, db } = await build(t);
  const admin = await makeUser(db, { name: 'Ada Admin', isAdmin: true });
  const plain = await makeUser(db, { name: 'Norm Employee' });
  const badge = /class="admin-mode-badge"[^>]*>Admin mode is on</;

  t.test('a non-admin cannot switch it on: 404, no audit row, still no access', async (t) => {
    const c = await signIn(app, plain);
    await c.get('/profile');
    const res = await c.post('/profile/admin-mode', { mode: 'on' });
    t.equal(res.statusCode, 404);
    t.equal((await c.get('/admin/users')).statusCode, 404);
    t.notMatch((await c.get('/')).body, badge);
    t.equal((await db('auditLog').where({ actorId: plain.id })).length, 0);
  });

  t.test('off by default: /admin/users is 403 with the hint to switch it on', async (t) => {
    const c = await signIn(app, admin);
    const profile = await c.get('/profile');
    t.match(profile.body, /Admin mode is off\./);
    t.match(profile.body, /name="mode" value="on"/);
    t.notMatch(profile.body, badge);
    const res = await c.get('/admin/users');
    t.equal(res.statusCode, 403);
    t.match(res.body, /Switch admin mode on in your profile to use the administration pages/);
  });

  t.test('switched on: shown in the header, admin pages open, audit written; per session only', async (t) => {
    const c = await signIn(app, admin);
    const second = await signIn(app, admin);
    await c.get('/profile');
    const on = await c.post('/profile/admin-mode', { mode: 'on' });
    t.equal(on.statusCode, 303);
    t.equal(on.headers.location, '/profile');
    const home = await c.get('/');
    t.match(home.body, badge, 'the header says so on the next page');
    t.match(home.body, /href="\/admin"/, 'and the nav links to administration');
    t.equal((await c.get('/admin/users')).statusCode, 200);
    const row = await db('auditLog').where({ actorId: admin.id, action: 'admin-mode.on' }).first();
    t.ok(row, 'audit row written');
    t.equal(row?.subjectId, admin.id);

    const other = await second.get('/');
    t.notMatch(other.body, badge, 'another session of the same admin does not have it');
    t.equal((await second.get('/admin/users')).statusCode, 403);

    await c.get('/profile');
    t.equal((await c.post('/profile/admin-mode', { mode: 'off' })).statusCode, 303);
    t.notMatch((await c.get('/')).body, badge);
    t.equal((await c.get('/admin/users')).statusCode, 403, 'off again: treated as an employee');
    t.ok(await db('auditLog').where({ actorId: admin.id, action: 'admin-mode.off' }).first(), 'switching off is audited too');
  });

  t.test('switching needs a CSRF token', async (t) => {
    const c = await signIn(app, admin);
    await c.get('/profile');
    t.equal((await c.post('/profile/admin-mode', { mode: 'on' }, { csrf: false })).statusCode, 403);
    t.equal((await c.get('/admin/users')).statusCode, 403, 'still off');
  });
});
