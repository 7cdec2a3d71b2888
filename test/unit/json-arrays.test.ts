// Issue 16: several queries read in one round trip must give what each gives alone: its rows, in its order,
// with camelCase keys, timestamps as Dates and dates as text.
import t from 'tap';
import { readTogether } from '../../src/db/json-arrays.js';
import { testDatabase } from '../helper.js';

t.test('each query keeps its rows, order and types', async (t) => {
  const db = await testDatabase(t);
  const together = await readTogether(db, {
    numbers: { sql: `select n as some_number, (date '2026-01-01' + n)::date as on_day, timestamptz '2026-01-01 10:00:00+00' + n * interval '1 hour' as happened_at, '2026-01-01T10:00:00+00:00'::text as written from generate_series(1, 5) n where n > ? order by n desc`, bindings: [1] },
    nothing: { sql: 'select 1 as x where ?', bindings: [false] },
  });
  t.same(together.numbers.map((r) => r.someNumber), [5, 4, 3, 2], 'the rows in the query\'s order, its binding applied');
  t.equal(together.numbers[0]?.onDay, '2026-01-06', 'a date stays text, as the driver gives it');
  t.ok(together.numbers[0]?.happenedAt instanceof Date, 'a timestamp is a Date');
  t.equal((together.numbers[0]?.happenedAt as Date).toISOString(), '2026-01-01T15:00:00.000Z');
  t.equal(together.numbers[0]?.written, '2026-01-01T10:00:00+00:00', 'a text that reads as a timestamp stays text (a post may say just that)');
  t.same(together.nothing, [], 'no rows: an empty list');
});
