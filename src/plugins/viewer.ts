import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { PgSessionStore } from '../db/session-store.js';
import { enforceRouteAccess } from '../policy/access.js';
import { anonymous, viewerFromUser, type Viewer } from '../policy/viewer.js';
import { viewerUserById } from '../services/login.js';
import { chooseRequestLocale } from './locale.js';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer;
    /** The viewer's unread count, read with the session as the request began (null: not read). */
    unreadAtStart: number | null;
  }
}

/** Turns the session into a Viewer on every request, then applies the route's declared access. */
export default fp(
  async function viewerPlugin(app: FastifyInstance) {
    app.decorateRequest('viewer');
    app.decorateRequest('unreadAtStart', null);
    app.addHook('onRequest', async (request, reply) => {
      request.viewer = anonymous;
      request.unreadAtStart = null;
      const userId = request.session?.get('userId');
      if (typeof userId === 'number') {
        // The session store read the person with the session (one round trip); else it is read here.
        const store = request.sessionStore;
        const handedOver = store instanceof PgSessionStore ? store.takePerson(request.session.sessionId, userId) : undefined;
        const user = handedOver === undefined ? await viewerUserById(userId) : handedOver.user;
        if (user) {
          request.viewer = viewerFromUser(user, request.session.get('adminMode') === true);
          request.unreadAtStart = handedOver?.unread ?? null;
          if (user.locale) chooseRequestLocale(request, user.locale);
        }
        else await request.session.destroy();
      }
      await enforceRouteAccess(request, reply);
    });
  },
  { name: 'viewer', dependencies: ['session', 'locale'] },
);
