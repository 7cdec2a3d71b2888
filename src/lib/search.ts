/**
 * A search box's text as a case-insensitive LIKE pattern: NUL dropped (PostgreSQL text
 * cannot hold it), LIKE wildcards escaped, length bounded. Null when there is nothing to find.
 */
export function likePattern(raw: unknown): string | null {
  if (typeof raw !== 'string') return null;
  const search = raw.replaceAll('\u0000', '').trim().toLowerCase().slice(0, 100);
  return search ? `%${search.replace(/[\\%_]/g, (c) => `\\${c}`)}%` : null;
}
