import { addDays, toLocalParts } from './zoned-time.js';

/** A month as 'YYYY-MM' (years 1000–9999); anything else is not a month. */
export function isMonth(s: unknown): s is string {
  return typeof s === 'string' && /^[1-9]\d{3}-(0[1-9]|1[0-2])$/.test(s);
}

export function shiftMonth(month: string, by: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 + by, 1));
  const year = d.getUTCFullYear();
  if (year < 1000 || year > 9999) return month;
  return d.toISOString().slice(0, 7);
}

export interface MonthGrid {
  month: string;
  /** Weeks from Monday to Sunday, each day as 'YYYY-MM-DD'. */
  weeks: string[][];
  /** First day shown and the day after the last one shown. */
  from: string;
  until: string;
}

/** The weeks (Monday first) that cover a month. */
export function monthGrid(month: string): MonthGrid {
  const first = `${month}-01`;
  const weekday = (new Date(`${first}T00:00:00Z`).getUTCDay() + 6) % 7;
  const from = addDays(first, -weekday);
  const nextMonth = `${shiftMonth(month, 1)}-01`;
  const weeks: string[][] = [];
  let day = from;
  while (day < nextMonth || weeks.length === 0) {
    const week: string[] = [];
    for (let i = 0; i < 7; i++) {
      week.push(day);
      day = addDays(day, 1);
    }
    weeks.push(week);
  }
  return { month, weeks, from, until: day };
}

/** The local calendar days an event covers: from its start's date to its end's (an end at exactly midnight ends the day before). */
export function localDays(startsAt: Date, endsAt: Date, timeZone: string): { first: string; last: string } {
  const first = toLocalParts(startsAt, timeZone).date;
  const end = toLocalParts(endsAt, timeZone);
  const last = end.time === '00:00' && endsAt.getTime() > startsAt.getTime() ? addDays(end.date, -1) : end.date;
  return { first, last: last < first ? first : last };
}

/** Events by day of the grid, each day in start order (an event spanning days appears on each). */
export function eventsByDay<E extends { startsAt: Date; endsAt: Date }>(grid: MonthGrid, events: E[], timeZone: string): Map<string, E[]> {
  const byDay = new Map<string, E[]>();
  for (const e of events) {
    const { first, last } = localDays(new Date(e.startsAt), new Date(e.endsAt), timeZone);
    let day = first < grid.from ? grid.from : first;
    for (let n = 0; day <= last && day < grid.until && n < 42; n++, day = addDays(day, 1)) {
      const list = byDay.get(day) ?? [];
      list.push(e);
      byDay.set(day, list);
    }
  }
  return byDay;
}
