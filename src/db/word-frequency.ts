import type { Knex } from 'knex';

/** What ANALYZE keeps of a table's `search_vector`: the lexemes most rows hold, and the share of rows holding each. */
interface CommonLexemes {
  words: string[];
  shares: number[];
}

/** How long the statistics read are used: ANALYZE (autovacuum) changes them rarely. */
const REFRESH_MS = 10 * 60 * 1000;

let read: { at: number; byTable: Promise<Map<string, CommonLexemes>> } | null = null;

async function readCommonLexemes(db: Knex): Promise<Map<string, CommonLexemes>> {
  const res = await db.raw<{ rows: { table: string; words: string[] | null; shares: number[] | null }[] }>(
    `select tablename as "table", most_common_elems::text::text[] as words, most_common_elem_freqs as shares
       from pg_stats where schemaname = current_schema() and attname = 'search_vector'`,
  );
  return new Map(res.rows.filter((r) => r.words && r.shares).map((r) => [r.table, { words: r.words ?? [], shares: r.shares ?? [] }]));
}

/**
 * The share of `table`'s rows that hold a word starting with every one of `prefixes` (words taken as independent),
 * from PostgreSQL's own statistics of its search vector. A prefix that starts none of the common lexemes ANALYZE
 * keeps is rarer than all of them: it counts as 0. A table never analyzed, or without a vector, answers 0.
 *
 * PostgreSQL estimates a prefix this way only when it keeps 100 lexemes or more; with fewer it guesses 2 % for
 * every word, common or absent, and so planned a search for a word nobody wrote like one for a word in a third of
 * all posts (issue 16).
 */
export async function prefixShare(db: Knex, table: string, prefixes: readonly string[]): Promise<number> {
  if (!read || Date.now() - read.at > REFRESH_MS) {
    const byTable = readCommonLexemes(db);
    read = { at: Date.now(), byTable };
    // A failed read is not kept: the next search asks again.
    byTable.catch(() => {
      if (read?.byTable === byTable) read = null;
    });
  }
  const lexemes = (await read.byTable).get(table);
  if (!lexemes || prefixes.length === 0) return 0;
  let share = 1;
  for (const prefix of prefixes) {
    let own = 0;
    lexemes.words.forEach((word, i) => {
      if (word.startsWith(prefix)) own += lexemes.shares[i] ?? 0;
    });
    share *= Math.min(1, own);
  }
  return share;
}

/** Forgets the statistics read (tests that analyze new data). */
export function forgetWordFrequencies(): void {
  read = null;
}
