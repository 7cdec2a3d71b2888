import ical from 'ical-generator';

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

/** RFC 5545 TEXT allows no control characters but tab and line breaks; a pasted NUL or ESC is dropped. */
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const text = (s: string) => s.replace(/\r\n?/g, '\n').replace(CONTROL, '');

/**
 * An iCalendar object (RFC 5545) of events, written by ical-generator: CRLF lines folded at 75
 * octets without splitting a character, TEXT escaped, times as UTC instants (events are stored as
 * instants, so no VTIMEZONE is needed). The UID is the event's id under our host, stable across
 * edits; SEQUENCE rises with each edit and DTSTAMP is the last change (no METHOD: a published
 * calendar, not a scheduling message).
 */
export function icsCalendar(opts: { name: string; publicUrl: string; events: IcsEvent[]; refreshHours?: number }): string {
  const host = new URL(opts.publicUrl).host;
  const calendar = ical({ name: text(opts.name), prodId: { company: 'Atrium', product: 'Atrium', language: 'EN' } });
  if (opts.refreshHours) calendar.ttl(opts.refreshHours * 3600);
  for (const e of opts.events) {
    calendar.createEvent({
      id: `event-${e.id}@${host}`,
      start: new Date(e.startsAt),
      end: new Date(e.endsAt),
      summary: text(e.title),
      description: e.description ? text(e.description) : null,
      location: e.location ? text(e.location) : null,
      url: `${opts.publicUrl}/events/${e.id}`,
      sequence: e.sequence,
      created: new Date(e.createdAt),
      lastModified: new Date(e.updatedAt),
      stamp: new Date(e.updatedAt),
      categories: [{ name: text(e.calendar) }],
    });
  }
  return calendar.toString();
}
