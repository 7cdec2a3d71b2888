import type { Knex } from 'knex';

export const name = '0019_file_name_words';

/**
 * Issue 16: the 'simple' parser reads a whole file name ("budget-8.pdf") as one token, so each file had a lexeme of
 * its own. A prefix search ("budget") then visited one index entry per matching file (5,023 entries, 3 ms of a search
 * at scale 1), and "pdf" or "8" found nothing. The name's ASCII punctuation and spaces now separate words; the
 * vector is stored, like the other kinds', so ANALYZE keeps its common words for the search's choice of road.
 */
const FILE_NAME_WORDS = String.raw`regexp_replace(name, '[\s\x21-\x2f\x3a-\x40\x5b-\x60\x7b-\x7e]+', ' ', 'g')`;

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table files add column search_vector tsvector generated always as (to_tsvector('simple', ${FILE_NAME_WORDS})) stored;
    create index files_search on files using gin (search_vector);
    drop index files_name_search;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    create index files_name_search on files using gin (to_tsvector('simple', name));
    drop index files_search;
    alter table files drop column search_vector;
  `);
}
