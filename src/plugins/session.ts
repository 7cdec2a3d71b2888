import { createHmac } from 'node:crypto';
import fastifyCookie from '@fastify/cookie';
import fastifySession from '@fastify/session';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import { PgSessionStore, SESSION_IDLE_MS } from '../db/session-store.js';
import { RememberingSigner } from './session-signer.js';
import { unreadCountColumn } from '../finders/notifications.js';
import { ADMIN_MODE_REQUESTED } from '../policy/session-read.js';

export interface Flash {
  kind: 'success' | 'error';
  message: string;
}

declare module 'fastify' {
  interface Session {
    userId?: number;
    adminMode?: boolean;
    flash?: Flash;
    /** When the session's expiry last moved on (refreshRecentUse). */
    usedAt?: number;
  }
}

/** How stale a session's stored expiry may get while it is in use: it is saved again (and its cookie re-sent) this often at most. */
export const SESSION_REFRESH_MS = 60 * 1000;

/** Cookie + PostgreSQL-backed sessions (R-U2); CSRF tokens are plugins/csrf.ts's. */
export default fp(
  async function sessionPlugin(app: FastifyInstance, opts: { db: Knex; secret: string }) {
    // Signs the cookies a signed-out visitor carries instead of a session (plugins/csrf.ts, single sign-on's pending
    // state), with a key of their own: such a cookie's value is never a valid session id, nor the reverse.
    await app.register(fastifyCookie, { secret: createHmac('sha256', opts.secret).update('atrium signed cookies').digest('base64url') });
    // The header's unread count is read with the session (one round trip for both; plugins/views.ts uses it on GETs).
    const store = new PgSessionStore(opts.db, (err) => app.log.error({ err }, 'session store callback threw'), (kind) => unreadCountColumn('u', ADMIN_MODE_REQUESTED, kind));
    app.addHook('onClose', async () => store.close());
    await app.register(fastifySession, {
      secret: new RememberingSigner(opts.secret),
      cookieName: 'atrium.sid',
      store,
      saveUninitialized: false,
      // Not rolling on every reply (a signed cookie, a stored row and two hashes per page): refreshRecentUse below.
      rolling: false,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/', maxAge: SESSION_IDLE_MS },
    });
    app.addHook('onRequest', refreshRecentUse);
  },
  { name: 'session' },
);

/**
 * The request's session, or null when there is none to use: @fastify/session leaves a plain `{}`
 * when its store failed (the database is down), and the error page sets none at all.
 */
export function loadedSession(request: FastifyRequest): FastifyRequest['session'] | null {
  const session = request.session as Partial<FastifyRequest['session']> | null;
  return typeof session?.get === 'function' ? request.session : null;
}

/**
 * A session ends after SESSION_IDLE_MS without use. Its stored expiry (and the cookie's) moves on when it is over a
 * minute old: the session then counts as changed, so @fastify/session saves it and sends its cookie. Other replies
 * carry no Set-Cookie and write nothing.
 */
function refreshRecentUse(request: FastifyRequest, _reply: FastifyReply, done: () => void): void {
  const session = loadedSession(request);
  // The expiry the session was stored with (@fastify/session keeps it beside the new one it computes, untyped).
  const storedExpiry = (session?.cookie as { originalExpires?: Date } | undefined)?.originalExpires;
  if (session && storedExpiry) {
    const now = Date.now();
    if (storedExpiry.getTime() < now + SESSION_IDLE_MS - SESSION_REFRESH_MS) session.set('usedAt', now);
  }
  done();
}
