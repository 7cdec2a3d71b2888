import type { FastifyInstance } from 'fastify';

/** Issue 16: the event stream of every signed-in page that is not a chat (the header's unread count). */
export default async function liveRoutes(app: FastifyInstance): Promise<void> {
  app.get('/events', { config: { access: 'signed-in' } }, async (request, reply) => app.live.open(request, reply, {}));
}
