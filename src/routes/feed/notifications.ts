import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { findNotifications } from '../../finders/notifications.js';
import { parseId } from '../../lib/errors.js';
import { markAllNotificationsRead, markNotificationRead } from '../../services/notifications.js';

type NotificationRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | string[] | undefined> }>;

/** R-F5: the viewer's notifications, newest first, keyset-paged; mark one or all read (PRG). */
export default async function notificationRoutes(app: FastifyInstance): Promise<void> {
  const signedIn = { config: { access: 'signed-in' as const } };

  app.get('/notifications', signedIn, async (request: NotificationRequest, reply) => {
    const unread = request.query.show === 'unread';
    const page = await findNotifications(request.viewer, { after: request.query.after, unread });
    const baseUrl = unread ? '/notifications?show=unread' : '/notifications';
    const isLater = typeof request.query.after === 'string' && request.query.after !== '';
    return reply.pageOrPartial('pages/notifications/index', 'partials/notifications/list', { title: t('notifications.title'), page, unreadOnly: unread, baseUrl, isLater });
  });

  app.post('/notifications/:id/read', signedIn, async (request: NotificationRequest, reply) => {
    await markNotificationRead(app.db, request.viewer, parseId(request.params.id));
    request.session.set('flash', { kind: 'success', message: t('notifications.markedRead') });
    return reply.redirect('/notifications', 303);
  });

  app.post('/notifications/read-all', signedIn, async (request, reply) => {
    await markAllNotificationsRead(app.db, request.viewer);
    request.session.set('flash', { kind: 'success', message: t('notifications.allRead') });
    return reply.redirect('/notifications', 303);
  });
}
