import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';

/**
 * Queries one request runs, counted in-process through knex's 'query' event (like test/query-count.ts).
 * The session store's touch (at most once a minute, whatever the page) is not counted.
 */
export async function queriesFor(app: FastifyInstance, db: Knex, path: string, cookie: string | null): Promise<{ queries: number; status: number; bytes: number; body: string }> {
  const headers = cookie ? { cookie } : {};
  await app.inject({ url: path, headers }); // warm: prepared caches, first-time lookups
  let n = 0;
  const listener = (q: { sql?: string }) => {
    if (!q.sql?.startsWith('insert into "sessions"')) n++;
  };
  db.on('query', listener);
  try {
    const res = await app.inject({ url: path, headers });
    return { queries: n, status: res.statusCode, bytes: res.rawPayload.length, body: res.body };
  } finally {
    db.off('query', listener);
  }
}
