import type { Knex } from 'knex';

export const name = '0003_extranet';

export async function up(knex: Knex): Promise<void> {
  // Transactional outbox: a message is written in the same transaction as its cause and
  // sent after commit by the dispatcher, retried until it goes; nothing is lost.
  await knex.schema.createTable('outbox', (t) => {
    t.bigIncrements('id');
    t.string('to_address', 254).notNullable();
    t.string('subject', 300).notNullable();
    t.text('body_text').notNullable();
    t.string('status', 16).notNullable().defaultTo('pending');
    t.integer('attempts').notNullable().defaultTo(0);
    t.text('last_error');
    t.timestamp('next_attempt_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('sent_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("alter table outbox add constraint outbox_status check (status in ('pending', 'sent', 'kept', 'failed'))");
  await knex.raw("create index outbox_due on outbox (next_attempt_at, id) where status = 'pending'");

  // R-X3: an e-mail invitation into an extranet group; the link's token is stored only as a hash.
  await knex.schema.createTable('external_invitations', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('groups.id').onDelete('CASCADE');
    t.string('email', 254).notNullable();
    t.string('token_hash', 64).notNullable().unique();
    t.integer('invited_by').references('users.id').onDelete('SET NULL');
    t.date('membership_expires_on');
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  // Re-sending replaces the old link: one open invitation per group and address.
  await knex.raw('create unique index external_invitations_open on external_invitations (group_id, lower(email)) where used_at is null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('external_invitations');
  await knex.schema.dropTableIfExists('outbox');
}
