import type { Knex } from 'knex';

export const name = '0001_platform';

export async function up(knex: Knex): Promise<void> {
  await knex.raw('create extension if not exists pg_trgm');

  await knex.schema.createTable('users', (t) => {
    t.increments('id');
    t.string('email', 254).notNullable();
    t.string('name', 120).notNullable();
    t.string('job_title', 120).notNullable().defaultTo('');
    t.string('phone', 40).notNullable().defaultTo('');
    t.string('time_zone', 64).notNullable().defaultTo('UTC');
    t.text('password_hash');
    t.boolean('is_admin').notNullable().defaultTo(false);
    t.boolean('is_extranet').notNullable().defaultTo(false);
    t.timestamp('deactivated_at', { useTz: true });
    t.timestamps(true, true);
  });
  // R-U1: e-mail unique, case-insensitive.
  await knex.raw('create unique index users_email_lower_unique on users (lower(email))');
  await knex.raw('create index users_name_id on users (lower(name), id)');
  await knex.raw('create index users_name_trgm on users using gin (lower(name) gin_trgm_ops)');
  await knex.raw('create index users_email_trgm on users using gin (lower(email) gin_trgm_ops)');

  // R-U2: sessions live in Postgres and are shared by every app process.
  await knex.schema.createTable('sessions', (t) => {
    t.string('sid', 128).primary();
    t.jsonb('data').notNullable();
    t.integer('user_id').references('users.id').onDelete('CASCADE');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.index(['expires_at']);
    t.index(['user_id']);
  });

  await knex.schema.createTable('settings', (t) => {
    t.integer('id').primary();
    t.boolean('extranet_enabled').notNullable().defaultTo(true);
    t.integer('seat_limit');
    t.integer('upload_limit_mb').notNullable().defaultTo(100);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('alter table settings add constraint settings_single_row check (id = 1)');
  await knex.raw('alter table settings add constraint settings_seat_limit_positive check (seat_limit is null or seat_limit > 0)');
  await knex.raw('alter table settings add constraint settings_upload_limit_range check (upload_limit_mb between 1 and 10240)');
  await knex('settings').insert({ id: 1 });

  await knex.schema.createTable('audit_log', (t) => {
    t.bigIncrements('id');
    t.integer('actor_id').references('users.id').onDelete('SET NULL');
    t.string('action', 64).notNullable();
    t.string('subject_type', 32).notNullable();
    t.integer('subject_id');
    t.string('subject_label', 300).notNullable().defaultTo('');
    t.jsonb('details').notNullable().defaultTo('{}');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });

  // Failed logins, counted per address and per account for rate limiting across processes.
  await knex.schema.createTable('login_failures', (t) => {
    t.bigIncrements('id');
    t.string('ip', 64).notNullable();
    t.string('email', 254).notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['ip', 'created_at']);
    t.index(['email', 'created_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['login_failures', 'audit_log', 'settings', 'sessions', 'users']) {
    await knex.schema.dropTableIfExists(table);
  }
}
