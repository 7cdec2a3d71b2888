import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';

const HEALTH_TIMEOUT_MS = 3000;

/**
 * True when the database answers `select 1` within `ms`, counting the wait for a pooled
 * connection: knex's own .timeout() starts only once the pool has handed one out, and when
 * a hung server holds every connection that wait alone lasts the pool's acquire timeout.
 */
async function databaseAnswers(db: Knex, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const answered = db
    .raw('select 1')
    .options({ query_timeout: ms })
    .then(
      () => true,
      () => false,
    );
  try {
    return await Promise.race([answered, gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  // A load balancer's check: answered within 3 s whatever state the database is in.
  app.get('/healthz', { config: { access: 'public' } }, async (_request, reply) => {
    if (await databaseAnswers(app.db, HEALTH_TIMEOUT_MS)) return reply.type('text/plain').send('ok');
    return reply.code(503).type('text/plain').send('database unavailable');
  });
}
