/**
 * Wall-clock dates and times in a viewer's time zone (SPEC §7), without a date library:
 * Intl gives the zone's offset at an instant; a local time is found from a first guess and
 * corrected once more across a daylight-saving change.
 */

const partFormatters = new Map<string, Intl.DateTimeFormat>();

function partsFormatter(timeZone: string): Intl.DateTimeFormat {
  let f = partFormatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    partFormatters.set(timeZone, f);
  }
  return f;
}

export interface LocalParts {
  date: string;
  time: string;
}

function localFields(instant: Date, timeZone: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of partsFormatter(timeZone).formatToParts(instant)) if (p.type !== 'literal') out[p.type] = Number(p.value);
  return out;
}

/** The zone's offset from UTC at an instant, in milliseconds. */
function offsetAt(instant: number, timeZone: string): number {
  const f = localFields(new Date(instant), timeZone);
  const asUtc = Date.UTC(f.year ?? 1970, (f.month ?? 1) - 1, f.day ?? 1, f.hour ?? 0, f.minute ?? 0, f.second ?? 0);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/**
 * The wall clock of each instant read, by zone and instant (bounded): Intl's formatToParts costs microseconds, and a
 * month of a hundred events read each start and end two or three times (3 of a calendar page's 4 ms of CPU).
 */
const localPartsRead = new Map<string, LocalParts>();
const LOCAL_PARTS_KEPT = 10_000;

/** 'YYYY-MM-DD' and 'HH:MM' of an instant on the wall clock of a zone. */
export function toLocalParts(instant: Date, timeZone: string): LocalParts {
  const key = `${timeZone}|${instant.getTime()}`;
  const known = localPartsRead.get(key);
  if (known) return known;
  const f = localFields(instant, timeZone);
  const parts = Object.freeze({ date: `${pad(f.year ?? 0, 4)}-${pad(f.month ?? 1)}-${pad(f.day ?? 1)}`, time: `${pad(f.hour ?? 0)}:${pad(f.minute ?? 0)}` });
  if (localPartsRead.size >= LOCAL_PARTS_KEPT) localPartsRead.clear();
  localPartsRead.set(key, parts);
  return parts;
}

/** A real calendar date 'YYYY-MM-DD' between the years 1000 and 9999. */
export function isIsoDate(s: unknown): s is string {
  if (typeof s !== 'string' || !/^[1-9]\d{3}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

/** 'HH:MM' (or 'HH:MM:SS', as some browsers send), 00:00 to 23:59. */
export function isClockTime(s: unknown): s is string {
  return typeof s === 'string' && /^([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?$/.test(s);
}

/** The instant a wall-clock date and time in a zone denote (in a DST gap: the time just after it). */
export function fromLocalParts(date: string, time: string, timeZone: string): Date {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const wall = Date.UTC(y, mo - 1, d, h, mi);
  let guess = wall - offsetAt(wall, timeZone);
  const second = wall - offsetAt(guess, timeZone);
  if (second !== guess) guess = second;
  return new Date(guess);
}

/** Midnight at the start of a calendar date in a zone. */
export function startOfLocalDay(date: string, timeZone: string): Date {
  return fromLocalParts(date, '00:00', timeZone);
}

/** The calendar date `days` after a 'YYYY-MM-DD' date. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}
