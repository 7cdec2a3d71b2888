// Issue 16: several queries read in one round trip must give what each gives alone: its rows, in its order,
// with camelCase keys, timestamps as Dates and dates as text.
import t from 'tap';
import { readTogether } from '../../src/db/json-arrays.js';
import { testDatabase } from '../helper.js';

t.test('each query keeps its rows, order and types', async (t) => {
  const db = await testDatabase(t);
  const together = await readTogether(db, {
    numbers: { sql: `select n as some_number, (date '2026-01-01' + n)::date as on_day, timestamptz '2026-01-01 10:00:00+00' + n * interval '1 hour' as at_time from generate_series(1, 5) n where n > ? order by n desc`, bindings: [1] },
    nothing: { sql: 'select 1 as x where ?', bindings: [false] },
  });
  t.same(together.numbers.map((r) => r.someNumber), [5, 4, 3, 2], 'the rows in the query\'s order, its binding applied');
  t.equal(together.numbers[0]?.onDay, '2026-01-06', 'a date stays text, as the driver gives it');
  t.ok(together.numbers[0]?.atTime instanceof Date, 'a timestamp is a Date');
  t.equal((together.numbers[0]?.atTime as Date).toISOString(), '2026-01-01T15:00:00.000Z');
  t.same(together.nothing, [], 'no rows: an empty list');
});
