import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { NotFoundError, parseId } from '../../lib/errors.js';
import { formValues, type FieldError } from '../../lib/forms.js';
import { formatDateTime } from '../../lib/format.js';
import { isIsoDate, toLocalParts } from '../../lib/zoned-time.js';
import { can } from '../../policy/abilities.js';
import { findVisibleEvent, type VisibleEvent } from '../../policy/calendar-scopes.js';
import { findVisibleGroup } from '../../policy/scopes.js';
import { askFirst, eventQuestion } from '../questions.js';
import { submitOnce } from '../submit-once.js';
import type { CalendarEvent } from '../../models/event.js';
import { calendarFor, createEvent, deleteEvent, eventForChange, updateEvent, type CalendarTarget } from '../../services/events.js';

type Req = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown>; Querystring: Record<string, string | undefined> }>;
const signedIn = { config: { access: 'signed-in' as const } };

/** The calendar named by ?group= / ?company= (or the form's fields): 404 for a group the viewer may not see or write to. */
function targetOf(raw: { group?: unknown; company?: unknown }): CalendarTarget {
  if (raw.company === '1' && (raw.group === undefined || raw.group === '')) return { company: true };
  if (typeof raw.group !== 'string') throw new NotFoundError();
  return { groupId: parseId(raw.group) };
}

function zoneOf(request: FastifyRequest): string {
  return request.viewer.signedIn ? request.viewer.timeZone : 'UTC';
}

async function targetGroup(request: FastifyRequest, target: CalendarTarget) {
  if (!('groupId' in target)) return null;
  const found = await findVisibleGroup(request.viewer, target.groupId);
  return found ? { id: found.group.id, name: found.group.name, isExtranet: found.group.isExtranet } : null;
}

export default async function eventRoutes(app: FastifyInstance): Promise<void> {
  async function newForm(request: Req, reply: FastifyReply, target: CalendarTarget, values: Record<string, string>, errors: FieldError[] = [], status = 200) {
    const group = await targetGroup(request, target);
    return reply.page('pages/calendar/new', { title: t('calendar.new'), values, errors, group, company: 'company' in target }, status);
  }

  app.get('/events/new', signedIn, async (request: Req, reply) => {
    const target = targetOf(request.query);
    await calendarFor(request.viewer, target);
    const day = isIsoDate(request.query.date) ? request.query.date : toLocalParts(new Date(), zoneOf(request)).date;
    return newForm(request, reply, target, { startDate: day, startTime: '09:00', endDate: day, endTime: '10:00' });
  });

  app.post('/events', signedIn, async (request: Req, reply) =>
    submitOnce(request, reply, (event: CalendarEvent) => `/events/${event.id}`, async (once) => {
      const target = targetOf(request.body ?? {});
      const result = await createEvent(app.db, request.viewer, target, request.body, once);
      if (!result.ok) return newForm(request, reply, target, formValues(request.body), result.errors, 422);
      request.session.set('flash', { kind: 'success', message: t('calendar.created') });
      return reply.redirect(`/events/${result.value.id}`, 303);
    }),
  );

  async function loadEvent(request: Req): Promise<VisibleEvent> {
    const found = await findVisibleEvent(request.viewer, parseId(request.params.id));
    if (!found) throw new NotFoundError();
    return found;
  }

  /** Issue 17 item 7: what deleting an event asks: its title and when it starts, in the viewer's zone. */
  const deleteQuestion = (request: Req, found: VisibleEvent) => eventQuestion(found.event, formatDateTime(found.event.startsAt, zoneOf(request), request.locale));

  app.get('/events/:id', signedIn, async (request: Req, reply) => {
    const found = await loadEvent(request);
    const mayWrite = can(request.viewer, 'event:write', found.ctx);
    return reply.page('pages/calendar/show', { title: found.event.title, event: found.event, group: found.group, mayWrite, deleteQuestion: mayWrite ? deleteQuestion(request, found) : null });
  });

  function editForm(reply: FastifyReply, found: VisibleEvent, values: Record<string, string>, errors: FieldError[] = [], status = 200) {
    return reply.page('pages/calendar/edit', { title: t('calendar.edit'), event: found.event, group: found.group, values, errors }, status);
  }

  app.get('/events/:id/edit', signedIn, async (request: Req, reply) => {
    const found = await eventForChange(request.viewer, (await loadEvent(request)).event.id);
    const zone = zoneOf(request);
    const start = toLocalParts(new Date(found.event.startsAt), zone);
    const end = toLocalParts(new Date(found.event.endsAt), zone);
    const e = found.event;
    return editForm(reply, found, { title: e.title, location: e.location, description: e.description, startDate: start.date, startTime: start.time, endDate: end.date, endTime: end.time });
  });

  app.post('/events/:id/edit', signedIn, async (request: Req, reply) => {
    const found = await loadEvent(request);
    const result = await updateEvent(app.db, request.viewer, found.event.id, request.body);
    if (!result.ok) return editForm(reply, found, formValues(request.body), result.errors, 422);
    request.session.set('flash', { kind: 'success', message: t('calendar.saved') });
    return reply.redirect(`/events/${found.event.id}`, 303);
  });

  app.get('/events/:id/delete', signedIn, async (request: Req, reply) => askFirst(reply, deleteQuestion(request, await eventForChange(request.viewer, parseId(request.params.id)))));

  app.post('/events/:id/delete', signedIn, async (request: Req, reply) => {
    const found = await deleteEvent(app.db, request.viewer, parseId(request.params.id));
    return reply.done(t('calendar.deleted'), found.event.groupId !== null ? `/groups/${found.event.groupId}/calendar` : '/calendar');
  });
}
