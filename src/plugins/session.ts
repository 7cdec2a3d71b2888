import fastifyCookie from '@fastify/cookie';
import fastifyCsrf from '@fastify/csrf-protection';
import fastifySession from '@fastify/session';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import { PgSessionStore } from '../db/session-store.js';
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
  }
}

export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;

/** Cookie + PostgreSQL-backed sessions (R-U2) + CSRF tokens kept in the session. */
export default fp(
  async function sessionPlugin(app: FastifyInstance, opts: { db: Knex; secret: string }) {
    await app.register(fastifyCookie);
    // The header's unread count is read with the session (one round trip for both; plugins/views.ts uses it on GETs).
    const store = new PgSessionStore(opts.db, (err) => app.log.error({ err }, 'session store callback threw'), (kind) => unreadCountColumn('u', ADMIN_MODE_REQUESTED, kind));
    app.addHook('onClose', async () => store.close());
    await app.register(fastifySession, {
      secret: opts.secret,
      cookieName: 'atrium.sid',
      store,
      saveUninitialized: false,
      rolling: true,
      cookie: { httpOnly: true, sameSite: 'lax', secure: 'auto', path: '/', maxAge: SESSION_IDLE_MS },
    });
    await app.register(fastifyCsrf, { sessionPlugin: '@fastify/session', getToken: (req) => csrfTokenOf(req.body) ?? (req.headers['x-csrf-token'] as string | undefined) });
    // Checked after the body is parsed (preHandler), for every state-changing request.
    app.addHook('preHandler', (request, reply, done) => {
      const method = request.method;
      if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return done();
      if (request.routeOptions.config.csrf === false) return done();
      app.csrfProtection(request, reply, done);
    });
  },
  { name: 'session' },
);

function csrfTokenOf(body: unknown): string | undefined {
  if (body && typeof body === 'object' && '_csrf' in body) {
    const v = (body as { _csrf: unknown })._csrf;
    return typeof v === 'string' ? v : undefined;
  }
  return undefined;
}
