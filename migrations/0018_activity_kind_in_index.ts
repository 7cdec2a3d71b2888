import type { Knex } from 'knex';

export const name = '0018_activity_kind_in_index';

/**
 * Issue 16: the main feed takes each of the viewer's groups' newest shown activity rows (policy/feed-scopes.ts
 * newestActivityIdsFor): 40 groups × 21 rows for the bench employee. Whether a row is shown depends on its
 * kind, which only the table held, so each candidate was a heap fetch (940 buffers, 1.3 ms of /feed). With
 * the kind in the index, the candidates are an index-only scan.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    create index activity_group_newest on activity (group_id, created_at desc, id desc) include (kind);
    drop index activity_group_created;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    create index activity_group_created on activity (group_id, created_at desc, id desc);
    drop index activity_group_newest;
  `);
}
