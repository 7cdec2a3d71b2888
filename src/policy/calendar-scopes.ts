import type { Knex } from 'knex';
import type { QueryBuilder } from 'objection';
import { CalendarEvent } from '../models/event.js';
import { Membership, type Role, type Tool, type WriteAccess } from '../models/group.js';
import { activeMembership, type VisibleGroup } from './scopes.js';
import { groupsWithToolFor } from './tool-groups.js';
import type { Viewer } from './viewer.js';

/** A calendar (a group's, or the company's when groupId is null) as one viewer meets it. */
export interface CalendarContext {
  groupId: number | null;
  role: Role | null;
  calendarWrite: WriteAccess;
  archived: boolean;
  /** Whether the group has the calendar tool on (R-G3); true for the company calendar. */
  toolOn: boolean;
}

/**
 * R-F3, R-G3, R-X1, R-X5: events of the viewer's groups that have the calendar tool on (every
 * such group in admin mode), and for employees the company calendar; extranet users never see it.
 */
export function eventsVisibleTo(viewer: Viewer): QueryBuilder<CalendarEvent> {
  const q = CalendarEvent.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  return q.where((b) => {
    b.whereIn('events.groupId', groupsWithToolFor(viewer, 'calendar'));
    if (!viewer.isExtranet) b.orWhereNull('events.groupId');
  });
}

export interface VisibleEvent {
  event: CalendarEvent;
  ctx: CalendarContext;
  group: { id: number; name: string; isExtranet: boolean; archivedAt: Date | null } | null;
}

/** One event through the scope, with its calendar's context, in one query; undefined when not visible. */
export async function findVisibleEvent(viewer: Viewer, id: number, trx?: Knex.Transaction): Promise<VisibleEvent | undefined> {
  const q = eventsVisibleTo(viewer)
    .findById(id)
    .leftJoin('groups as eg', 'eg.id', 'events.groupId')
    .select('events.*', 'eg.name as gName', 'eg.isExtranet as gIsExtranet', 'eg.archivedAt as gArchivedAt', 'eg.tools as gTools', 'eg.calendarWrite as gCalendarWrite');
  if (viewer.signedIn) q.select(Membership.query().alias('em').select('em.role').where('em.userId', viewer.id).whereColumn('em.groupId', 'events.groupId').whereRaw(activeMembership('em')).as('viewerRole'));
  type Row = CalendarEvent & { gName: string | null; gIsExtranet: boolean | null; gArchivedAt: Date | null; gTools: Tool[] | null; gCalendarWrite: WriteAccess | null; viewerRole?: Role | null };
  const row = (await (trx ? q.transacting(trx) : q)) as Row | undefined;
  if (!row) return undefined;
  const { gName, gIsExtranet, gArchivedAt, gTools, gCalendarWrite, viewerRole, ...rest } = row;
  const event = Object.assign(new CalendarEvent(), rest);
  return {
    event,
    ctx: { groupId: event.groupId, role: viewerRole ?? null, calendarWrite: gCalendarWrite ?? 'members', archived: gArchivedAt !== null && gArchivedAt !== undefined, toolOn: event.groupId === null || (gTools?.includes('calendar') ?? false) },
    group: event.groupId !== null && gName !== null ? { id: event.groupId, name: gName, isExtranet: gIsExtranet === true, archivedAt: gArchivedAt } : null,
  };
}

/** A group's calendar, from a group the viewer has loaded. */
export function groupCalendarContext(found: VisibleGroup): CalendarContext {
  const g = found.group;
  return { groupId: g.id, role: found.role, calendarWrite: g.calendarWrite, archived: g.archivedAt !== null, toolOn: g.tools.includes('calendar') };
}

/** The company calendar (R-F3): written by administrators in admin mode. */
export const companyCalendarContext: CalendarContext = { groupId: null, role: null, calendarWrite: 'moderators', archived: false, toolOn: true };
