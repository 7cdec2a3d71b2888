// SPEC §7: a wall clock is read per zone; the texts kept for speed (issue 16) are kept per zone and instant.
import t from 'tap';
import { fromLocalParts, toLocalParts } from '../../src/lib/zoned-time.js';

t.test('the same instant reads differently in each zone, the first time and every time after', async (t) => {
  const instant = new Date('2026-03-29T00:30:00Z');
  for (let round = 0; round < 2; round++) {
    t.same(toLocalParts(instant, 'UTC'), { date: '2026-03-29', time: '00:30' }, `round ${round}: UTC`);
    t.same(toLocalParts(instant, 'Europe/Berlin'), { date: '2026-03-29', time: '01:30' }, `round ${round}: Berlin, before the clocks go forward`);
    t.same(toLocalParts(instant, 'America/New_York'), { date: '2026-03-28', time: '20:30' }, `round ${round}: New York, the day before`);
    t.same(toLocalParts(new Date('2026-03-29T01:30:00Z'), 'Europe/Berlin'), { date: '2026-03-29', time: '03:30' }, `round ${round}: Berlin, after`);
  }
  t.same(toLocalParts(fromLocalParts('2026-12-24', '18:00', 'Asia/Kolkata'), 'Asia/Kolkata'), { date: '2026-12-24', time: '18:00' }, 'there and back');
  t.ok(Object.isFrozen(toLocalParts(instant, 'UTC')), 'a kept reading cannot be changed by a caller');
});
