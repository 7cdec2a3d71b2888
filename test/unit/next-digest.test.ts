// Issue 18: the daily summary goes at the person's hour on its own clock, across daylight saving too.
import t from 'tap';
import { nextDigestAt } from '../../src/services/mail-notifications/preferences.js';

t.test('the next 08:00 in a time zone', async (t) => {
  // 06:30 UTC is 07:30 in Berlin (winter): today at 08:00 Berlin = 07:00 UTC.
  t.equal(nextDigestAt(new Date('2026-01-15T06:30:00Z'), 8, 'Europe/Berlin').toISOString(), '2026-01-15T07:00:00.000Z');
  // 07:00 UTC exactly is 08:00 Berlin: that one has come, so tomorrow's.
  t.equal(nextDigestAt(new Date('2026-01-15T07:00:00Z'), 8, 'Europe/Berlin').toISOString(), '2026-01-16T07:00:00.000Z');
  // Auckland is ahead of UTC: its 08:00 on 16 January (summer, +13) is 19:00 UTC on the 15th.
  t.equal(nextDigestAt(new Date('2026-01-15T12:00:00Z'), 8, 'Pacific/Auckland').toISOString(), '2026-01-15T19:00:00.000Z');
  // The night Berlin moves to summer time (29 March 2026): 08:00 is then 06:00 UTC.
  t.equal(nextDigestAt(new Date('2026-03-28T12:00:00Z'), 8, 'Europe/Berlin').toISOString(), '2026-03-29T06:00:00.000Z');
  // 02:00 does not exist that night in Berlin: the summary goes at the time just after the gap.
  t.equal(nextDigestAt(new Date('2026-03-28T12:00:00Z'), 2, 'Europe/Berlin').toISOString(), '2026-03-29T01:00:00.000Z');
});
