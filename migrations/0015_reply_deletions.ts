import type { Knex } from 'knex';

export const name = '0015_reply_deletions';

/**
 * Issue 17 item 7: comments and chat messages can be deleted. A notification written because of one
 * (a comment on one's post, a mention in a comment or a group chat message) names it, so it goes with
 * it by cascade, and so does its queued mail (mail_queue.notification_id cascades already). Older
 * notifications name only the post or group, as before.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.integer('comment_id').references('post_comments.id').onDelete('CASCADE');
    t.bigInteger('chat_message_id').references('chat_messages.id').onDelete('CASCADE');
  });
  // The cascades' access paths.
  await knex.raw('create index notifications_comment on notifications (comment_id) where comment_id is not null');
  await knex.raw('create index notifications_chat_message on notifications (chat_message_id) where chat_message_id is not null');
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('notifications', (t) => {
    t.dropColumn('chat_message_id');
    t.dropColumn('comment_id');
  });
}
