import t from 'tap';
import { User } from '../../src/models/user.js';
import { build, Client, enableAdminMode, makeUser, PASSWORD, signIn } from '../helper.js';

t.test('admin users: list, create, refusals (SPEC §6, R-U1, R-U7, R-U8)', async (t) => {
  const { app, db } = await build(t);
  const admin = await makeUser(db, { name: 'Ada Admin', email: 'ada@example.com', isAdmin: true });
  await makeUser(db, { name: 'Existing Person', email: 'taken@example.com' });
  const a = await signIn(app, admin);
  await enableAdminMode(a);
  const active = async () => Number((await db('users').whereNull('deactivatedAt').count('* as n').first())?.n);
  const valid = { name: 'New Starter', email: 'new.starter@example.com', password: 'starter-password-1', kind: 'employee' };

  t.test('/admin/users lists users with the seat count', async (t) => {
    const res = await a.get('/admin/users');
    t.equal(res.statusCode, 200);
    t.match(res.body, /Existing Person/);
    t.match(res.body, /taken@example.com/);
    t.match(res.body, new RegExp(`${await active()} active users \\(no seat limit\\)`));
    await db('settings').update({ seatLimit: 40 });
    t.match((await a.get('/admin/users')).body, new RegExp(`${await active()} active users of 40 seats`));
    await db('settings').update({ seatLimit: null });
  });

  t.test('/admin/users/new shows a labelled form', async (t) => {
    const res = await a.get('/admin/users/new');
    t.equal(res.statusCode, 200);
    t.match(res.body, /<form method="post" action="\/admin\/users"/);
    for (const field of ['name', 'email', 'password', 'isAdmin']) t.match(res.body, new RegExp(`<label[^>]* for="${field}"`), field);
    t.match(res.body, /<legend class="legend">Kind of account<\/legend>/);
  });

  t.test('creating a user: 303, the person can sign in, audit user.create', async (t) => {
    await a.get('/admin/users/new');
    const res = await a.post('/admin/users', valid);
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, '/admin/users');
    t.match((await a.get('/admin/users')).body, /The account for New Starter has been created/);
    const user = await User.query(db).where({ email: 'new.starter@example.com' }).first();
    t.ok(user);
    t.equal(user?.isExtranet, false);
    t.equal(user?.isAdmin, false);
    t.not(user?.passwordHash, valid.password, 'the password is hashed');
    t.equal((await new Client(app).login('new.starter@example.com', valid.password)).statusCode, 303, 'can sign in');
    const audit = await db('auditLog').where({ action: 'user.create', subjectId: user?.id }).first();
    t.equal(audit?.actorId, admin.id);
  });

  const refusals: [string, Record<string, string>, RegExp][] = [
    ['duplicate e-mail in another case (R-U1)', { ...valid, email: 'TAKEN@Example.COM' }, /href="#email">An account with this e-mail address already exists/],
    ['missing name', { ...valid, name: '' }, /href="#name">Enter full name/],
    ['bad e-mail', { ...valid, email: 'not-an-email' }, /href="#email">Enter a valid e-mail address/],
    ['short password', { ...valid, password: 'short' }, /href="#password">Password must be 10 characters or more/],
    ['kind not employee or external', { ...valid, kind: 'robot' }, /href="#kind">Choose kind of account/],
    ['admin and external', { ...valid, kind: 'external', isAdmin: 'on' }, /href="#isAdmin">An external user cannot be an administrator/],
  ];
  for (const [label, form, message] of refusals) {
    t.test(`refused: ${label} → 422 with the message, nothing created`, async (t) => {
      const before = await db('users').count('* as n').first();
      await a.get('/admin/users/new');
      const res = await a.post('/admin/users', { ...form, email: form.email === valid.email ? `r${Math.random().toString(36).slice(2, 8)}@example.com` : (form.email ?? '') });
      t.equal(res.statusCode, 422);
      t.match(res.body, /<title>Error: Create a user/);
      t.match(res.body, message);
      t.notMatch(res.body, new RegExp(form.password ?? 'x'), 'the password is not echoed');
      t.same(await db('users').count('* as n').first(), before);
    });
  }

  t.test('seat limit reached (R-U7): creating and reactivating are refused', async (t) => {
    const dormant = await makeUser(db, { name: 'Dormant Person', deactivatedAt: new Date() });
    await db('settings').update({ seatLimit: await active() });
    await a.get('/admin/users/new');
    const res = await a.post('/admin/users', { ...valid, email: 'one.too.many@example.com' });
    t.equal(res.statusCode, 422);
    t.match(res.body, /The seat limit of \d+ active users has been reached/);
    t.notOk(await User.query(db).where({ email: 'one.too.many@example.com' }).first());
    const ext = await a.post('/admin/users', { ...valid, email: 'ext.too.many@example.com', kind: 'external' });
    t.match(ext.body, /seat limit/, 'external users count toward the limit');

    await a.get('/admin/users');
    const re = await a.post(`/admin/users/${dormant.id}/reactivate`);
    t.equal(re.statusCode, 303);
    t.match((await a.get('/admin/users')).body, /class="flash flash--error" role="alert">The seat limit of \d+ active users has been reached/);
    t.not((await User.query(db).findById(dormant.id))?.deactivatedAt, null, 'still deactivated');
    await db('settings').update({ seatLimit: null });
  });

  t.test('extranet off (R-U8): no external account can be created', async (t) => {
    await db('settings').update({ extranetEnabled: false });
    await a.get('/admin/users/new');
    const res = await a.post('/admin/users', { ...valid, email: 'outsider@client.example', kind: 'external' });
    t.equal(res.statusCode, 422);
    t.match(res.body, /href="#kind">The extranet is switched off, so no external account can be created/);
    t.notOk(await User.query(db).where({ email: 'outsider@client.example' }).first());
    await db('settings').update({ extranetEnabled: true });
    t.equal((await a.post('/admin/users', { ...valid, email: 'outsider@client.example', kind: 'external' })).statusCode, 303, 'accepted once it is on');
  });
});

t.test('admin user actions (R-U6, R-U3)', async (t) => {
  const { app, db } = await build(t);
  const admin = await makeUser(db, { name: 'Ada Admin', isAdmin: true });
  const target = await makeUser(db, { name: 'Tim Target', email: 'tim@example.com' });
  const external = await makeUser(db, { name: 'Xena External', isExtranet: true });
  const a = await signIn(app, admin);
  await enableAdminMode(a);
  await a.get('/admin/users');
  const row = (id: number) => User.query(db).findById(id).throwIfNotFound();

  t.test('deactivate ends the session at once, blocks sign-in, is audited (R-U6)', async (t) => {
    const tim = await signIn(app, target);
    t.equal((await tim.get('/')).statusCode, 200);
    const res = await a.post(`/admin/users/${target.id}/deactivate`);
    t.equal(res.statusCode, 303);
    t.not((await row(target.id)).deactivatedAt, null);
    t.equal((await db('sessions').where({ userId: target.id })).length, 0, 'its sessions are deleted at once');
    const next = await tim.get('/');
    t.equal(next.statusCode, 303, 'the open session is gone');
    t.match(next.headers.location, /^\/login/);
    const login = await new Client(app).login('tim@example.com');
    t.equal(login.statusCode, 422);
    t.match(login.body, /deactivated/);
    t.ok(await db('auditLog').where({ action: 'user.deactivate', subjectId: target.id, actorId: admin.id }).first());
    const list = await a.get('/admin/users');
    t.match(list.body, /Tim Target <span class="tag tag--muted">\(deactivated\)<\/span>/, 'the name shows as deactivated');
    t.match(list.body, /Reactivate Tim Target/);
  });

  t.test('reactivate lets the person back in', async (t) => {
    await a.get('/admin/users');
    t.equal((await a.post(`/admin/users/${target.id}/reactivate`)).statusCode, 303);
    t.equal((await row(target.id)).deactivatedAt, null);
    t.equal((await new Client(app).login('tim@example.com', PASSWORD)).statusCode, 303);
    t.ok(await db('auditLog').where({ action: 'user.reactivate', subjectId: target.id }).first());
  });

  t.test('an admin cannot deactivate themselves nor revoke their own admin (403)', async (t) => {
    await a.get('/admin/users');
    t.equal((await a.post(`/admin/users/${admin.id}/deactivate`)).statusCode, 403);
    t.equal((await a.post(`/admin/users/${admin.id}/revoke-admin`)).statusCode, 403);
    const me = await row(admin.id);
    t.equal(me.deactivatedAt, null);
    t.equal(me.isAdmin, true);
  });

  t.test('grant and revoke admin on an employee; refused for an external user', async (t) => {
    await a.get('/admin/users');
    t.equal((await a.post(`/admin/users/${target.id}/grant-admin`)).statusCode, 303);
    t.equal((await row(target.id)).isAdmin, true);
    t.match((await a.get('/admin/users')).body, /Tim Target is now an administrator/);
    t.equal((await a.post(`/admin/users/${target.id}/revoke-admin`)).statusCode, 303);
    t.equal((await row(target.id)).isAdmin, false);
    t.ok(await db('auditLog').where({ action: 'user.grant-admin', subjectId: target.id }).first());
    t.ok(await db('auditLog').where({ action: 'user.revoke-admin', subjectId: target.id }).first());
    t.equal((await a.post(`/admin/users/${external.id}/grant-admin`)).statusCode, 403);
    t.equal((await row(external.id)).isAdmin, false);
  });

  t.test('unknown action, unknown or malformed id, missing CSRF', async (t) => {
    await db('users').where({ id: target.id }).update({ isAdmin: true });
    await a.get('/admin/users');
    const auditBefore = (await db('auditLog')).length;
    for (const action of ['explode', 'toString', 'constructor', 'hasOwnProperty', '__proto__', 'valueOf']) {
      t.equal((await a.post(`/admin/users/${target.id}/${action}`)).statusCode, 404, action);
    }
    t.equal((await row(target.id)).isAdmin, true, 'no inherited property name acts as an action');
    t.equal((await a.post('/admin/users/999999/deactivate')).statusCode, 404);
    t.equal((await a.post('/admin/users/abc/deactivate')).statusCode, 404);
    t.equal((await a.post(`/admin/users/${target.id}/deactivate`, {}, { csrf: false })).statusCode, 403);
    t.equal((await row(target.id)).deactivatedAt, null);
    t.equal((await db('auditLog')).length, auditBefore, 'nothing audited');
  });
});

t.test('settings (R-U7, R-U8, R-F2)', async (t) => {
  const { app, db } = await build(t);
  const admin = await makeUser(db, { name: 'Ada Admin', isAdmin: true });
  for (let i = 0; i < 3; i++) await makeUser(db);
  const a = await signIn(app, admin);
  await enableAdminMode(a);
  const settings = () => db('settings').where({ id: 1 }).first();

  t.test('GET shows the stored values', async (t) => {
    await db('settings').update({ extranetEnabled: true, seatLimit: 25, uploadLimitMb: 64 });
    const res = await a.get('/admin/settings');
    t.equal(res.statusCode, 200);
    t.match(res.body, /name="extranetEnabled" value="on" checked/);
    t.match(res.body, /id="seatLimit" name="seatLimit" type="text" value="25"/);
    t.match(res.body, /id="uploadLimitMb" name="uploadLimitMb" type="text" value="64"/);
  });

  t.test('POST saves extranet off/on, seat limit and upload limit', async (t) => {
    await a.get('/admin/settings');
    const off = await a.post('/admin/settings', { seatLimit: '10', uploadLimitMb: '250' });
    t.equal(off.statusCode, 303);
    t.equal(off.headers.location, '/admin/settings');
    t.match(await settings(), { extranetEnabled: false, seatLimit: 10, uploadLimitMb: 250 });
    const page = await a.get('/admin/settings');
    t.match(page.body, /Settings saved/);
    t.notMatch(page.body, /name="extranetEnabled" value="on" checked/);
    t.equal((await a.post('/admin/settings', { extranetEnabled: 'on', seatLimit: '', uploadLimitMb: '100' })).statusCode, 303);
    t.match(await settings(), { extranetEnabled: true, seatLimit: null, uploadLimitMb: 100 });
    t.ok(await db('auditLog').where({ action: 'settings.update', actorId: admin.id }).first());
  });

  const bad: [string, Record<string, string | string[]>, RegExp][] = [
    ['seat limit "abc"', { seatLimit: 'abc', uploadLimitMb: '100' }, /href="#seatLimit">Enter a valid seat limit/],
    ['seat limit "0"', { seatLimit: '0', uploadLimitMb: '100' }, /href="#seatLimit">Enter a valid seat limit/],
    ['seat limit "-5"', { seatLimit: '-5', uploadLimitMb: '100' }, /href="#seatLimit">Enter a valid seat limit/],
    ['upload limit "0"', { seatLimit: '', uploadLimitMb: '0' }, /href="#uploadLimitMb">Enter a valid upload limit in megabytes/],
    ['upload limit "99999"', { seatLimit: '', uploadLimitMb: '99999' }, /href="#uploadLimitMb">Enter a valid upload limit in megabytes/],
    ['upload limit empty', { seatLimit: '', uploadLimitMb: '' }, /href="#uploadLimitMb">Enter upload limit in megabytes/],
    ['both fields missing (no untranslated message)', {}, /href="#seatLimit">Enter a valid seat limit<[\s\S]*href="#uploadLimitMb">Enter a valid upload limit in megabytes</],
    ['array values', { seatLimit: ['5', '6'], uploadLimitMb: ['100', '200'] }, /href="#seatLimit">Enter a valid seat limit/],
    ['seat limit below the active users', { seatLimit: '2', uploadLimitMb: '100' }, /href="#seatLimit">The seat limit cannot be lower than the 4 users already active/],
  ];
  for (const [label, form, message] of bad) {
    t.test(`refused: ${label} → 422, values kept, nothing saved`, async (t) => {
      const before = await settings();
      await a.get('/admin/settings');
      const res = await a.post('/admin/settings', { extranetEnabled: 'on', ...form });
      t.equal(res.statusCode, 422);
      t.match(res.body, /<title>Error: Settings/);
      t.match(res.body, message);
      t.notMatch(res.body, /Invalid input/, 'every message comes from the catalogue');
      const kept = typeof form.seatLimit === 'string' ? form.seatLimit : (form.seatLimit?.[0] ?? '');
      t.match(res.body, new RegExp(`id="seatLimit" name="seatLimit" type="text" value="${kept}"`));
      t.same(await settings(), before);
    });
  }

  t.test('the seat limit may equal the active count', async (t) => {
    await a.get('/admin/settings');
    t.equal((await a.post('/admin/settings', { extranetEnabled: 'on', seatLimit: '4', uploadLimitMb: '100' })).statusCode, 303);
    t.equal((await settings())?.seatLimit, 4);
  });
});

t.test('audit log page: newest first, with the actor (SPEC §6)', async (t) => {
  const { app, db } = await build(t);
  const admin = await makeUser(db, { name: 'Ada Admin', isAdmin: true });
  const target = await makeUser(db, { name: 'Tom Subject' });
  const a = await signIn(app, admin);
  await enableAdminMode(a);
  await a.get('/admin/users');
  await a.post(`/admin/users/${target.id}/grant-admin`);
  await a.post(`/admin/users/${target.id}/deactivate`);
  const res = await a.get('/admin/audit');
  t.equal(res.statusCode, 200);
  const rows = [...res.body.matchAll(/<tr>\s*<td[^>]*><time[^>]*>[^<]*<\/time><\/td>\s*<td[^>]*>([^<]*)<\/td>\s*<td[^>]*>([^<]*)<\/td>\s*<td[^>]*>([^<]*)<\/td>/g)].map((m) => [m[1], m[2], m[3]]);
  t.same(rows, [
    ['Ada Admin', 'deactivated user', 'Tom Subject'],
    ['Ada Admin', 'made administrator', 'Tom Subject'],
    ['Ada Admin', 'switched admin mode on', 'Ada Admin'],
  ]);
});

t.test('admin pages: 404 for employees and external users, sign-in for anonymous (R-U3, R-X1)', async (t) => {
  const { app, db } = await build(t);
  const admin = await makeUser(db, { name: 'Ada Admin', isAdmin: true });
  const employee = await makeUser(db, { name: 'Eve Employee' });
  const external = await makeUser(db, { name: 'Xan External', isExtranet: true });
  const gets = ['/admin', '/admin/users', '/admin/users/new', '/admin/settings', '/admin/audit', '/admin/outbox'];
  const posts: [string, Record<string, string>][] = [
    ['/admin/users', { name: 'Sneaky', email: 'sneaky@example.com', password: 'sneaky-password', kind: 'employee' }],
    [`/admin/users/${employee.id}/grant-admin`, {}],
    [`/admin/users/${admin.id}/deactivate`, {}],
    [`/admin/users/${employee.id}/transfer`, { to: 'extranet' }],
    ['/admin/settings', { seatLimit: '1', uploadLimitMb: '1' }],
  ];

  const adminMode = await signIn(app, admin);
  await enableAdminMode(adminMode);
  for (const url of gets) t.not((await adminMode.get(url)).statusCode, 404, `${url} exists for admin mode`);

  for (const [persona, user] of [['employee', employee], ['external', external]] as const) {
    const c = await signIn(app, user);
    for (const url of gets) t.equal((await c.get(url)).statusCode, 404, `${persona} GET ${url}`);
    for (const [url, form] of posts) t.equal((await c.post(url, form)).statusCode, 404, `${persona} POST ${url}`);
  }
  const anonymous = new Client(app);
  for (const url of gets) {
    const res = await anonymous.get(url);
    t.equal(res.statusCode, 303, `anonymous GET ${url}`);
    t.equal(res.headers.location, `/login?next=${encodeURIComponent(url)}`);
  }
  for (const [url, form] of posts) {
    const res = await anonymous.post(url, form, { csrf: false });
    t.equal(res.statusCode, 303, `anonymous POST ${url}`);
    t.equal(res.headers.location, '/login');
  }
  t.notOk(await User.query(db).where({ email: 'sneaky@example.com' }).first(), 'nothing was created');
  t.match(await User.query(db).findById(employee.id), { isAdmin: false, isExtranet: false, deactivatedAt: null });
  t.match(await User.query(db).findById(admin.id), { deactivatedAt: null });
  t.match(await db('settings').first(), { uploadLimitMb: 100, seatLimit: null });
});
