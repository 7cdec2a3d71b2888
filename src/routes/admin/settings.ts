import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { formValues } from '../../lib/forms.js';
import { getSettings, updateSettings } from '../../services/settings.js';

export default async function adminSettingsRoutes(app: FastifyInstance): Promise<void> {
  const access = { config: { access: 'admin-mode' as const } };

  app.get('/settings', access, async (_request, reply) => {
    const s = await getSettings();
    const values = { extranetEnabled: s.extranetEnabled ? 'on' : '', seatLimit: s.seatLimit === null ? '' : String(s.seatLimit), uploadLimitMb: String(s.uploadLimitMb) };
    return reply.page('pages/admin/settings', { title: t('admin.settings.title'), values });
  });

  app.post('/settings', access, async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
    const result = await updateSettings(app.db, request.viewer, request.body);
    if (!result.ok) return reply.page('pages/admin/settings', { title: t('admin.settings.title'), errors: result.errors, values: formValues(request.body) }, 422);
    request.session.set('flash', { kind: 'success', message: t('admin.settings.saved') });
    return reply.redirect('/admin/settings', 303);
  });
}
