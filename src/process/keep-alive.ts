import type { FastifyInstance } from 'fastify';

/**
 * Once close() begins, every response ends its connection and connections that fall idle are
 * closed. Node closes idle keep-alive connections only once, when close() is called; one that was
 * busy at that instant stays open when it goes idle, holding close() until its keep-alive timeout
 * (72 s in fastify), far past the grace period. Behind nginx's upstream keep-alive pool that is
 * every connection of a loaded process (issue 15, item 5).
 */
export function endKeepAliveOnClose(app: FastifyInstance, sweepEveryMs = 100): void {
  let closing = false;
  let sweeper: NodeJS.Timeout | undefined;
  app.addHook('preClose', async () => {
    closing = true;
    sweeper = setInterval(() => app.server.closeIdleConnections(), sweepEveryMs);
  });
  app.addHook('onSend', async (_request, reply) => {
    if (closing) reply.header('connection', 'close');
  });
  app.addHook('onClose', async () => clearInterval(sweeper));
}
