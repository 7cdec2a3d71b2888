import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { FastifyInstance, FastifyReply } from 'fastify';
import fp from 'fastify-plugin';
import { t } from '../i18n/index.js';

/**
 * The last check before a reply is written: Node throws on a header holding CR, LF or NUL, and
 * when the reply is written from a callback (the session store's save) that throw ends the
 * process. Handlers check what they put in headers; this turns a miss into a logged 500.
 * Registered after the session plugin, so it runs after the session's own onSend.
 */
export default fp(
  async function headerGuardPlugin(app: FastifyInstance) {
    app.addHook('onSend', async (request, reply, payload) => {
      const invalid = invalidHeaders(reply);
      if (invalid.length === 0) return payload;
      request.log.error({ reqId: request.id, headers: invalid }, 'reply refused: invalid header value');
      for (const name of [...invalid, 'content-length', 'content-disposition', 'content-encoding', 'location', 'etag', 'last-modified']) reply.removeHeader(name);
      discard(payload);
      reply.code(500).type('text/plain; charset=utf-8');
      return `${t('error.500.title')}\n${t('error.500.body', { requestId: request.id })}`;
    });
  },
  { name: 'header-guard', dependencies: ['session'] },
);

function invalidHeaders(reply: FastifyReply): string[] {
  const invalid: string[] = [];
  for (const [name, value] of Object.entries(reply.getHeaders())) {
    if (value === undefined) continue;
    try {
      validateHeaderName(name);
      for (const item of Array.isArray(value) ? value : [value]) validateHeaderValue(name, String(item));
    } catch {
      invalid.push(name);
    }
  }
  return invalid;
}

function discard(payload: unknown): void {
  const stream = payload as { destroy?: unknown } | null;
  if (stream && typeof stream === 'object' && typeof stream.destroy === 'function') (stream.destroy as () => void)();
}
