import { createHmac } from 'node:crypto';
import Tokens from '@fastify/csrf';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { SESSION_IDLE_MS } from '../db/session-store.js';
import { loadedSession } from './session.js';
import { remembering } from './session-signer.js';

declare module 'fastify' {
  interface FastifyReply {
    /** A CSRF token for the forms of this reply (each call a new salt; one secret per visitor or session). */
    generateCsrf(): string;
  }
  interface FastifyInstance {
    /** Refuses (403) a request whose token is missing or not this visitor's; else `done()`. */
    csrfProtection(request: FastifyRequest, reply: FastifyReply, done: () => void): void;
  }
}

/** The cookie holding a signed-out visitor's CSRF secret, signed with the server's secret. */
export const FORM_COOKIE = 'atrium.form';

/** The error codes the error page knows as "this form has expired" (plugins/errors.ts). */
export class CsrfError extends Error {
  readonly statusCode = 403;
  constructor(readonly code: 'FST_CSRF_MISSING_SECRET' | 'FST_CSRF_INVALID_TOKEN') {
    super(code === 'FST_CSRF_MISSING_SECRET' ? 'Missing csrf secret' : 'Invalid csrf token');
  }
}

/**
 * CSRF tokens (@fastify/csrf: a salt and a hash of a secret), with the secret kept where it costs nothing:
 * - signed in: derived from the session's id with the server's secret, so a token is good for that session only, and
 *   nothing is stored for it;
 * - signed out: a random secret in a signed, HttpOnly cookie (the signed double-submit pattern), so showing the
 *   sign-in form to anyone stores no session: it used to store one per GET, a table anyone could fill.
 */
export default fp(
  async function csrfPlugin(app: FastifyInstance, opts: { secret: string }) {
    const tokens = Tokens();
    const sessionKey = createHmac('sha256', opts.secret).update('atrium csrf secret of a session').digest();
    // An HMAC costs more to set up than to compute; a session asks for the same one on every page.
    const sessionSecret = remembering((sid) => createHmac('sha256', sessionKey).update(sid).digest('base64url'));

    /** The signed-in session's id, or null for a visitor who is not signed in. */
    function signedInSession(request: FastifyRequest): string | null {
      const session = loadedSession(request);
      return session && typeof session.get('userId') === 'number' ? session.sessionId : null;
    }

    function visitorSecret(request: FastifyRequest): string | null {
      const cookie = request.cookies[FORM_COOKIE];
      if (!cookie) return null;
      const unsigned = request.unsignCookie(cookie);
      return unsigned.valid ? unsigned.value : null;
    }

    app.decorateReply('generateCsrf', function generateCsrf(this: FastifyReply): string {
      const sid = signedInSession(this.request);
      if (sid) return tokens.create(sessionSecret(sid));
      let secret = visitorSecret(this.request);
      if (!secret) {
        secret = tokens.secretSync();
        // As long as a session lasts unused (a form open that long still works), and kept across a browser's restart.
        const signed = this.signCookie(secret);
        this.setCookie(FORM_COOKIE, signed, { path: '/', httpOnly: true, sameSite: 'lax', secure: 'auto', maxAge: SESSION_IDLE_MS / 1000 });
        // Later calls for this reply (a page and its fragments) use the same secret.
        this.request.cookies[FORM_COOKIE] = signed;
      }
      return tokens.create(secret);
    });

    app.decorate('csrfProtection', function csrfProtection(request: FastifyRequest, reply: FastifyReply, done: () => void): void {
      const sid = signedInSession(request);
      const secret = sid ? sessionSecret(sid) : visitorSecret(request);
      if (!secret) return void reply.send(new CsrfError('FST_CSRF_MISSING_SECRET'));
      const token = csrfTokenOf(request);
      if (!token || !tokens.verify(secret, token)) return void reply.send(new CsrfError('FST_CSRF_INVALID_TOKEN'));
      done();
    });

    // Checked after the body is parsed (preHandler), for every state-changing request.
    app.addHook('preHandler', (request, reply, done) => {
      const method = request.method;
      if (method === 'GET' || method === 'HEAD' || method === 'OPTIONS') return done();
      if (request.routeOptions.config.csrf === false) return done();
      app.csrfProtection(request, reply, done);
    });
  },
  { name: 'csrf', dependencies: ['session'] },
);

/** The token a form sent (`_csrf`), or htmx (`x-csrf-token`). */
function csrfTokenOf(request: FastifyRequest): string | undefined {
  const body = request.body;
  if (body && typeof body === 'object' && '_csrf' in body) {
    const v = (body as { _csrf: unknown })._csrf;
    if (typeof v === 'string') return v;
  }
  const header = request.headers['x-csrf-token'];
  return typeof header === 'string' ? header : undefined;
}
