import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { translator, type MessageKey } from '../i18n/index.js';
import { HttpError } from '../lib/errors.js';
import { OutageLog } from '../lib/outage-log.js';
import { anonymous } from '../policy/viewer.js';
import { isUnreadableMultipart } from './uploads.js';

const known = new Set([400, 403, 404, 406, 408, 409, 413, 415, 422, 429, 503]);

/** Every error a user can cause gets a clear page with its status; nothing shows a stack trace. */
export default fp(
  async function errorsPlugin(app: FastifyInstance) {
    app.setNotFoundHandler({ preHandler: undefined }, async (request, reply) => errorPage(request, reply, 404));

    const outage = new OutageLog(app.log);
    const backAgain = () => outage.reachable();
    app.db.on('query-response', backAgain);
    app.addHook('onClose', async () => {
      app.db.removeListener('query-response', backAgain);
    });

    app.setErrorHandler(async (error: FastifyError, request, reply) => {
      let status = error instanceof HttpError ? error.statusCode : (error.statusCode ?? 500);
      if (isDatabaseDown(error)) {
        status = 503;
        outage.refused503(error);
        pageWithoutDatabase(request);
      }
      if (status >= 500 && isUnreadableMultipart(request, error)) status = 400;
      if (status >= 500 && status !== 503) {
        request.log.error({ err: error, reqId: request.id }, 'request failed');
        status = 500;
      } else if (!known.has(status)) {
        status = status >= 400 && status < 500 ? 400 : 500;
      }
      const detail = error.code === 'FST_CSRF_INVALID_TOKEN' || error.code === 'FST_CSRF_MISSING_SECRET' ? translator(request.locale)('error.403.csrf') : error instanceof HttpError && error.message && (status === 403 || status === 408 || status === 413) ? error.message : undefined;
      return errorPage(request, reply, status, detail);
    });
  },
  { name: 'errors', dependencies: ['views'] },
);

/**
 * Network errors reaching the server, PostgreSQL's "connection exception" and shutdown codes, pool
 * timeouts, and our own timeouts (db/knex.ts): statement_timeout (57014), and the driver's
 * "Query read timeout" and connect timeout ("timeout expired") for a server that stopped answering.
 */
const DOWN_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN', '57P01', '57P02', '57P03', '57014']);
const DOWN_MESSAGES = /Knex: Timeout acquiring a connection|Connection terminated|Client has encountered a connection error|timeout exceeded when trying to connect|Connection ended unexpectedly|Query read timeout|^timeout expired$/;

export function isDatabaseDown(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  const message = (error as { message?: unknown }).message;
  if (typeof code === 'string' && (DOWN_CODES.has(code) || code.startsWith('08'))) return true;
  return typeof message === 'string' && DOWN_MESSAGES.test(message);
}

/**
 * The 503 page is the same for everyone: without the viewer's header (it needs the database) and
 * without the session, which cannot be saved now (@fastify/session would try after the page, fail,
 * and fall back to a bare JSON error).
 */
function pageWithoutDatabase(request: FastifyRequest): void {
  request.viewer = anonymous;
  (request as { session: FastifyRequest['session'] | null }).session = null;
}

async function errorPage(request: FastifyRequest, reply: FastifyReply, status: number, detail?: string): Promise<FastifyReply> {
  // The request's own language, even for an error raised outside its context (a parser's, a stream's).
  const t = translator(request.locale);
  const title = t(`error.${status}.title` as MessageKey);
  const bodyKey = `error.${status}.body` as MessageKey;
  const body = detail ?? (t(bodyKey) === bodyKey ? '' : t(bodyKey, { requestId: request.id }));
  if (status === 503) reply.header('Retry-After', '30');
  try {
    // Not `body`: the layout receives the rendered page as it.body.
    return await reply.page('pages/error', { title, status, message: body }, status);
  } catch (err) {
    request.log.error({ err }, 'error page failed to render');
    return reply.code(status).type('text/plain; charset=utf-8').send(`${title}\n${body}`);
  }
}
