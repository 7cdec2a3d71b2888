// SPEC §7: dates in the viewer's zone and language; the texts kept per formatter (issue 16) answer as Intl does.
import t from 'tap';
import { formatDate, formatDateTime } from '../../src/lib/format.js';

t.test('dates and times in the viewer\'s zone and language, the same on every call', async (t) => {
  const instant = new Date('2026-03-29T00:30:00Z');
  for (let i = 0; i < 2; i++) {
    t.equal(formatDateTime(instant, 'Europe/Berlin', 'en'), new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'Europe/Berlin' }).format(instant));
    t.equal(formatDateTime(instant, 'America/New_York', 'en'), new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeStyle: 'short', timeZone: 'America/New_York' }).format(instant), 'the same instant in another zone is its own text');
    t.equal(formatDate(instant, 'America/New_York', 'de'), '28.03.2026', 'the calendar day in that zone, in German');
    t.equal(formatDate(instant.toISOString(), 'Europe/Berlin', 'en'), 'Mar 29, 2026', 'a string instant');
    t.equal(formatDate('2026-03-29', 'America/New_York', 'en'), 'Mar 29, 2026', 'a calendar date has no zone');
  }
  t.equal(formatDate(null), '', 'no date, no text');
  for (let day = 0; day < 2500; day++) formatDate(new Date(Date.UTC(2020, 0, 1 + day)), 'UTC', 'en');
  t.equal(formatDate(new Date(Date.UTC(2020, 0, 1)), 'UTC', 'en'), 'Jan 1, 2020', 'still right after the kept texts were renewed');
});
