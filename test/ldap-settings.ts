import type { Knex } from 'knex';
import { BASE_DN, SERVICE_DN, SERVICE_PASSWORD, type LdapServer } from './ldap-server.js';

/** Points the app's sign-in settings at the test directory, and its secrets at the environment. */
export async function useTestDirectory(db: Knex, server: LdapServer, overrides: Record<string, unknown> = {}): Promise<void> {
  process.env.LDAP_BIND_PASSWORD = SERVICE_PASSWORD;
  process.env.LDAP_CA_FILE = server.caFile;
  await db('sign_in_settings').where({ id: 1 }).update({
    ldapEnabled: true,
    ldapUrl: server.url,
    ldapStartTls: false,
    ldapBindDn: SERVICE_DN,
    ldapBaseDn: BASE_DN,
    ldapUserFilter: '(&(objectClass=inetOrgPerson)(uid={{username}}))',
    ldapAdminGroupDn: `cn=atrium-admins,ou=groups,${BASE_DN}`,
    ...overrides,
  });
}
