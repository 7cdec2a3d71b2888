import { decodeCursor, encodeCursor, type Page } from '../lib/keyset.js';
import { eventsVisibleTo } from '../policy/calendar-scopes.js';
import { myGroupIds } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';

export const EVENTS_PAGE_SIZE = 50;
/** A month shows at most this many events (a calendar with more in one month is not for reading). */
export const EVENTS_PER_MONTH = 1000;

/** A group's calendar, or My calendar: the viewer's groups and, for employees, the company's (R-F3). */
export type CalendarScope = { groupId: number } | { mine: true };

export interface EventRow {
  id: number;
  title: string;
  location: string;
  startsAt: Date;
  endsAt: Date;
  groupId: number | null;
  groupName: string | null;
  groupIsExtranet: boolean;
}

/**
 * Each event's group, looked up by its key: as a join PostgreSQL hashed every group of the company to name a month's
 * hundred events (0.65 of 0.9 ms at scale 1); LIMIT keeps it from making the lookup a join again.
 */
const ITS_GROUP = 'left join lateral (select name, is_extranet from groups where groups.id = events.group_id limit 1) as g on true';

function scoped(viewer: Viewer, scope: CalendarScope) {
  const q = eventsVisibleTo(viewer)
    .joinRaw(ITS_GROUP)
    .select('events.id', 'events.title', 'events.location', 'events.startsAt', 'events.endsAt', 'events.groupId', 'g.name as groupName', 'g.isExtranet as groupIsExtranet');
  if ('groupId' in scope) return q.where('events.groupId', scope.groupId);
  // My calendar: the viewer's own groups (also in admin mode) and the company calendar the scope allows. The groups as
  // an array are an index condition (events_group_ends): as `in (…)` the month read every event of the company.
  return q.where((b) => b.whereRaw('events.group_id = any(array(?))', [myGroupIds(viewer.signedIn ? viewer.id : 0)]).orWhereNull('events.groupId'));
}

const shape = (rows: EventRow[]) => rows.map((r) => ({ ...r, groupIsExtranet: r.groupIsExtranet === true }));

/** Events overlapping [from, until), in start order; one query. */
export async function findEventsBetween(viewer: Viewer, scope: CalendarScope, from: Date, until: Date): Promise<EventRow[]> {
  const rows = (await scoped(viewer, scope).where('events.endsAt', '>=', from).where('events.startsAt', '<', until).orderBy([{ column: 'events.startsAt' }, { column: 'events.id' }]).limit(EVENTS_PER_MONTH)) as unknown as EventRow[];
  return shape(rows);
}

/** Events that have not ended, soonest first, keyset-paged on (start, id); one query a page. */
export async function findUpcomingEvents(viewer: Viewer, scope: CalendarScope, now: Date, after: unknown, pageSize = EVENTS_PAGE_SIZE): Promise<Page<EventRow>> {
  const q = scoped(viewer, scope).where('events.endsAt', '>=', now);
  const cursor = decodeCursor(after, ['string', 'number']);
  const at = cursor ? new Date(String(cursor[0])) : null;
  if (cursor && at && !Number.isNaN(at.getTime())) q.whereRaw('(events.starts_at, events.id) > (?, ?)', [at, cursor[1] as number]);
  const rows = shape((await q.orderBy([{ column: 'events.startsAt' }, { column: 'events.id' }]).limit(pageSize + 1)) as unknown as EventRow[]);
  const items = rows.slice(0, pageSize);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > pageSize && last ? encodeCursor([new Date(last.startsAt).toISOString(), last.id]) : null };
}

/** R-C2: a calendar feed reads this far back and ahead, and at most this many events, in one query. */
export const FEED_DAYS_BACK = 90;
export const FEED_DAYS_AHEAD = 366;
export const FEED_MAX_EVENTS = 2000;

export interface FeedEventRow extends EventRow {
  description: string;
  sequence: number;
  createdAt: Date;
  updatedAt: Date;
}

const DAY_MS = 86_400_000;

/** My calendar as a feed (R-C2): what the viewer may see now, within the feed's window, in start order. */
export async function findFeedEvents(viewer: Viewer, now: Date): Promise<FeedEventRow[]> {
  const from = new Date(now.getTime() - FEED_DAYS_BACK * DAY_MS);
  const until = new Date(now.getTime() + FEED_DAYS_AHEAD * DAY_MS);
  const rows = (await scoped(viewer, { mine: true })
    .select('events.description', 'events.sequence', 'events.createdAt', 'events.updatedAt')
    .where('events.endsAt', '>=', from)
    .where('events.startsAt', '<', until)
    .orderBy([{ column: 'events.startsAt' }, { column: 'events.id' }])
    .limit(FEED_MAX_EVENTS)) as unknown as FeedEventRow[];
  return rows.map((r) => ({ ...r, groupIsExtranet: r.groupIsExtranet === true }));
}
