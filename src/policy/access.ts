import type { FastifyInstance, FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { t } from '../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import { isSuperuser } from './viewer.js';

/**
 * Every route declares who may reach it; anonymous access is opt-in.
 * - public: anyone, signed in or not
 * - guest: only signed-out visitors (login); signed-in users are sent home
 * - signed-in: every signed-in user; the handler reads through scopes (404 when not visible)
 * - employee: intranet users only; extranet users get 404 (R-X1)
 * - admin-mode: administrators with admin mode on (R-U3)
 */
export const accessLevels = ['public', 'guest', 'signed-in', 'employee', 'admin-mode'] as const;
export type Access = (typeof accessLevels)[number];

declare module 'fastify' {
  interface FastifyContextConfig {
    access?: Access;
    /**
     * false only where a token in the URL is the whole permission and no session is used
     * (RFC 8058 one-click unsubscribe, posted by a mail client without any form).
     */
    csrf?: false;
  }
}

export class MissingAccessDeclaration extends Error {}

/** Refuses to start the app when a route does not say who may reach it. */
export function requireAccessDeclarations(app: FastifyInstance): void {
  app.addHook('onRoute', (route: RouteOptions) => {
    const access = (route.config as { access?: unknown } | undefined)?.access;
    if (typeof access !== 'string' || !(accessLevels as readonly string[]).includes(access)) {
      throw new MissingAccessDeclaration(`Route ${String(route.method)} ${route.url} declares no access rule (config.access)`);
    }
  });
}

/** Applies the route's declared access level to the request's viewer (runs after the viewer is known). */
export async function enforceRouteAccess(request: FastifyRequest, reply: FastifyReply): Promise<void> {
  const access = request.routeOptions.config.access;
  const viewer = request.viewer;
  // Unknown URLs have no route config; the not-found handler answers them.
  if (access === undefined || access === 'public') return;
  if (access === 'guest') {
    if (viewer.signedIn) return reply.redirect('/', 303);
    return;
  }
  if (!viewer.signedIn) {
    const next = request.method === 'GET' ? `?next=${encodeURIComponent(request.url)}` : '';
    return reply.redirect(`/login${next}`, 303);
  }
  if (access === 'employee' && viewer.isExtranet) throw new NotFoundError();
  if (access === 'admin-mode' && !isSuperuser(viewer)) {
    if (viewer.isAdmin) throw new ForbiddenError(t('admin.needsAdminMode'));
    throw new NotFoundError();
  }
}
