// Issue 16, R-F6: what a search costs must not depend on how rare its words are. A word nobody in the viewer's
// groups wrote made PostgreSQL read every task and post of the company newest first, looking for eleven matches
// that were not there: 500 ms of the database per request at scale 1 (a common word cost 10).
import t from 'tap';
import type { Knex } from 'knex';
import { forgetWordFrequencies } from '../../src/db/word-frequency.js';
import { SEARCH_CAP, searchAll, searchKind, type SearchKind } from '../../src/finders/search.js';
import { hitPaths } from '../../src/finders/search-paths.js';
import { prefixQuery } from '../../src/lib/full-text.js';
import { viewerFromUser } from '../../src/policy/viewer.js';
import { makeGroup } from '../fixtures.js';
import { build, makeUser } from '../helper.js';
import { rowsReadAsRun, statementsOf, type PlanNode } from '../plan-cost.js';

/** Tasks and posts of a group I am not in, before mine and after: enough that walking them looks cheap to the planner. */
const OTHERS = 30000;
/** Rows a plan may read to find a word that is in one task and one post: far fewer than the tables hold. */
const BOUND = 400;

/** Rows a plan tested against the words one by one (a filter calling ts_match_vq, the walk's test). */
function rowsTestedForWords(node: PlanNode): number {
  const own = node.Filter?.includes('ts_match_vq') ? ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0)) * (node['Actual Loops'] ?? 1) : 0;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsTestedForWords(child), 0);
}

/** The search statements `run` sends. */
const searchStatementsOf = (db: Knex, run: () => Promise<unknown>) => statementsOf(db, run, (sql) => sql.includes('to_tsquery'));

/** A company of common words in a group I am not in, around a few tasks and posts of mine; one of each has a rare word. */
async function company(t: Parameters<typeof build>[0]) {
  const { db } = await build(t);
  const me = await makeUser(db, { name: 'Rita Rare' });
  const stranger = await makeUser(db, { name: 'Otto Other' });
  const partner = await makeUser(db, { name: 'Paula Partner', isExtranet: true });
  const mine = await makeGroup(db, me, { name: 'Mine', isExtranet: true }, [[partner]]);
  const theirs = await makeGroup(db, stranger, { name: 'Theirs' });
  const words = ['review', 'budget', 'plan', 'report', 'launch', 'draft'];
  const common = (i: number) => `${words[i % words.length]} ${words[(i * 7) % words.length]} ${i}`;
  const theirText = `(array['review','budget','plan','report','launch','draft'])[1 + i % 6] || ' ' || (array['review','budget','plan','report','launch','draft'])[1 + (i * 7) % 6] || ' ' || i`;
  const addTheirs = async () => {
    await db.raw(`insert into tasks (title, group_id, creator_id, responsible_id) select ${theirText}, ?, ?, ? from generate_series(1, ?) i`, [theirs.id, stranger.id, stranger.id, OTHERS]);
    await db.raw(`insert into posts (body, group_id, author_id) select ${theirText}, ?, ? from generate_series(1, ?) i`, [theirs.id, stranger.id, OTHERS]);
  };
  await addTheirs();
  await db('tasks').insert([{ title: 'zanzibar shipment', groupId: mine.id, creatorId: me.id, responsibleId: me.id }, ...Array.from({ length: 5 }, (_, i) => ({ title: common(i), groupId: mine.id, creatorId: me.id, responsibleId: me.id }))]);
  await db('posts').insert([{ body: 'The zanzibar shipment is in', groupId: mine.id, authorId: me.id }, ...Array.from({ length: 5 }, (_, i) => ({ body: common(i), groupId: mine.id, authorId: me.id }))]);
  // Tasks and posts written after mine: newest first, a search meets the company's before mine.
  await addTheirs();
  await db.raw('analyze');
  forgetWordFrequencies();
  return { db, me, stranger, partner, mine, theirs };
}

t.test('a search for a rare word reads the full-text index, not the whole company newest first (R-F6)', async (t) => {
  const { db, me, mine } = await company(t);
  const viewer = viewerFromUser(me, false);
  const rare = prefixQuery('zanzibar')!;
  t.same(await hitPaths(db, rare), { groups: 'index', tasks: 'index', posts: 'index', files: 'index', people: 'index' }, 'a word nobody else wrote is looked up');
  let all: Awaited<ReturnType<typeof searchAll>> | undefined;
  const statements = await searchStatementsOf(db, async () => {
    all = await searchAll(viewer, rare);
  });
  t.same(all!.tasks.items.map((h) => h.title), ['zanzibar shipment'], 'the one task is found');
  t.same(all!.posts.items.map((h) => h.title), ['The zanzibar shipment is in'], 'the one post is found');
  t.ok(statements.length > 0, 'the search ran');
  for (const s of statements) {
    const read = await rowsReadAsRun(db, s.sql, s.bindings);
    t.ok(read <= BOUND, `the search of all kinds reads ${read} rows (at most ${BOUND})`);
  }

  for (const kind of ['tasks', 'posts'] satisfies SearchKind[]) {
    let found: Awaited<ReturnType<typeof searchKind>> | undefined;
    const one = await searchStatementsOf(db, async () => {
      found = await searchKind(viewer, kind, rare, undefined);
    });
    t.equal(found!.items.length, 1, `${kind} alone: the one hit`);
    t.ok(one.length > 0, `${kind} alone: the search ran`);
    for (const s of one) {
      const read = await rowsReadAsRun(db, s.sql, s.bindings);
      t.ok(read <= BOUND, `${kind} alone reads ${read} rows (at most ${BOUND})`);
    }
  }
  t.ok((await searchKind(viewer, 'tasks', prefixQuery('budget')!, undefined)).items.every((h) => h.groupId === mine.id), 'a common word finds my tasks only');
});

t.test('a common word is walked to, and finds what its scope holds and nothing else, page after page (R-F6, R-X1)', async (t) => {
  const { db, me, stranger, partner, mine, theirs } = await company(t);
  const common = prefixQuery('budget')!;
  const paths = await hitPaths(db, common);
  t.equal(paths.tasks, 'walk', 'tasks holding "budget" are walked to');
  t.equal(paths.posts, 'walk', 'and so are posts');
  t.equal((await hitPaths(db, prefixQuery('budget zanzibar')!)).tasks, 'index', 'a common word with a rare one is looked up');

  /** The newest ids of `table` in `group` holding the word: what a page must show, read without the search. */
  const expected = async (table: 'tasks' | 'posts', group: number, limit: number) =>
    (await db(table).where('group_id', group).whereRaw("search_vector @@ to_tsquery('simple', ?)", [common]).orderBy('id', 'desc').limit(limit).pluck('id')) as number[];

  for (const [who, user, group] of [['an employee of the other group', stranger, theirs], ['me', me, mine], ['an external member of mine', partner, mine]] as const) {
    const viewer = viewerFromUser(user, false);
    for (const kind of ['tasks', 'posts'] as const) {
      const first = await searchKind(viewer, kind, common, undefined);
      const want = await expected(kind, group.id, 2 * SEARCH_CAP);
      t.same(first.items.map((h) => h.id), want.slice(0, SEARCH_CAP), `${who}: ${kind}, the newest of its own group's first`);
      if (want.length > SEARCH_CAP) {
        const second = await searchKind(viewer, kind, common, first.nextCursor);
        t.same(second.items.map((h) => h.id), want.slice(SEARCH_CAP), `${who}: ${kind}, the next page after the cursor`);
      } else t.equal(first.nextCursor, null, `${who}: ${kind}, no next page`);
    }
    const all = await searchAll(viewer, common);
    t.same(all.tasks.items.map((h) => h.id), (await expected('tasks', group.id, SEARCH_CAP)), `${who}: the page of all kinds shows the same tasks`);
  }
});

t.test("an external user's walk to a common word goes through its groups' posts in order, not all of them (R-F6, R-X1)", async (t) => {
  const { db, me, stranger, partner, mine } = await company(t);
  // A company of many groups (so PostgreSQL knows one group is a small part of all posts), and the external
  // member's group with many posts, a third of them holding the common word.
  const crowd = (await db.raw(`insert into groups (name) select 'Crowd ' || i from generate_series(1, 300) i returning id`)).rows as { id: number }[];
  await db.raw(`insert into posts (body, group_id, author_id) select 'other ' || i, (array[${crowd.map((g) => g.id).join(',')}])[1 + i % 300], ? from generate_series(1, 30000) i`, [stranger.id]);
  await db.raw(`insert into posts (body, group_id, author_id) select case when i % 3 = 0 then 'budget ' || i else 'other ' || i end, ?, ? from generate_series(1, 3000) i`, [mine.id, me.id]);
  await db.raw('analyze posts');
  forgetWordFrequencies();
  const common = prefixQuery('budget')!;
  t.equal((await hitPaths(db, common)).posts, 'walk', 'posts holding "budget" are walked to');
  const viewer = viewerFromUser(partner, false);
  let found: Awaited<ReturnType<typeof searchKind>> | undefined;
  const statements = await searchStatementsOf(db, async () => {
    found = await searchKind(viewer, 'posts', common, undefined);
  });
  const want = (await db('posts').where('group_id', mine.id).whereRaw("search_vector @@ to_tsquery('simple', ?)", [common]).orderBy('id', 'desc').limit(2 * SEARCH_CAP).pluck('id')) as number[];
  t.same(found!.items.map((h) => h.id), want.slice(0, SEARCH_CAP), 'the newest of its group, as a plain read gives them');
  const second = await searchKind(viewer, 'posts', common, found!.nextCursor);
  t.same(second.items.map((h) => h.id), want.slice(SEARCH_CAP), 'and the next page after the cursor');
  t.ok(statements.length > 0, 'the search ran');
  for (const s of statements) {
    // Its group's 3,006 post ids come from their index once; the walk then tests posts in order until the page is full.
    const tested = await rowsReadAsRun(db, s.sql, s.bindings, rowsTestedForWords);
    t.ok(tested > 0 && tested <= 100, `the external user's posts search tests ${tested} posts against the words (at most 100; each of its group's 3,006 before)`);
  }
});

t.test('a common word among the few tasks of someone in one group tests their tasks only, newest first, page after page (R-F6, R-T2)', async (t) => {
  const { db, me, stranger, mine, theirs } = await company(t);
  // Mine holds "budget" tasks long before the newest ones (taken over from the other group) and among the newest.
  await db.raw(`update tasks set group_id = ? where id in (select id from tasks where group_id = ? and title like 'budget%' order by id limit 7)`, [mine.id, theirs.id]);
  await db('tasks').insert(Array.from({ length: 8 }, (_, i) => ({ title: `budget review ${i}`, groupId: mine.id, creatorId: stranger.id, responsibleId: stranger.id })));
  // The rest of the company's tasks spread over many groups and people, as in a company: one group's or one
  // person's tasks are then a small part of all, for PostgreSQL's statistics too.
  const crowd = (await db.raw(`insert into groups (name) select 'Crowd ' || i from generate_series(1, 300) i returning id`)).rows as { id: number }[];
  const people = (await db.raw(`insert into users (name, email, password_hash) select 'Person ' || i, 'person' || i || '@example.com', 'x' from generate_series(1, 300) i returning id`)).rows as { id: number }[];
  await db.raw(
    `update tasks set group_id = (array[${crowd.map((g) => g.id).join(',')}])[1 + id % 300], creator_id = (array[${people.map((p) => p.id).join(',')}])[1 + id % 300],
       responsible_id = (array[${people.map((p) => p.id).join(',')}])[1 + (id / 7) % 300] where group_id = ?`,
    [theirs.id],
  );
  await db.raw('analyze');
  forgetWordFrequencies();
  const common = prefixQuery('budget')!;
  t.equal((await hitPaths(db, common)).tasks, 'walk', 'tasks holding "budget" are walked to');
  const want = (await db('tasks').where('group_id', mine.id).whereRaw("search_vector @@ to_tsquery('simple', ?)", [common]).orderBy('id', 'desc').pluck('id')) as number[];
  t.ok(want.length > SEARCH_CAP, `more hits (${want.length}) than a page holds`);

  const viewer = viewerFromUser(me, false);
  let first: Awaited<ReturnType<typeof searchKind>> | undefined;
  const statements = await searchStatementsOf(db, async () => {
    first = await searchKind(viewer, 'tasks', common, undefined);
  });
  t.same(first!.items.map((h) => h.id), want.slice(0, SEARCH_CAP), 'the newest of my tasks first, the newest ones and the older ones in one order');
  const second = await searchKind(viewer, 'tasks', common, first!.nextCursor);
  t.same(second.items.map((h) => h.id), want.slice(SEARCH_CAP), 'the rest after the cursor');
  t.equal(second.nextCursor, null, 'and no page after');
  t.same((await searchAll(viewer, common)).tasks.items.map((h) => h.id), want.slice(0, SEARCH_CAP), 'the page of all kinds shows the same tasks');

  t.ok(statements.length > 0, 'the search ran');
  for (const s of statements) {
    const tested = await rowsReadAsRun(db, s.sql, s.bindings, rowsTestedForWords);
    t.ok(tested > 0 && tested <= 100, `my tasks search tests ${tested} tasks against the words (at most 100; the company's 60,000 before)`);
    const read = await rowsReadAsRun(db, s.sql, s.bindings);
    t.ok(read <= 1000, `and reads ${read} rows in all (at most 1,000: no table is read whole to find my tasks)`);
  }
});
