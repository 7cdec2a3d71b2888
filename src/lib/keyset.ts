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
    return parsed.every((v, i) => typeof v === shape[i]) ? (parsed as (string | number)[]) : null;
  } catch {
    return null;
  }
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
