import type { FastifyInstance, RouteOptions } from 'fastify';

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
