import type { FastifyInstance } from 'fastify';
import { t } from '../i18n/index.js';

export default async function homeRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { config: { access: 'signed-in' } }, async (request, reply) => {
    const name = request.viewer.signedIn ? request.viewer.name : '';
    return reply.page('pages/home', { title: t('home.title'), heading: t('home.welcome', { name }) });
  });
}
