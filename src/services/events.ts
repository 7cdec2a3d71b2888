import type { Knex } from 'knex';
import { raw } from 'objection';
import { z } from 'zod';
import { t } from '../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import { fieldError, fieldMessage, mergeErrors, normaliseDate, optionalText, parseForm, requiredText, validFields, type FormResult } from '../lib/forms.js';
import { fromLocalParts, isClockTime, isIsoDate } from '../lib/zoned-time.js';
import { CalendarEvent } from '../models/event.js';
import { can } from '../policy/abilities.js';
import { companyCalendarContext, findVisibleEvent, groupCalendarContext, type CalendarContext, type VisibleEvent } from '../policy/calendar-scopes.js';
import { lockVisibleEvent } from '../policy/locks.js';
import { findVisibleGroup } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';
import { recordSubmission, type Submission } from './submissions.js';

/** Where a new event goes: a group's calendar or the company's (R-F3). */
export type CalendarTarget = { groupId: number } | { company: true };

const date = (key: 'calendar.form.startDate' | 'calendar.form.endDate', required: boolean) =>
  z
    .string(fieldError('required', key))
    .trim()
    .optional()
    .default('')
    .transform(normaliseDate)
    .refine((s) => (s === '' ? !required : isIsoDate(s)), { error: () => (required ? fieldMessage('required', key) : t('validation.date', { label: t(key) })) });

const time = (key: 'calendar.form.startTime' | 'calendar.form.endTime') =>
  z
    .string(fieldError('required', key))
    .trim()
    .refine((s) => isClockTime(s), fieldError('required', key))
    .transform((s) => s.slice(0, 5));

const eventSchema = z.object({
  title: requiredText('calendar.form.title', 255),
  startDate: date('calendar.form.startDate', true),
  startTime: time('calendar.form.startTime'),
  endDate: date('calendar.form.endDate', false),
  endTime: time('calendar.form.endTime'),
  location: optionalText('calendar.form.location', 255),
  description: optionalText('calendar.form.description', 10_000),
});

export interface EventInput {
  title: string;
  description: string;
  location: string;
  startsAt: Date;
  endsAt: Date;
}

/** R-F3: the form, read in the viewer's time zone; the end may not come before the start. */
export function parseEvent(viewer: Viewer, body: unknown): FormResult<EventInput> {
  const parsed = parseForm(eventSchema, body);
  const zone = viewer.signedIn ? viewer.timeZone : 'UTC';
  // The order of start and end is checked whenever those fields are valid, so one round reports every error.
  const v = validFields(eventSchema.shape, body);
  let orderError = null;
  if (v.startDate && v.startTime !== undefined && v.endTime !== undefined && v.endDate !== undefined) {
    const startsAt = fromLocalParts(v.startDate, v.startTime, zone);
    const endsAt = fromLocalParts(v.endDate || v.startDate, v.endTime, zone);
    if (endsAt.getTime() < startsAt.getTime()) orderError = { field: v.endDate && v.endDate !== v.startDate ? 'endDate' : 'endTime', message: t('calendar.form.endBeforeStart') };
  }
  const errors = mergeErrors(Object.keys(eventSchema.shape), parsed.ok ? [] : parsed.errors, orderError);
  if (!parsed.ok || errors.length) return { ok: false, errors };
  const p = parsed.value;
  const startsAt = fromLocalParts(p.startDate, p.startTime, zone);
  const endsAt = fromLocalParts(p.endDate || p.startDate, p.endTime, zone);
  return { ok: true, value: { title: p.title, description: p.description, location: p.location, startsAt, endsAt } };
}

/** The database's CHECK (ends_at >= starts_at) refuses what slipped through; same message. */
function isDateOrderViolation(err: unknown): boolean {
  return (err as { constraint?: string }).constraint === 'events_end_after_start';
}
const dateOrderError = <T>(): FormResult<T> => ({ ok: false, errors: [{ field: 'endDate', message: t('calendar.form.endBeforeStart') }] });

/** The calendar new content goes to: 404 when the viewer may not see it, 403 when it may not write there. */
export async function calendarFor(viewer: Viewer, target: CalendarTarget, trx?: Knex.Transaction): Promise<CalendarContext> {
  let ctx: CalendarContext = companyCalendarContext;
  if ('groupId' in target) {
    const found = await findVisibleGroup(viewer, target.groupId, trx);
    if (!found) throw new NotFoundError();
    ctx = groupCalendarContext(found);
  }
  if (!can(viewer, 'event:view', ctx)) throw new NotFoundError();
  if (!can(viewer, 'event:write', ctx)) throw new ForbiddenError(ctx.archived ? t('calendar.archived') : t('calendar.cannotWrite'));
  return ctx;
}

/** R-F3, R-G3, R-G7: a group event (calendar_write decides who), or a company event (admin mode). */
export async function createEvent(db: Knex, viewer: Viewer, target: CalendarTarget, body: unknown, once: Submission<CalendarEvent> | null = null): Promise<FormResult<CalendarEvent>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  try {
    return await db.transaction(async (trx) => {
      const ctx = await calendarFor(viewer, target, trx);
      const parsed = parseEvent(viewer, body);
      if (!parsed.ok) return parsed;
      const event = await CalendarEvent.query(trx).insertAndFetch({ ...parsed.value, groupId: ctx.groupId, createdBy: viewer.id });
      await recordSubmission(trx, once, event);
      return { ok: true, value: event };
    });
  } catch (err) {
    if (isDateOrderViolation(err)) return dateOrderError();
    throw err;
  }
}

/** A visible event (404 otherwise) the viewer may change (403 otherwise): the edit and delete forms ask this. */
export async function eventForChange(viewer: Viewer, id: number): Promise<VisibleEvent> {
  const found = await findVisibleEvent(viewer, id);
  if (!found) throw new NotFoundError();
  return mayChange(viewer, found);
}

function mayChange(viewer: Viewer, found: VisibleEvent): VisibleEvent {
  if (!can(viewer, 'event:write', found.ctx)) throw new ForbiddenError(found.ctx.archived ? t('calendar.archived') : t('calendar.cannotWrite'));
  return found;
}

/** The event locked, then read through the scope (policy/locks.ts): a deletion or a removal that committed meanwhile is seen. */
async function lockForChange(trx: Knex.Transaction, viewer: Viewer, id: number): Promise<VisibleEvent> {
  return mayChange(viewer, await lockVisibleEvent(trx, viewer, id));
}

export async function updateEvent(db: Knex, viewer: Viewer, id: number, body: unknown): Promise<FormResult<CalendarEvent>> {
  try {
    return await db.transaction(async (trx) => {
      await lockForChange(trx, viewer, id);
      const parsed = parseEvent(viewer, body);
      if (!parsed.ok) return parsed;
      const event = await CalendarEvent.query(trx).patchAndFetchById(id, { ...parsed.value, updatedAt: new Date(), sequence: raw('sequence + 1') });
      return { ok: true, value: event };
    });
  } catch (err) {
    if (isDateOrderViolation(err)) return dateOrderError();
    throw err;
  }
}

export async function deleteEvent(db: Knex, viewer: Viewer, id: number): Promise<VisibleEvent> {
  return db.transaction(async (trx) => {
    const found = await lockForChange(trx, viewer, id);
    await CalendarEvent.query(trx).deleteById(id);
    return found;
  });
}
