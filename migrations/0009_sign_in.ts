import type { Knex } from 'knex';

export const name = '0009_sign_in';

/**
 * Issue 19 (R-A1, R-A2): company sign-in. Non-secret settings of the directory and the
 * OpenID provider live in one row an administrator edits; their secrets only in the environment.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('sign_in_settings', (t) => {
    t.integer('id').primary();
    t.boolean('ldap_enabled').notNullable().defaultTo(false);
    t.string('ldap_url', 500).notNullable().defaultTo('');
    t.boolean('ldap_start_tls').notNullable().defaultTo(false);
    t.string('ldap_bind_dn', 500).notNullable().defaultTo('');
    t.string('ldap_base_dn', 500).notNullable().defaultTo('');
    t.string('ldap_user_filter', 500).notNullable().defaultTo('(&(objectClass=inetOrgPerson)(uid={{username}}))');
    t.string('ldap_attr_email', 64).notNullable().defaultTo('mail');
    t.string('ldap_attr_name', 64).notNullable().defaultTo('cn');
    t.string('ldap_attr_job_title', 64).notNullable().defaultTo('title');
    t.string('ldap_attr_phone', 64).notNullable().defaultTo('telephoneNumber');
    t.string('ldap_admin_group_dn', 500).notNullable().defaultTo('');
    t.boolean('oidc_enabled').notNullable().defaultTo(false);
    t.string('oidc_issuer', 500).notNullable().defaultTo('');
    t.string('oidc_client_id', 200).notNullable().defaultTo('');
    t.boolean('oidc_create_accounts').notNullable().defaultTo(false);
    t.boolean('totp_required_admins').notNullable().defaultTo(false);
    t.boolean('totp_required_external').notNullable().defaultTo(false);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('alter table sign_in_settings add constraint sign_in_settings_single_row check (id = 1)');
  await knex('sign_in_settings').insert({ id: 1 });

  await knex.schema.alterTable('users', (t) => {
    t.string('auth_source', 8).notNullable().defaultTo('local');
    // The directory entry's DN (lower case) or the provider's issuer and subject, whichever made or linked the account.
    t.string('external_key', 600);
    t.text('totp_secret');
    t.timestamp('totp_enabled_at', { useTz: true });
    // The last accepted 30-second step: a code is accepted once (RFC 6238 §5.2).
    t.bigInteger('totp_last_step');
  });
  await knex.raw("alter table users add constraint users_auth_source check (auth_source in ('local', 'ldap', 'oidc'))");
  await knex.raw('create unique index users_auth_source_external_key on users (auth_source, external_key) where external_key is not null');

  await knex.schema.createTable('totp_recovery_codes', (t) => {
    t.bigIncrements('id');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('code_hash', 64).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.unique(['user_id', 'code_hash']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('totp_recovery_codes');
  await knex.raw('drop index if exists users_auth_source_external_key');
  await knex.raw('alter table users drop constraint if exists users_auth_source');
  await knex.schema.alterTable('users', (t) => {
    t.dropColumns('auth_source', 'external_key', 'totp_secret', 'totp_enabled_at', 'totp_last_step');
  });
  await knex.schema.dropTableIfExists('sign_in_settings');
}
