/** Longest search text accepted (R-F6); longer is refused with a message, not cut silently. */
export const SEARCH_MAX = 200;

/**
 * A search box's words as a PostgreSQL tsquery for the 'simple' configuration: every word must
 * match, each as a prefix ("launc" finds "launch"). Characters with a meaning in tsquery syntax
 * are dropped, so nothing typed can break the query (a 500) or change its logic. At most 8 words.
 * Null when nothing searchable is left.
 */
export function prefixQuery(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const words = raw
    .normalize('NFKC')
    .toLowerCase()
    .split(/\s+/u)
    .map((w) => w.replace(/[^\p{L}\p{N}@._+-]/gu, '').replace(/^[._+@-]+|[._+@-]+$/gu, '').slice(0, 64))
    .filter(Boolean)
    .slice(0, 8);
  return words.length ? words.map((w) => `'${w}':*`).join(' & ') : null;
}

/** The words of a query prefixQuery() made, each a prefix ("launc" of 'launc':*). */
export function prefixesOf(tsquery: string): string[] {
  return [...tsquery.matchAll(/'([^']+)':\*/g)].map((m) => m[1] ?? '').filter(Boolean);
}
