import type { Knex } from 'knex';

export const name = '0011_mail_notifications';

// The mail kinds as they were when this ran (models/mail-preference.ts MAIL_KINDS may grow later).
const KINDS = ['invitation', 'join_request', 'task_assigned', 'task_changed', 'mention', 'comment', 'direct_message'];

/**
 * Issue 18, items 1 and 2: e-mail notifications (per-kind choice, a queue of what is still to be
 * mailed, HTML and headers in the outbox) and password reset by e-mail (hashed single-use tokens).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('outbox', (t) => {
    t.text('body_html');
    // Extra headers (List-Unsubscribe, List-Unsubscribe-Post), written by the app, never typed by anyone.
    t.jsonb('headers').notNullable().defaultTo('{}');
  });

  // One row per person who changed a choice; no row means the defaults (services/mail-notifications/preferences.ts).
  await knex.schema.createTable('mail_preferences', (t) => {
    t.integer('user_id').primary().references('users.id').onDelete('CASCADE');
    for (const kind of KINDS) t.string(kind, 10).notNullable();
    t.smallint('digest_hour').notNullable().defaultTo(8);
    t.timestamp('updated_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  for (const kind of KINDS) {
    await knex.raw(`alter table mail_preferences add constraint mail_preferences_${kind} check (${kind} in ('immediate', 'digest', 'off'))`);
  }
  await knex.raw('alter table mail_preferences add constraint mail_preferences_digest_hour check (digest_hour between 0 and 23)');

  // What is still to be mailed: a notification or a direct message, at once or in the next digest.
  // The mail is built from it later, through the recipient's scopes at that moment (R-X1).
  await knex.schema.createTable('mail_queue', (t) => {
    t.bigIncrements('id');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('kind', 16).notNullable();
    t.bigInteger('notification_id').references('notifications.id').onDelete('CASCADE');
    t.bigInteger('chat_message_id').references('chat_messages.id').onDelete('CASCADE');
    t.string('mode', 10).notNullable();
    // Digest rows: when the person's digest is due (their hour in their time zone).
    t.timestamp('due_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw("alter table mail_queue add constraint mail_queue_mode check (mode in ('immediate', 'digest'))");
  await knex.raw('alter table mail_queue add constraint mail_queue_subject check ((notification_id is null) <> (chat_message_id is null))');
  await knex.raw('create index mail_queue_due on mail_queue (due_at, id)');
  await knex.raw('create index mail_queue_user on mail_queue (user_id, id)');
  await knex.raw('create index mail_queue_notification on mail_queue (notification_id) where notification_id is not null');
  await knex.raw('create index mail_queue_chat_message on mail_queue (chat_message_id) where chat_message_id is not null');

  await knex.schema.createTable('password_resets', (t) => {
    t.bigIncrements('id');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable().unique();
    t.timestamp('expires_at', { useTz: true }).notNullable();
    t.timestamp('used_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['password_resets', 'mail_queue', 'mail_preferences']) await knex.schema.dropTableIfExists(table);
  await knex.schema.alterTable('outbox', (t) => {
    t.dropColumns('body_html', 'headers');
  });
}
