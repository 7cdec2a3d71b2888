import type { FastifyRequest } from 'fastify';
import { currentLocale, t } from '../../i18n/index.js';
import { findEventsBetween, findUpcomingEvents, type CalendarScope, type EventRow } from '../../finders/events.js';
import { eventsByDay, isMonth, monthGrid, shiftMonth } from '../../lib/month-grid.js';
import { startOfLocalDay, toLocalParts } from '../../lib/zoned-time.js';
import { DateFormatter } from '../../lib/format.js';

/** One formatter per language and style, each keeping the texts it made (a month's 42 days and 100 events' times). */
const cache = new Map<string, DateFormatter>();
function fmt(key: string, options: Intl.DateTimeFormatOptions): DateFormatter {
  const locale = currentLocale();
  let f = cache.get(`${locale}|${key}`);
  if (!f) {
    f = new DateFormatter(locale, options);
    cache.set(`${locale}|${key}`, f);
  }
  return f;
}

const utcDay = (date: string) => new Date(`${date}T00:00:00Z`);
const dayLabel = (date: string) => fmt('day', { weekday: 'long', day: 'numeric', month: 'long', timeZone: 'UTC' }).text(utcDay(date));
const monthLabel = (month: string) => fmt('month', { month: 'long', year: 'numeric', timeZone: 'UTC' }).text(utcDay(`${month}-01`));
const timeLabel = (d: Date, zone: string) => fmt(`time|${zone}`, { timeStyle: 'short', timeZone: zone }).text(d);

/** Monday to Sunday, long and short, by locale. */
function weekdays(): { long: string; short: string }[] {
  return Array.from({ length: 7 }, (_, i) => {
    const d = utcDay(`2024-01-0${i + 1}`);
    return { long: fmt('wd-long', { weekday: 'long', timeZone: 'UTC' }).text(d), short: fmt('wd-short', { weekday: 'short', timeZone: 'UTC' }).text(d) };
  });
}

export type CalendarView = 'month' | 'list';

export interface CalendarQuery {
  view?: string;
  month?: string;
  after?: string;
}

/** The data of a month or list view (SPEC §7: in the viewer's time zone), for My calendar or a group's. */
export async function calendarData(request: FastifyRequest, scope: CalendarScope, query: CalendarQuery, baseUrl: string) {
  const viewer = request.viewer;
  const zone = viewer.signedIn ? viewer.timeZone : 'UTC';
  const now = new Date();
  const today = toLocalParts(now, zone).date;
  const view: CalendarView = query.view === 'list' ? 'list' : 'month';
  const month = isMonth(query.month) ? query.month : today.slice(0, 7);
  const sep = baseUrl.includes('?') ? '&' : '?';
  const links = { month: `${baseUrl}${sep}view=month&month=${month}`, list: `${baseUrl}${sep}view=list`, prev: `${baseUrl}${sep}month=${shiftMonth(month, -1)}`, next: `${baseUrl}${sep}month=${shiftMonth(month, 1)}`, today: baseUrl };
  const item = (e: EventRow) => ({ ...e, when: timeLabel(new Date(e.startsAt), zone) });

  if (view === 'list') {
    const page = await findUpcomingEvents(viewer, scope, now, query.after);
    return { view, month, links, monthLabel: monthLabel(month), weekdays: [], weeks: [], page: { ...page, items: page.items.map(item) }, listUrl: links.list, isLater: typeof query.after === 'string' && query.after !== '' };
  }
  const grid = monthGrid(month);
  const events = await findEventsBetween(viewer, scope, startOfLocalDay(grid.from, zone), startOfLocalDay(grid.until, zone));
  const byDay = eventsByDay(grid, events, zone);
  const weeks = grid.weeks.map((week) =>
    week.map((date) => ({
      date,
      day: Number(date.slice(8)),
      label: dayLabel(date),
      inMonth: date.startsWith(month),
      isToday: date === today,
      events: (byDay.get(date) ?? []).map((e) => ({ ...item(e), when: toLocalParts(new Date(e.startsAt), zone).date === date ? timeLabel(new Date(e.startsAt), zone) : t('calendar.continues') })),
    })),
  );
  return { view, month, links, monthLabel: monthLabel(month), weekdays: weekdays(), weeks, page: { items: [], nextCursor: null }, listUrl: links.list, isLater: false };
}
