import type pg from 'pg';

/** The big tables: their secondary indexes are dropped for the load and built again after it. */
export const BULK_TABLES = ['memberships', 'tasks', 'task_members', 'task_comments', 'posts', 'post_comments', 'post_likes', 'comment_likes', 'activity', 'notifications', 'files', 'events', 'chat_messages'];

export interface SavedIndex {
  name: string;
  definition: string;
}

/**
 * Drops the indexes that back no constraint (primary keys and unique constraints stay, so
 * duplicates still fail during the load) and returns their definitions. Building an index
 * once over loaded rows is several times faster than maintaining it row by row.
 */
export async function dropSecondaryIndexes(client: pg.ClientBase): Promise<SavedIndex[]> {
  const found = await client.query<SavedIndex>(
    `select c.relname as name, pg_get_indexdef(i.indexrelid) as definition
       from pg_index i join pg_class c on c.oid = i.indexrelid join pg_class t on t.oid = i.indrelid
      where t.relname = any($1) and t.relnamespace = 'public'::regnamespace
        and not exists (select 1 from pg_constraint k where k.conindid = i.indexrelid)
      order by c.relname`,
    [BULK_TABLES],
  );
  for (const index of found.rows) await client.query(`drop index "${index.name}"`);
  return found.rows;
}

/** Builds the dropped indexes again (unique ones check the loaded rows as they go). */
export async function recreateIndexes(client: pg.ClientBase, saved: readonly SavedIndex[]): Promise<void> {
  for (const index of saved) await client.query(index.definition);
}
