import type { Knex } from 'knex';

export const name = '0007_performance';

/**
 * Issue 9: indexes for the scopes' hottest access paths, measured on the benchmark company
 * (`npm run seed:scale`, `npm run bench`).
 */
export async function up(knex: Knex): Promise<void> {
  // myGroupIds() (in almost every scope, often several times a query): the viewer's memberships with
  // their expiry (R-X8) and role, read from the index alone instead of a heap visit per group.
  await knex.raw('create index memberships_user_active on memberships (user_id, group_id) include (expires_at, role)');
  await knex.raw('drop index if exists memberships_user_group');
  // usersVisibleTo() as a hashed set (employees, the viewer, contacts): an index-only pass over
  // (id, is_extranet) instead of reading the wide user rows (search vector, password hash).
  await knex.raw('create index users_id_extranet on users (id) include (is_extranet)');
  // A group's members with their expiry (contacts, member counts, R-X8) from the index alone.
  await knex.raw('create index memberships_group_active on memberships (group_id, user_id) include (expires_at, role)');
  // activityVisibleTo(): the groups whose task events and file events show (a tool that is off, or
  // "hide tasks", hides them, R-G3), read from small partial indexes instead of every group row.
  await knex.raw("create index groups_tasks_shown on groups (id) where 'tasks' = any(tools) and not hide_tasks");
  await knex.raw("create index groups_files_on on groups (id) where 'files' = any(tools)");
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index if exists groups_files_on');
  await knex.raw('drop index if exists groups_tasks_shown');
  await knex.raw('drop index if exists memberships_group_active');
  await knex.raw('drop index if exists users_id_extranet');
  await knex.raw('create index if not exists memberships_user_group on memberships (user_id, group_id)');
  await knex.raw('drop index if exists memberships_user_active');
}
