// Issue 16, R-F3: My calendar reads the viewer's groups' events and the company's, from their indexes. As `group in
// (…)` PostgreSQL read every event of the company and hashed every group to name a month's (2.7 ms at scale 1, and
// growing with the company, not with the calendar).
import t from 'tap';
import { EVENTS_PAGE_SIZE, findEventsBetween, findUpcomingEvents } from '../../src/finders/events.js';
import { viewerFromUser } from '../../src/policy/viewer.js';
import { makeGroup } from '../fixtures.js';
import { build, makeUser } from '../helper.js';
import { rowsReadAsRun, statementsOf } from '../plan-cost.js';

const DAY = 24 * 60 * 60 * 1000;
/** Events of groups I am not in, over two years around today. */
const OTHERS = 20000;
/** Rows the month and the upcoming list may read: a month of my group's events and the company's, not the company's groups. */
const BOUND = 600;

t.test("my calendar reads my groups' events and the company's, not every event of the company (R-F3)", async (t) => {
  const { db } = await build(t);
  const me = await makeUser(db, { name: 'Carla Calendar' });
  const stranger = await makeUser(db, { name: 'Otto Other' });
  const mine = await makeGroup(db, me, { name: 'Mine' });
  const crowd = (await db.raw(`insert into groups (name, created_by) select 'Crowd ' || i, ? from generate_series(1, 300) i returning id`, [stranger.id])).rows as { id: number }[];
  const now = Date.now();
  await db.raw(
    `insert into events (title, group_id, starts_at, ends_at, created_by)
       select 'Their event ' || i, (array[${crowd.map((g) => g.id).join(',')}])[1 + i % 300], to_timestamp(? / 1000.0 + i * 3600 - 365 * 86400), to_timestamp(? / 1000.0 + i * 3600 - 365 * 86400 + 3600), ?
       from generate_series(1, ?) i`,
    [now, now, stranger.id, OTHERS],
  );
  const at = (days: number, title: string, groupId: number | null) => ({ title, groupId, startsAt: new Date(now + days * DAY), endsAt: new Date(now + days * DAY + 3600_000), createdBy: me.id });
  await db('events').insert([at(1, 'Our planning', mine.id), at(2, 'Our review', mine.id), at(40, 'Our offsite', mine.id), at(3, 'Company party', null), at(-40, 'Our kickoff', mine.id)]);
  await db.raw('analyze');
  const viewer = viewerFromUser(me, false);

  const from = new Date(now - DAY);
  const until = new Date(now + 30 * DAY);
  let month: Awaited<ReturnType<typeof findEventsBetween>> = [];
  const monthStatements = await statementsOf(db, async () => {
    month = await findEventsBetween(viewer, { mine: true }, from, until);
  }, (sql) => sql.includes('from "events"'));
  t.same(month.map((e) => e.title), ['Our planning', 'Our review', 'Company party'], "the month holds my group's events and the company's, in order");
  t.same(month.map((e) => e.groupName), ['Mine', 'Mine', null], 'each with its group');

  let upcoming: Awaited<ReturnType<typeof findUpcomingEvents>> | undefined;
  const listStatements = await statementsOf(db, async () => {
    upcoming = await findUpcomingEvents(viewer, { mine: true }, new Date(now), undefined, EVENTS_PAGE_SIZE);
  }, (sql) => sql.includes('from "events"'));
  t.same(upcoming!.items.map((e) => e.title), ['Our planning', 'Our review', 'Company party', 'Our offsite'], 'the upcoming list: mine and the company\'s, soonest first');

  const statements = [...monthStatements, ...listStatements];
  t.equal(statements.length, 2, 'one statement each');
  for (const s of statements) {
    const read = await rowsReadAsRun(db, s.sql, s.bindings);
    t.ok(read <= BOUND, `reads ${read} rows (at most ${BOUND}; the company has ${OTHERS} events in 301 groups)`);
  }
});
