import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { findAuditEntries } from '../../finders/audit.js';

export default async function adminAuditRoutes(app: FastifyInstance): Promise<void> {
  app.get('/audit', { config: { access: 'admin-mode' } }, async (request: FastifyRequest<{ Querystring: { after?: string } }>, reply) => {
    const page = await findAuditEntries(request.viewer, request.query.after);
    return reply.page('pages/admin/audit', { title: t('admin.audit.title'), page });
  });
}
