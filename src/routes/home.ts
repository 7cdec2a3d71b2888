import type { FastifyInstance } from 'fastify';
import { findGroups } from '../finders/groups.js';
import { findTasks } from '../finders/tasks.js';
import { t } from '../i18n/index.js';

/** Home: the viewer's groups and open tasks at a glance. */
export default async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { config: { access: 'signed-in' } }, async (request, reply) => {
    const viewer = request.viewer;
    const name = viewer.signedIn ? viewer.name : '';
    const [groups, tasks] = await Promise.all([findGroups(viewer, { tab: 'my' }, 10), findTasks(viewer, { role: 'responsible', status: 'pending' }, 10)]);
    return reply.page('pages/home', { title: t('home.title'), heading: t('home.welcome', { name }), groups, tasks });
  });
}
