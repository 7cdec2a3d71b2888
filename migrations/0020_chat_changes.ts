import type { Knex } from 'knex';

export const name = '0020_chat_changes';

/**
 * Issue 18 item 4, issue 16: edits and deletions of chat messages, kept a day, so an open page that missed their live
 * event (its stream reconnecting after a blip or a worker restart, or a process's LISTEN connection lost) is told
 * them when it is back. Ids only: what a page is sent is re-read through its viewer's scope.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create table chat_changes (
      id bigserial primary key,
      conversation_id integer not null references conversations(id) on delete cascade,
      message_id integer not null,
      kind text not null check (kind in ('edited', 'deleted')),
      created_at timestamptz not null default now()
    );
    create index chat_changes_conversation_time on chat_changes (conversation_id, created_at);
    create index chat_changes_time on chat_changes (created_at);
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop table chat_changes');
}
