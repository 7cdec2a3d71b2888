import type { Knex } from 'knex';

export const name = '0016_file_name_search';

/**
 * Issue 16: search matched file names on the fly, so it read every file of the viewer's groups and
 * built each name's vector (5 ms of a 13 ms search at scale 1). An index on the same expression lets a
 * word the viewer typed narrow the files first when it is rare, and the scope first when it is common.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`create index files_name_search on files using gin (to_tsvector('simple', name))`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop index files_name_search');
}
