import type { Knex } from 'knex';

export const name = '0008_form_submissions';

/**
 * Issue 15 item 7: each rendered create form carries a one-time token; the create records it here,
 * in its own transaction, with where its answer redirected. The primary key makes a second create
 * with the same token wait for the first and then fail, so a form sent twice creates once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('form_submissions', (t) => {
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.text('token').notNullable();
    t.text('target').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['user_id', 'token']);
  });
  // The maintenance job forgets old tokens by age.
  await knex.raw('create index form_submissions_created on form_submissions (created_at)');
  await knex.raw("alter table form_submissions add constraint form_submissions_token_shape check (token ~ '^[A-Za-z0-9_-]{16,64}$')");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('form_submissions');
}
