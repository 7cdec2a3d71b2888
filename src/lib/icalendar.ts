/** One event as an iCalendar VEVENT needs it (R-C2). */
export interface IcsEvent {
  id: number;
  title: string;
  description: string;
  location: string;
  startsAt: Date;
  endsAt: Date;
  sequence: number;
  createdAt: Date;
  updatedAt: Date;
  /** The calendar it belongs to (a group's name, or the company calendar), as its category. */
  calendar: string;
}

const CRLF = '\r\n';
/** RFC 5545 §3.1: TEXT allows no control characters but tab and line breaks; a pasted NUL or ESC is dropped. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;

/** RFC 5545 §3.3.11: backslash, semicolon and comma escaped, every line break as `\n`. */
export function escapeText(s: string): string {
  return s
    .replace(CONTROL, '')
    .replace(/[\\;,]/g, (c) => `\\${c}`)
    .replace(/\r\n|\r|\n/g, '\\n');
}

/** RFC 5545 §3.3.5 form 2: a UTC instant, `20261210T080000Z`. */
export function utcStamp(d: Date): string {
  return new Date(d).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

const octets = (codePoint: number) => (codePoint < 0x80 ? 1 : codePoint < 0x800 ? 2 : codePoint < 0x10000 ? 3 : 4);

/** RFC 5545 §3.1: lines of at most 75 octets, continued after CRLF + space, never inside a UTF-8 character. */
export function foldLine(line: string): string {
  if (!/[^\x00-\x7f]/.test(line)) {
    if (line.length <= 75) return line;
    const parts = [line.slice(0, 75)];
    for (let i = 75; i < line.length; i += 74) parts.push(line.slice(i, i + 74));
    return parts.join(`${CRLF} `);
  }
  if (Buffer.byteLength(line) <= 75) return line;
  const parts: string[] = [];
  let from = 0;
  let used = 0;
  for (let i = 0; i < line.length; ) {
    const cp = line.codePointAt(i) ?? 0;
    const size = octets(cp);
    if (used + size > 75) {
      parts.push(line.slice(from, i));
      from = i;
      used = 1;
    }
    used += size;
    i += cp > 0xffff ? 2 : 1;
  }
  parts.push(line.slice(from));
  return parts.join(`${CRLF} `);
}

function vevent(e: IcsEvent, host: string, publicUrl: string): string[] {
  const start = new Date(e.startsAt);
  const end = new Date(e.endsAt);
  const lines = [
    'BEGIN:VEVENT',
    `UID:event-${e.id}@${host}`,
    // No METHOD: DTSTAMP is then when the event was last revised (§3.8.7.2).
    `DTSTAMP:${utcStamp(e.updatedAt)}`,
    `CREATED:${utcStamp(e.createdAt)}`,
    `LAST-MODIFIED:${utcStamp(e.updatedAt)}`,
    `SEQUENCE:${e.sequence}`,
    `DTSTART:${utcStamp(start)}`,
  ];
  // DTEND must be later than DTSTART (§3.6.1); an event that ends as it starts has none.
  if (end.getTime() > start.getTime()) lines.push(`DTEND:${utcStamp(end)}`);
  lines.push(`SUMMARY:${escapeText(e.title)}`);
  if (e.location) lines.push(`LOCATION:${escapeText(e.location)}`);
  if (e.description) lines.push(`DESCRIPTION:${escapeText(e.description)}`);
  lines.push(`CATEGORIES:${escapeText(e.calendar)}`, `URL:${publicUrl}/events/${e.id}`, 'END:VEVENT');
  return lines;
}

/**
 * An iCalendar object (RFC 5545) of events, written here rather than by a library: the format
 * needed is small, and ical-generator folded lines with a new TextEncoder per character (4–8 s for
 * a 2,000-event feed on this machine). Times are UTC instants (events are stored as instants, so no
 * VTIMEZONE is needed). The UID is the event's id under our host, stable across edits; SEQUENCE
 * rises with each edit. A published calendar, not a scheduling message: no METHOD.
 */
export function icsCalendar(opts: { name: string; publicUrl: string; events: IcsEvent[]; refreshHours?: number }): string {
  const host = new URL(opts.publicUrl).host;
  const lines = ['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//Atrium//Atrium//EN', 'CALSCALE:GREGORIAN', `NAME:${escapeText(opts.name)}`, `X-WR-CALNAME:${escapeText(opts.name)}`];
  if (opts.refreshHours) lines.push(`REFRESH-INTERVAL;VALUE=DURATION:PT${opts.refreshHours}H`, `X-PUBLISHED-TTL:PT${opts.refreshHours}H`);
  for (const e of opts.events) lines.push(...vevent(e, host, opts.publicUrl));
  lines.push('END:VCALENDAR');
  return lines.map(foldLine).join(CRLF) + CRLF;
}
