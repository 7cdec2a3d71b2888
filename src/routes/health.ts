import type { FastifyInstance } from 'fastify';

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', { config: { access: 'public' } }, async (_request, reply) => {
    try {
      await app.db.raw('select 1');
      return reply.type('text/plain').send('ok');
    } catch {
      return reply.code(503).type('text/plain').send('database unavailable');
    }
  });
}
