import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { enforceRouteAccess } from '../policy/access.js';
import { anonymous, viewerFromUser, type Viewer } from '../policy/viewer.js';
import { viewerUserById } from '../services/login.js';
import { chooseRequestLocale } from './locale.js';

declare module 'fastify' {
  interface FastifyRequest {
    viewer: Viewer;
  }
}

/** Turns the session into a Viewer on every request, then applies the route's declared access. */
export default fp(
  async function viewerPlugin(app: FastifyInstance) {
    app.decorateRequest('viewer');
    app.addHook('onRequest', async (request, reply) => {
      request.viewer = anonymous;
      const userId = request.session?.get('userId');
      if (typeof userId === 'number') {
        const user = await viewerUserById(userId);
        if (user) {
          request.viewer = viewerFromUser(user, request.session.get('adminMode') === true);
          if (user.locale) chooseRequestLocale(request, user.locale);
        }
        else await request.session.destroy();
      }
      await enforceRouteAccess(request, reply);
    });
  },
  { name: 'viewer', dependencies: ['session', 'locale'] },
);
