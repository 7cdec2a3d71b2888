import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';

/**
 * One log line per request, when it has been answered (fastify's own logging writes two: "incoming
 * request" and "request completed"). It names the route's pattern, not the URL: paths can carry
 * secrets (invitation, public-link and calendar-feed tokens) and query strings carry what people type.
 */
export default fp(
  async function requestLog(app: FastifyInstance) {
    app.addHook('onResponse', async (request, reply) => {
      request.log.info({ method: request.method, route: request.routeOptions.url ?? null, status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 }, 'request');
    });
  },
  { name: 'request-log' },
);
