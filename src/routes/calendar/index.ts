import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { can } from '../../policy/abilities.js';
import { companyCalendarContext, groupCalendarContext } from '../../policy/calendar-scopes.js';
import { groupAbilities, loadGroupTool } from '../groups/load.js';
import eventRoutes from './events.js';
import calendarFeedRoutes from './feed.js';
import { calendarData, type CalendarQuery } from './month-view.js';

type Req = FastifyRequest<{ Params: { id: string }; Querystring: CalendarQuery }>;
const signedIn = { config: { access: 'signed-in' as const } };

/** R-F3: My calendar, a group's calendar (month and list views), and events. */
export default async function calendarRoutes(app: FastifyInstance): Promise<void> {
  // R-F3, R-X5: the viewer's groups' events and, for employees, the company calendar.
  app.get('/calendar', signedIn, async (request: Req, reply) => {
    const data = await calendarData(request, { mine: true }, request.query, '/calendar');
    const company = can(request.viewer, 'event:write', companyCalendarContext);
    return reply.pageOrPartial('pages/calendar/index', 'partials/calendar/view', { title: t('calendar.title'), ...data, showGroup: true, newEventUrl: company ? '/events/new?company=1' : null });
  });

  app.get('/groups/:id/calendar', signedIn, async (request: Req, reply) => {
    const found = await loadGroupTool(request, reply, 'calendar');
    if (!found) return reply;
    const base = `/groups/${found.group.id}/calendar`;
    const data = await calendarData(request, { groupId: found.group.id }, request.query, base);
    const mayWrite = can(request.viewer, 'event:write', groupCalendarContext(found));
    return reply.pageOrPartial('pages/calendar/group', 'partials/calendar/view', {
      title: t('calendar.groupTitle', { name: found.group.name }), ...data, showGroup: false, newEventUrl: mayWrite ? `/events/new?group=${found.group.id}` : null,
      group: found.group, role: found.role, can: groupAbilities(request.viewer, found),
    });
  });

  await app.register(eventRoutes);
  await app.register(calendarFeedRoutes);
}
