// Issue 17, item 5: dates typed where there is no date picker are read when they are unambiguous.
import t from 'tap';
import { readDateInput } from '../../src/lib/date-input.js';

t.test('readDateInput', async (t) => {
  const read: [string, string | null][] = [
    ['2026-12-20', '2026-12-20'],
    [' 2026-1-5 ', '2026-01-05'],
    ['2026/12/20', '2026-12-20'],
    ['20.12.2026', '2026-12-20'],
    ['20/12/2026', '2026-12-20'],
    ['12/20/2026', '2026-12-20'],
    ['5/5/2026', '2026-05-05'],
    ['3/4/2026', null],
    ['2026-02-30', null],
    ['31.04.2026', null],
    ['20/12/26', null],
    ['tomorrow', null],
    ['', null],
  ];
  for (const [raw, expected] of read) t.equal(readDateInput(raw), expected, JSON.stringify(raw));
});
