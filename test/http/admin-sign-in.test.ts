import t from 'tap';
import { build, buildOnDatabase, enableAdminMode, makeUser, signIn } from '../helper.js';
import { BASE_DN, SERVICE_DN, SERVICE_PASSWORD, slapdMissing, startLdapServer } from '../ldap-server.js';
import { CLIENT_ID, CLIENT_SECRET, startOidcProvider } from '../oidc-provider.js';

const skip = slapdMissing();
if (skip) t.skip(skip, async () => undefined);
else {
  const ldap = await startLdapServer();
  t.teardown(() => ldap.stop());
  const provider = await startOidcProvider({}, 'http://127.0.0.1:3000');
  t.teardown(() => provider.stop());
  process.env.LDAP_BIND_PASSWORD = SERVICE_PASSWORD;
  process.env.LDAP_CA_FILE = ldap.caFile;
  process.env.OIDC_CLIENT_SECRET = CLIENT_SECRET;

  const ldapForm = {
    ldapEnabled: 'on',
    ldapUrl: ldap.url,
    ldapBindDn: SERVICE_DN,
    ldapBaseDn: BASE_DN,
    ldapUserFilter: '(&(objectClass=inetOrgPerson)(uid={{username}}))',
    ldapAttrEmail: 'mail',
    ldapAttrName: 'cn',
    ldapAttrJobTitle: 'title',
    ldapAttrPhone: 'telephoneNumber',
    ldapAdminGroupDn: '',
  };
  const oidcForm = { oidcEnabled: 'on', oidcIssuer: provider.issuer, oidcClientId: CLIENT_ID };
  const noSecret = (body: string) => !body.includes(SERVICE_PASSWORD) && !body.includes(CLIENT_SECRET);

  t.test('admin sign-in page: admins in admin mode only; secrets are said to be set, never shown', async (t) => {
    const { app, db } = await build(t);
    const admin = await makeUser(db, { isAdmin: true });
    const a = await signIn(app, admin);
    t.equal((await a.get('/admin/sign-in')).statusCode, 403, 'admin mode off: 403');
    await enableAdminMode(a);
    const page = await a.get('/admin/sign-in');
    t.equal(page.statusCode, 200);
    t.match(page.body, /LDAP_BIND_PASSWORD\): set in the environment/);
    t.match(page.body, /OIDC_CLIENT_SECRET\): set in the environment/);
    t.match(page.body, /Redirect URI to register with the provider: http:\/\/127.0.0.1:3000\/login\/oidc\/callback/);
    t.ok(noSecret(page.body), 'no secret is shown');
    const employee = await signIn(app, await makeUser(db));
    t.equal((await employee.get('/admin/sign-in')).statusCode, 404);
    t.equal((await employee.post('/admin/sign-in/ldap', ldapForm)).statusCode, 404);

    t.test('saving each form: 303 and an audit entry with what changed', async (t) => {
      await a.get('/admin/sign-in');
      t.equal((await a.post('/admin/sign-in/ldap', ldapForm)).statusCode, 303);
      t.equal((await a.post('/admin/sign-in/oidc', oidcForm)).statusCode, 303);
      t.equal((await a.post('/admin/sign-in/two-factor', { totpRequiredAdmins: 'on' })).statusCode, 303);
      const s = await db('sign_in_settings').first();
      t.match(s, { ldapEnabled: true, ldapUrl: ldap.url, oidcEnabled: true, oidcIssuer: provider.issuer, totpRequiredAdmins: true, totpRequiredExternal: false });
      const audit = await db('audit_log').whereLike('action', 'sign-in.%').orderBy('id');
      t.same(audit.map((r: { action: string }) => r.action), ['sign-in.ldap.update', 'sign-in.oidc.update', 'sign-in.two-factor.update']);
      t.match(audit[0]?.details, { before: { ldapEnabled: false, ldapUrl: '' }, after: { ldapEnabled: true, ldapUrl: ldap.url } });
      t.equal(audit[0]?.actorId, admin.id);
      t.ok(noSecret(JSON.stringify(audit)), 'no secret is shown');
      t.equal((await a.post('/admin/sign-in/two-factor', { totpRequiredAdmins: 'on' })).statusCode, 303);
      t.equal((await db('audit_log').whereLike('action', 'sign-in.%')).length, 3, 'saving without a change writes no entry');
    });

    t.test('bad input: 422 with a message by each field, nothing saved', async (t) => {
      const cases: [Record<string, string>, RegExp][] = [
        [{ ...ldapForm, ldapUrl: 'http://example.com' }, /Enter a valid server url/i],
        [{ ...ldapForm, ldapUserFilter: '(uid=alice)' }, /user filter/i],
        [{ ...ldapForm, ldapAttrEmail: 'mail)(x' }, /e-mail attribute/i],
        [{ ...ldapForm, ldapUrl: ldap.ldapsUrl, ldapStartTls: 'on' }, /StartTLS is for ldap:\/\/ URLs/],
        [{ ...ldapForm, ldapBaseDn: '' }, /Enter base dn/i],
      ];
      for (const [form, message] of cases) {
        const res = await a.post('/admin/sign-in/ldap', form);
        t.equal(res.statusCode, 422);
        t.match(res.body, message);
      }
      const bad = await a.post('/admin/sign-in/oidc', { oidcEnabled: 'on', oidcIssuer: 'ftp://x', oidcClientId: '' });
      t.equal(bad.statusCode, 422);
      t.match(bad.body, /Enter client id/i);
      t.equal((await a.post('/admin/sign-in/ldap', { ...ldapForm, ldapUrl: ['a', 'b'] as unknown as string })).statusCode, 422);
    });

    t.test('LDAP "test connection" gives a clear reason and no secret', async (t) => {
      const ok = await a.post('/admin/sign-in/ldap/test', ldapForm);
      t.equal(ok.statusCode, 200);
      t.match(ok.body, /Connection works: 4 people match the user filter/);
      const cases: [Record<string, string>, RegExp][] = [
        [{ ...ldapForm, ldapBindDn: `cn=nobody,${BASE_DN}` }, /refused the bind DN or its password/],
        [{ ...ldapForm, ldapUrl: 'ldap://127.0.0.1:1' }, /cannot be reached \(ECONNREFUSED\)/],
        [{ ...ldapForm, ldapBaseDn: 'dc=elsewhere,dc=org' }, /base DN or the administrators group does not exist/],
      ];
      for (const [form, message] of cases) {
        const res = await a.post('/admin/sign-in/ldap/test', form);
        t.match(res.body, message);
        t.ok(noSecret(res.body), 'no secret is shown');
      }
      await db('sign_in_settings').update({ totpRequiredAdmins: false });
      delete process.env.LDAP_CA_FILE;
      const { app: untrusting } = await buildOnDatabase(t, db);
      process.env.LDAP_CA_FILE = ldap.caFile;
      const b = await signIn(untrusting, admin);
      await enableAdminMode(b);
      await b.get('/admin/sign-in');
      const tls = await b.post('/admin/sign-in/ldap/test', { ...ldapForm, ldapUrl: ldap.ldapsUrl });
      t.match(tls.body, /TLS connection failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/);
      t.equal((await db('audit_log').whereLike('action', '%test%')).length, 0, 'a test changes nothing');
    });

    t.test('OIDC "test connection": discovery, a wrong issuer, an unreachable provider', async (t) => {
      t.match((await a.post('/admin/sign-in/oidc/test', oidcForm)).body, new RegExp(`Connection works: the provider ${provider.issuer} answered discovery`));
      const wrong = await a.post('/admin/sign-in/oidc/test', { ...oidcForm, oidcIssuer: `http://localhost:${provider.port}` });
      t.match(wrong.body, /names another issuer than the one configured/);
      t.match((await a.post('/admin/sign-in/oidc/test', { ...oidcForm, oidcIssuer: 'http://127.0.0.1:1' })).body, /provider cannot be reached/);
      t.ok(noSecret(wrong.body), 'no secret is shown');
    });
  });
}
