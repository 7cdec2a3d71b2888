import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { t } from '../i18n/index.js';
import { HttpError } from '../lib/errors.js';

/** A body must bring at least `minBytes` in every `windowMs` until it is complete. */
export interface BodyRate {
  windowMs: number;
  minBytes: number;
}

/** 1 KiB/s on average over half a minute: every real connection does better, a trickle does not. */
export const DEFAULT_BODY_RATE: BodyRate = { windowMs: 30_000, minBytes: 30 * 1024 };

function hasBody(raw: IncomingMessage): boolean {
  return raw.headers['transfer-encoding'] !== undefined || Number(raw.headers['content-length'] ?? 0) > 0;
}

/**
 * The body's parser (multipart or form) fails with 408, so the error page is sent through the
 * usual path, and the connection closes after it. Without a parser listening there is no one
 * to answer: the connection is simply closed.
 */
function cutOff(request: FastifyRequest, reply: FastifyReply): void {
  reply.header('Connection', 'close');
  if (request.raw.listenerCount('error') > 0) request.raw.emit('error', new HttpError(408, t('error.408.body')));
  else request.raw.socket.destroy();
}

/**
 * A minimum upload rate: a request whose body arrives slower than `BodyRate` is answered 408 and
 * its connection closed, so a client announcing gigabytes and sending a byte a second holds
 * neither a connection nor a temporary file for long. Bytes are counted on the socket (no
 * listener on the body, which its parser reads), a fixed timer per request with a body.
 */
export default fp(
  async function bodyRatePlugin(app: FastifyInstance, rate: BodyRate) {
    app.addHook('onRequest', async (request, reply) => {
      const raw = request.raw;
      if (!hasBody(raw)) return;
      const socket = raw.socket;
      let counted = socket.bytesRead;
      const timer = setInterval(() => {
        if (raw.complete || socket.destroyed) return clearInterval(timer);
        const now = socket.bytesRead;
        if (now - counted >= rate.minBytes) {
          counted = now;
          return;
        }
        clearInterval(timer);
        cutOff(request, reply);
      }, rate.windowMs);
      timer.unref();
      reply.raw.once('close', () => clearInterval(timer));
    });
  },
  { name: 'body-rate' },
);
