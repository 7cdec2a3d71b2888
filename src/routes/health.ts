import type { FastifyInstance } from 'fastify';

export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  app.get('/healthz', { config: { access: 'public' } }, async (_request, reply) => {
    try {
      // A server that stopped answering (not refusing) must not hang the load balancer's check.
      await app.db.raw('select 1').timeout(3000, { cancel: false });
      return reply.type('text/plain').send('ok');
    } catch {
      return reply.code(503).type('text/plain').send('database unavailable');
    }
  });
}
