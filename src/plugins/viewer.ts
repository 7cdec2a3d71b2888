import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import { t } from '../i18n/index.js';
import { anonymous, isSuperuser, viewerFromUser, type Viewer } from '../policy/viewer.js';
import { activeUserById } from '../services/login.js';

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
        const user = await activeUserById(userId);
        if (user) request.viewer = viewerFromUser(user, request.session.get('adminMode') === true);
        else await request.session.destroy();
      }
      await enforceAccess(request, reply);
    });
  },
  { name: 'viewer', dependencies: ['session'] },
);

async function enforceAccess(request: FastifyRequest, reply: FastifyReply): Promise<void> {
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
