/**
 * Keyset pagination cursors: the sort key of the last row shown, opaque to the browser.
 * A malformed cursor is treated as "first page", never as an error.
 */
export function encodeCursor(values: (string | number)[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

export function decodeCursor(cursor: unknown, shape: ('string' | 'number')[]): (string | number)[] | null {
  if (typeof cursor !== 'string' || cursor.length === 0 || cursor.length > 512) return null;
  try {
    const parsed: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (!Array.isArray(parsed) || parsed.length !== shape.length) return null;
    return parsed.every((v, i) => typeof v === shape[i] && fitsQuery(v)) ? (parsed as (string | number)[]) : null;
  } catch {
    return null;
  }
}

/**
 * What PostgreSQL accepts as a bound value next to the columns cursors hold: no NUL in text,
 * numbers only as integers in the int4 range (ids, ranks). Anything else would be a 500.
 */
function fitsQuery(v: unknown): boolean {
  if (typeof v === 'string') return !v.includes('\u0000');
  return Number.isInteger(v) && Math.abs(v as number) <= 2147483647;
}

export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** Given pageSize + 1 rows, returns the page and the cursor for the next one. */
export function toPage<T>(rows: T[], pageSize: number, keyOf: (row: T) => (string | number)[]): Page<T> {
  const items = rows.slice(0, pageSize);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > pageSize && last ? encodeCursor(keyOf(last)) : null };
}
