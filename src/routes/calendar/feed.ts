import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { NotFoundError, parseId } from '../../lib/errors.js';
import { contentDisposition, sanitizeUploadName } from '../../lib/file-names.js';
import { icsCalendar, type IcsEvent } from '../../lib/icalendar.js';
import { findFeedEvents, FEED_DAYS_AHEAD, FEED_DAYS_BACK } from '../../finders/events.js';
import { findVisibleEvent } from '../../policy/calendar-scopes.js';
import { feedViewerForToken } from '../../policy/calendar-feed.js';
import { createFeed, findOwnFeed, revokeFeed } from '../../services/calendar-feeds.js';
import { submitOnce } from '../submit-once.js';

declare module 'fastify' {
  interface Session {
    /** A feed address just made, shown once on the subscribe page (only its hash is kept, R-C2). */
    newCalendarFeed?: string;
  }
}

type Req = FastifyRequest<{ Params: { id: string; token: string } }>;
const signedIn = { config: { access: 'signed-in' as const } };

function sendIcs(reply: FastifyReply, text: string, cache: string): FastifyReply {
  return reply.type('text/calendar; charset=utf-8').header('Cache-Control', cache).header('X-Content-Type-Options', 'nosniff').send(text);
}

/** R-C2: one event as an .ics download, and the personal feed calendar apps subscribe to. */
export default async function calendarFeedRoutes(app: FastifyInstance): Promise<void> {
  const publicUrl = app.config.publicUrl;
  const calendarName = (group: { name: string } | null) => group?.name ?? t('calendar.company');

  app.get('/events/:id/event.ics', signedIn, async (request: Req, reply) => {
    const found = await findVisibleEvent(request.viewer, parseId(request.params.id));
    if (!found) throw new NotFoundError();
    const event: IcsEvent = { ...found.event, calendar: calendarName(found.group) };
    const text = icsCalendar({ name: found.event.title, publicUrl, events: [event] });
    return sendIcs(reply.header('Content-Disposition', contentDisposition(sanitizeUploadName(`${found.event.title}.ics`, 'event.ics'))), text, 'private, no-store');
  });

  // Calendar apps cannot sign in: the secret address is the permission, and it reads through the
  // person's scope at every fetch, so access lost (a group left, a deactivated account) shows at once.
  app.get('/calendar/feed/:token', { config: { access: 'public' } }, async (request: Req, reply) => {
    // The address ends in .ics (some calendar apps look for it): the parameter is the token and that suffix.
    const token = /^(.+)\.ics$/.exec(request.params.token)?.[1];
    const viewer = await feedViewerForToken(token);
    if (!viewer) throw new NotFoundError();
    const rows = await findFeedEvents(viewer, new Date());
    const events: IcsEvent[] = rows.map((r) => ({ ...r, calendar: calendarName(r.groupId === null ? null : { name: r.groupName ?? '' }) }));
    const text = icsCalendar({ name: t('calendar.feed.name'), publicUrl, events, refreshHours: 1 });
    return sendIcs(reply.header('Referrer-Policy', 'no-referrer').header('X-Robots-Tag', 'noindex'), text, 'no-store');
  });

  app.get('/calendar/subscribe', signedIn, async (request, reply) => {
    const feed = await findOwnFeed(request.viewer);
    const fresh = request.session.get('newCalendarFeed');
    if (fresh) request.session.set('newCalendarFeed', undefined);
    return reply.page('pages/calendar/subscribe', { title: t('calendar.feed.title'), feed: feed ?? null, newFeedUrl: feed ? (fresh ?? null) : null, daysBack: FEED_DAYS_BACK, daysAhead: FEED_DAYS_AHEAD });
  });

  app.post('/calendar/subscribe', signedIn, async (request, reply) =>
    submitOnce(request, reply, () => '/calendar/subscribe', async (once) => {
      const { token } = await createFeed(app.db, request.viewer, once);
      request.session.set('newCalendarFeed', `${publicUrl}/calendar/feed/${token}.ics`);
      request.session.set('flash', { kind: 'success', message: t('calendar.feed.created') });
      return reply.redirect('/calendar/subscribe', 303);
    }),
  );

  app.post('/calendar/subscribe/revoke', signedIn, async (request, reply) => {
    const revoked = await revokeFeed(app.db, request.viewer);
    request.session.set('flash', { kind: 'success', message: t(revoked ? 'calendar.feed.revoked' : 'calendar.feed.none') });
    return reply.redirect('/calendar/subscribe', 303);
  });
}
