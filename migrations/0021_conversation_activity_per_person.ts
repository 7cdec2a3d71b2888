import type { Knex } from 'knex';

export const name = '0021_conversation_activity_per_person';

/**
 * Issue 16: a person's direct conversations, most recent first, from an index each side of the pair (chat list):
 * the list read every conversation of the company in activity order to find the viewer's few (5 ms at scale 1 for
 * someone with three), or all of a busy person's thousands to sort them. Each index holds the other person too, so a
 * page is read from it in order, each row's other person tested, until the page is full (PostgreSQL plans for the
 * average person's few conversations and would otherwise fetch and sort all of them). The high side's index replaces
 * the plain one (conversations_high): its first column answers the same lookups.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create index conversations_low_activity on conversations (user_low_id, (coalesce(last_message_id, 0)) desc, id desc) include (user_high_id) where kind = 'direct';
    create index conversations_high_activity on conversations (user_high_id, (coalesce(last_message_id, 0)) desc, id desc) include (user_low_id) where kind = 'direct';
    drop index conversations_high;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    create index conversations_high on conversations (user_high_id) where kind = 'direct';
    drop index conversations_low_activity;
    drop index conversations_high_activity;
  `);
}
