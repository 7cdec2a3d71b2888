import { spawnSync } from 'node:child_process';
import path from 'node:path';
import t from 'tap';
import { User } from '../../src/models/user.js';
import { syncDirectory } from '../../src/services/sign-in/ldap-sync.js';
import { build, buildOnDatabase, Client, makeUser } from '../helper.js';
import { BASE_DN, slapdMissing, startLdapServer, SERVICE_PASSWORD } from '../ldap-server.js';
import { useTestDirectory } from '../ldap-settings.js';

const skip = slapdMissing();
if (skip) t.skip(skip, async () => undefined);
else {
  const server = await startLdapServer();
  t.teardown(() => server.stop());
  t.comment(`OpenLDAP slapd ${server.version}`);
  // Secrets come from the environment, read when an app is built.
  process.env.LDAP_BIND_PASSWORD = SERVICE_PASSWORD;
  process.env.LDAP_CA_FILE = server.caFile;

  async function directoryLogin(c: Client, username: string, password: string) {
    await c.get('/login/directory');
    return c.post('/login/directory', { username, password, next: '/groups' });
  }

  t.test('R-A1: sign-in binds as the person; the account is made as an employee at first sign-in', async (t) => {
    const { app, db } = await build(t);
    await useTestDirectory(db, server);
    const login = await new Client(app).get('/login');
    t.match(login.body, /href="\/login\/directory\?next=%2F"/, 'the login page offers the directory');

    const c = new Client(app);
    const res = await directoryLogin(c, 'alice', 'alice-password');
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, '/groups');
    const alice = await User.query(db).where({ email: 'alice@example.com' }).first();
    t.ok(alice);
    t.match(alice, { name: 'Alice Archer', jobTitle: 'Engineer', phone: '+49 30 1234', isAdmin: false, isExtranet: false, authSource: 'ldap', passwordHash: null });
    t.equal((await c.get('/')).statusCode, 200);
    const audit = await db('audit_log').where({ action: 'user.create', subjectId: alice?.id }).first();
    t.match(audit?.details, { source: 'ldap' });

    t.test('no directory password is kept: the local form does not accept it', async (t) => {
      const res = await new Client(app).login('alice@example.com', 'alice-password');
      t.equal(res.statusCode, 422);
    });
    t.test('a second sign-in finds the same account and takes changes from the directory', async (t) => {
      server.modify(`dn: uid=alice,ou=people,${BASE_DN}\nchangetype: modify\nreplace: title\ntitle: Lead Engineer\n`);
      const res = await directoryLogin(new Client(app), 'alice', 'alice-password');
      t.equal(res.statusCode, 303);
      t.equal(await User.query(db).where({ email: 'alice@example.com' }).resultSize(), 1);
      t.equal((await User.query(db).where({ email: 'alice@example.com' }).first())?.jobTitle, 'Lead Engineer');
    });
  });

  t.test('R-A1: members of the administrators group become administrators, and only they', async (t) => {
    const { app, db } = await build(t);
    await useTestDirectory(db, server);
    t.equal((await directoryLogin(new Client(app), 'carol', 'carol-password')).statusCode, 303);
    t.equal((await User.query(db).where({ email: 'carol@example.com' }).first())?.isAdmin, true);
    await db('sign_in_settings').update({ ldapAdminGroupDn: '' });
    t.equal((await directoryLogin(new Client(app), 'bob', 'bob-password')).statusCode, 303);
    t.equal((await User.query(db).where({ email: 'bob@example.com' }).first())?.isAdmin, false, 'without a group nobody becomes an administrator');
  });

  t.test('refusals: wrong password, unknown user, empty password, filter injection, no e-mail', async (t) => {
    const { app, db } = await build(t);
    await useTestDirectory(db, server);
    for (const [username, password] of [
      ['alice', 'wrong-password'],
      ['nobody', 'alice-password'],
      ['a*', 'alice-password'],
      ['*)(uid=*', 'alice-password'],
    ] as const) {
      const res = await directoryLogin(new Client(app), username, password);
      t.equal(res.statusCode, 422, `${username} refused`);
      t.match(res.body, /The user name or password is not right/);
    }
    const empty = await directoryLogin(new Client(app), 'alice', '');
    t.equal(empty.statusCode, 422, 'an empty password is never sent (it would be an anonymous bind)');
    t.match(empty.body, /Enter password/);
    const noToken = new Client(app);
    await noToken.get('/login/directory');
    t.equal((await noToken.post('/login/directory', { username: 'alice', password: 'alice-password' }, { csrf: false })).statusCode, 403, 'a missing CSRF token: 403');
    const noMail = await directoryLogin(new Client(app), 'nomail', 'nomail-password');
    t.equal(noMail.statusCode, 403);
    t.match(noMail.body, /has no e-mail address/);
    t.equal(await User.query(db).resultSize(), 0, 'no account was made');
  });

  t.test('refusals: a deactivated account, an external account with the same e-mail, the seat limit (R-U6, R-X3, R-U7)', async (t) => {
    const { app, db } = await build(t);
    await useTestDirectory(db, server);
    await makeUser(db, { email: 'bob@example.com', isExtranet: true });
    const external = await directoryLogin(new Client(app), 'bob', 'bob-password');
    t.equal(external.statusCode, 403);
    t.match(external.body, /An external account uses this e-mail address/);
    t.match(await User.query(db).where({ email: 'bob@example.com' }).first(), { isExtranet: true, authSource: 'local' }, 'the external account is untouched');

    t.equal((await directoryLogin(new Client(app), 'alice', 'alice-password')).statusCode, 303);
    await db('users').where({ email: 'alice@example.com' }).update({ deactivatedAt: new Date() });
    const deactivated = await directoryLogin(new Client(app), 'alice', 'alice-password');
    t.equal(deactivated.statusCode, 403);
    t.match(deactivated.body, /deactivated/);

    await db('settings').update({ seatLimit: 1 });
    const full = await directoryLogin(new Client(app), 'carol', 'carol-password');
    t.equal(full.statusCode, 403);
    t.match(full.body, /All seats are taken/);
  });

  t.test('a local employee account with the same e-mail is linked, keeping its rights', async (t) => {
    const { app, db } = await build(t);
    await useTestDirectory(db, server, { ldapAdminGroupDn: '' });
    const local = await makeUser(db, { email: 'alice@example.com', isAdmin: true });
    t.equal((await directoryLogin(new Client(app), 'alice', 'alice-password')).statusCode, 303);
    t.match(await User.query(db).findById(local.id), { authSource: 'ldap', isAdmin: true, name: 'Alice Archer' });
    t.ok(await db('audit_log').where({ action: 'user.link', subjectId: local.id }).first());
  });

  t.test('throttled like passwords', async (t) => {
    const { app, db } = await build(t);
    await useTestDirectory(db, server);
    for (let i = 0; i < 5; i++) await directoryLogin(new Client(app), 'alice', `wrong-${i}`);
    const res = await directoryLogin(new Client(app), 'alice', 'alice-password');
    t.equal(res.statusCode, 429);
  });

  t.test('LDAPS and StartTLS, and TLS or network failures answer 503 without details', async (t) => {
    const { app, db } = await build(t);
    await useTestDirectory(db, server, { ldapUrl: server.ldapsUrl });
    t.equal((await directoryLogin(new Client(app), 'alice', 'alice-password')).statusCode, 303, 'ldaps://');
    await useTestDirectory(db, server, { ldapStartTls: true });
    t.equal((await directoryLogin(new Client(app), 'bob', 'bob-password')).statusCode, 303, 'StartTLS');
    delete process.env.LDAP_CA_FILE;
    const { app: untrusting } = await buildOnDatabase(t, db);
    process.env.LDAP_CA_FILE = server.caFile;
    await db('sign_in_settings').update({ ldapUrl: server.ldapsUrl, ldapStartTls: false });
    const tls = await directoryLogin(new Client(untrusting), 'alice', 'alice-password');
    t.equal(tls.statusCode, 503, 'an untrusted certificate is refused');
    t.match(tls.body, /cannot be reached at the moment/);
    await db('sign_in_settings').update({ ldapUrl: 'ldap://127.0.0.1:1' });
    t.equal((await directoryLogin(new Client(app), 'alice', 'alice-password')).statusCode, 503, 'unreachable');
    await db('sign_in_settings').update({ ldapEnabled: false });
    t.equal((await new Client(app).get('/login/directory')).statusCode, 404, 'switched off: no such page');
  });

  t.test('ldap:sync creates, updates and deactivates, respects the seat limit and reports it (R-U7)', async (t) => {
    const { db } = await build(t);
    await useTestDirectory(db, server);
    const secrets = { ldapBindPassword: SERVICE_PASSWORD, ldapCaFile: server.caFile, oidcClientSecret: '' };
    await makeUser(db, { email: 'admin@example.com', isAdmin: true });
    await db('settings').update({ seatLimit: 3 });
    const first = await syncDirectory(db, secrets);
    t.equal(first.directoryPeople, 4);
    t.equal(first.created.length, 2, 'two seats were free');
    t.same(first.refused.map((r) => r.reason).sort(), ['no-email', 'seat-limit']);

    await db('settings').update({ seatLimit: null });
    const dbUrl = new URL(process.env.ATRIUM_TEST_ADMIN_URL ?? '');
    dbUrl.pathname = `/${((await db.raw('select current_database() as name')) as { rows: { name: string }[] }).rows[0]?.name}`;
    const cliEnv = { ...process.env, DATABASE_URL: dbUrl.toString(), LDAP_BIND_PASSWORD: SERVICE_PASSWORD, LDAP_CA_FILE: server.caFile };
    const cli = spawnSync(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, '../../src/cli/index.ts'), 'ldap:sync'], { env: cliEnv, encoding: 'utf8' });
    t.match(cli.stdout, /Created 1: /, `the CLI prints the report ${cli.stderr}`);
    t.match(cli.stdout, /nomail.*no e-mail address/);
    t.equal(cli.status, 3, 'a report with refusals exits non-zero');
    t.equal(await User.query(db).where({ authSource: 'ldap' }).whereNull('deactivatedAt').resultSize(), 3);

    const bobBefore = await User.query(db).where({ email: 'bob@example.com' }).first();
    await db('sessions').insert({ sid: 'bob-session', data: {}, userId: bobBefore?.id, expiresAt: new Date(Date.now() + 60_000) });
    server.modify(`dn: uid=bob,ou=people,${BASE_DN}\nchangetype: delete\n`);
    const later = await syncDirectory(db, secrets);
    t.same(later.deactivated, ['bob@example.com']);
    t.ok((await User.query(db).findById(bobBefore?.id ?? 0))?.deactivatedAt, 'bob is deactivated');
    t.equal((await db('sessions').where({ userId: bobBefore?.id })).length, 0, 'and signed out');
    t.equal((await User.query(db).where({ email: 'admin@example.com' }).first())?.deactivatedAt, null, 'local accounts are left alone');

    const empty = await syncDirectory(db, secrets).then(async () => {
      await db('sign_in_settings').update({ ldapBaseDn: `ou=groups,${BASE_DN}` });
      return syncDirectory(db, secrets);
    });
    t.equal(empty.deactivationSkipped, true, 'an empty listing deactivates nobody');
    t.equal(await User.query(db).where({ authSource: 'ldap' }).whereNull('deactivatedAt').resultSize(), 2);
  });
}
