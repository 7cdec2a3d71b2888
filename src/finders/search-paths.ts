import type { Knex } from 'knex';
import { prefixShare } from '../db/word-frequency.js';
import { prefixesOf } from '../lib/full-text.js';

export const SEARCH_KINDS = ['groups', 'tasks', 'posts', 'files', 'people'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];

/** The table whose rows a kind's hits are. */
export const SEARCH_TABLE: Record<SearchKind, string> = { groups: 'groups', people: 'users', tasks: 'tasks', posts: 'posts', files: 'files' };

/** Groups and people are listed by name; the rest newest first. */
export const byName = (kind: SearchKind) => kind === 'groups' || kind === 'people';

/**
 * The words as a tsquery for a kind. A file name's punctuation separates its words (0019_file_name_words), so a word
 * typed with it inside ("budget-8.pdf", kept whole by prefixQuery) is split the same way there: each part a prefix.
 */
const queryOf = (kind: SearchKind) => (kind === 'files' ? `to_tsquery('simple', regexp_replace(?, '[@._+-]+', ''':* & ''', 'g'))` : `to_tsquery('simple', ?)`);

/**
 * How a kind's hits are found: `index` for words few rows hold, `walk` for words so common that a page fills after a
 * few rows. A search is a prepared statement, planned once for any words, so each path is written to leave
 * PostgreSQL no other road, whatever it guesses of the words:
 * - `index`: the match is the operator the full-text index answers, and the order is one no index gives
 *   (`id + 0`): rows come from the full-text index (or the scope's), then are sorted. Never a walk through the
 *   whole table for words that are not there: a word nobody wrote cost 500 ms of the database at scale 1.
 * - `walk`: the match is the function behind `@@`, which no index answers: rows come in the page's order and each
 *   is tested until the page is full, where the index would hand over a third of the table first.
 */
export type HitPath = 'index' | 'walk';

/** Words (together) held by at least this share of a kind's rows are walked to; rarer ones are looked up. */
const WALK_FROM_SHARE = 0.05;

/**
 * Kinds always looked up: a viewer's files (its groups' and its own) are a small part of the table for everyone, so a
 * walk through all files in order tested ~40 rows for each of its own (search 19 % dearer at scale 1 for 'budget').
 */
const NEVER_WALKED: readonly SearchKind[] = ['files'];

/** Each kind's path for a query prefixQuery() made, from PostgreSQL's statistics of its vector (db/word-frequency.ts). */
export async function hitPaths(db: Knex, tsquery: string): Promise<Record<SearchKind, HitPath>> {
  const prefixes = prefixesOf(tsquery);
  const shares = await Promise.all(SEARCH_KINDS.map((kind) => prefixShare(db, SEARCH_TABLE[kind], prefixes)));
  return Object.fromEntries(SEARCH_KINDS.map((kind, i) => [kind, !NEVER_WALKED.includes(kind) && (shares[i] ?? 0) >= WALK_FROM_SHARE ? 'walk' : 'index'])) as Record<SearchKind, HitPath>;
}

/** R-F6 (`?` is the words): the row under the kind's table matches, as `path` reads it. */
export function matchSql(kind: SearchKind, path: HitPath): string {
  const vector = `${SEARCH_TABLE[kind]}.search_vector`;
  return path === 'walk' ? `ts_match_vq(${vector}, ${queryOf(kind)})` : `${vector} @@ ${queryOf(kind)}`;
}

/**
 * A page's sort key (names lower-cased): plain where a walk goes in an index's order, fenced (an expression no index
 * gives) where rows are found first and sorted after. `walkInOrder`: whether walking the kind's rows in order stays
 * cheap for this viewer: an employee's scope is a large part of each table; an external user's is its few groups,
 * which the walk through the whole table would look for among everyone's rows (its tasks and posts come as an index
 * condition on their ids, in order: their walk stays inside them). An employee's tasks are walked their own way
 * (search.ts, taskWalkIds).
 */
export function sortKey(kind: SearchKind, path: HitPath, walkInOrder: boolean): string {
  const table = SEARCH_TABLE[kind];
  const inIndexOrder = path === 'walk' && walkInOrder;
  if (byName(kind)) return inIndexOrder ? `lower(${table}.name)` : `(lower(${table}.name) || '')`;
  return inIndexOrder ? `${table}.id` : `(${table}.id + 0)`;
}
