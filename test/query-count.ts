import type { Knex } from 'knex';

/**
 * Queries `fn` runs on `db`. The session store's touch (at most once a minute, whatever the page)
 * belongs to no page, so it is not counted.
 */
export async function countQueries(db: Knex, fn: () => Promise<unknown>): Promise<number> {
  let n = 0;
  const listener = (q: { sql?: string }) => {
    if (!q.sql?.startsWith('insert into "sessions"')) n++;
  };
  db.on('query', listener);
  try {
    await fn();
  } finally {
    db.off('query', listener);
  }
  return n;
}
