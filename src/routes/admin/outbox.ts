import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { findOutbox } from '../../finders/outbox.js';

export default async function adminOutboxRoutes(app: FastifyInstance): Promise<void> {
  app.get('/outbox', { config: { access: 'admin-mode' } }, async (request: FastifyRequest<{ Querystring: { after?: string } }>, reply) => {
    const page = await findOutbox(request.viewer, request.query.after);
    return reply.page('pages/admin/outbox', { title: t('admin.outbox.title'), page, smtp: Boolean(app.config.smtpUrl) });
  });
}
