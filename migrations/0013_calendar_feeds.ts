import type { Knex } from 'knex';

export const name = '0013_calendar_feeds';

/**
 * Issue 18 item 7 (R-C2): a personal calendar feed per person, found by the SHA-256 of the secret in
 * its address (the address itself is never stored); regenerating replaces the hash, revoking deletes
 * the row. Events get a SEQUENCE that each edit raises, so calendar apps take the new version.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('calendar_feeds', (t) => {
    t.integer('user_id').primary().references('users.id').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable().unique();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.schema.alterTable('events', (t) => {
    t.integer('sequence').notNullable().defaultTo(0);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('events', (t) => {
    t.dropColumn('sequence');
  });
  await knex.schema.dropTableIfExists('calendar_feeds');
}
