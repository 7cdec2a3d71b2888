// Issue 16, R-F4, R-X4: the chat list reads the viewer's own conversations, most recent first, from their indexes.
// It walked every conversation of the company in activity order testing each against the scope, and tested every
// person of the company to know whom the viewer may contact: 47 ms of the database for an employee at scale 1,
// 5 ms for someone with three conversations, growing with the company.
import t from 'tap';
import { CONVERSATIONS_PAGE_SIZE, findConversations } from '../../src/finders/chat.js';
import { findVisibleConversation } from '../../src/policy/chat-scopes.js';
import { viewerFromUser } from '../../src/policy/viewer.js';
import { makeGroup } from '../fixtures.js';
import { build, makeUser } from '../helper.js';
import { rowsReadAsRun, statementsOf } from '../plan-cost.js';

/** Direct conversations between other people, all more recent than mine, and groups with their chats. */
const OTHER_PEOPLE = 400;
const OTHER_CONVERSATIONS = 6000;
/** Rows a page of my list may read: my conversations and a page's worth of lookups, not the company's. */
const BOUND = 2000;

t.test("the chat list reads the viewer's conversations, not the company's, page after page (R-F4, R-X4)", async (t) => {
  const { db } = await build(t);
  const me = await makeUser(db, { name: 'Chiara Chat' });
  const colleague = await makeUser(db, { name: 'Carl Colleague' });
  const partner = await makeUser(db, { name: 'Paula Partner', isExtranet: true });
  const stranger = await makeUser(db, { name: 'Xena Stranger', isExtranet: true });
  const mine = await makeGroup(db, me, { name: 'Mine', isExtranet: true }, [[partner], [colleague]]);
  const people = (await db.raw(`insert into users (name, email, password_hash) select 'Person ' || i, 'person' || i || '@example.com', 'x' from generate_series(1, ?) i returning id`, [OTHER_PEOPLE])).rows as { id: number }[];
  // Groups of others, each with its chat.
  await db.raw(`insert into groups (name, created_by) select 'Crowd ' || i, ? from generate_series(1, 300) i`, [colleague.id]);
  await db.raw(`insert into conversations (kind, group_id) select 'group', g.id from groups g where not exists (select 1 from conversations c where c.group_id = g.id)`);
  const ids = people.map((p) => p.id);
  await db.raw(
    `insert into conversations (kind, user_low_id, user_high_id, last_message_id)
       select distinct on (least(a, b), greatest(a, b)) 'direct', least(a, b), greatest(a, b), 1000000 + i
         from (select i, (?::int[])[1 + i % ?] as a, (?::int[])[1 + (i * 7 + i / ?) % ?] as b from generate_series(1, ?) i) pairs where a <> b`,
    [ids, ids.length, ids, ids.length, ids.length, OTHER_CONVERSATIONS],
  );
  // Mine: the group's chat, one with each of 60 people (newest last), one with the colleague and one with an external
  // user I share no group with (never listed, R-X4).
  const pair = (a: number, b: number, last: number) => ({ kind: 'direct', userLowId: Math.min(a, b), userHighId: Math.max(a, b), lastMessageId: last });
  await db('conversations').insert([...ids.slice(0, 60).map((id, i) => pair(me.id, id, 100_000 + i)), pair(me.id, colleague.id, 200_000), pair(me.id, stranger.id, 300_000)]);
  await db.raw("update conversations set last_message_id = 150000 where kind = 'group' and group_id = ?", [mine.id]);
  await db.raw('analyze');
  const viewer = viewerFromUser(me, false);

  let first: Awaited<ReturnType<typeof findConversations>> | undefined;
  const statements = await statementsOf(db, async () => {
    first = await findConversations(viewer, undefined);
  }, (sql) => sql.includes('from "conversations"'));
  const second = await findConversations(viewer, first!.nextCursor);
  const listed = [...first!.items, ...second.items];
  t.equal(first!.items.length, CONVERSATIONS_PAGE_SIZE, 'a full first page');
  t.equal(second.nextCursor, null, 'and a last one');
  t.equal(listed.length, 62, "the group's chat and 61 direct conversations");
  t.same(listed.slice(0, 3).map((c) => c.otherName ?? c.groupName), ['Carl Colleague', 'Mine', 'Person 60'], 'most recent first: the colleague, the group, then the people');
  t.notOk(listed.some((c) => c.otherId === stranger.id), 'never the external user I share no group with');
  t.same(new Set(listed.map((c) => c.id)).size, listed.length, 'no conversation twice');

  t.equal(statements.length, 1, 'one statement a page');
  for (const s of statements) {
    const read = await rowsReadAsRun(db, s.sql, s.bindings);
    t.ok(read <= BOUND, `the first page reads ${read} rows (at most ${BOUND}; the company has ${OTHER_CONVERSATIONS} conversations and ${OTHER_PEOPLE} people)`);
  }

  const partnerView = viewerFromUser(partner, false);
  const theirs = await findConversations(partnerView, undefined);
  t.same(theirs.items.map((c) => c.groupName), ['Mine'], "an external member sees its group's chat only");
});

t.test('a direct conversation is found by its pair, from the index of direct conversations (R-F4)', async (t) => {
  const { db } = await build(t);
  const me = await makeUser(db, { name: 'Dora Direct' });
  const colleague = await makeUser(db, { name: 'Carl Colleague' });
  const people = (await db.raw(`insert into users (name, email, password_hash) select 'Person ' || i, 'person' || i || '@example.com', 'x' from generate_series(1, 300) i returning id`)).rows as { id: number }[];
  const ids = people.map((p) => p.id);
  await db.raw(
    `insert into conversations (kind, user_low_id, user_high_id) select distinct on (least(a, b), greatest(a, b)) 'direct', least(a, b), greatest(a, b)
       from (select (?::int[])[1 + i % ?] as a, (?::int[])[1 + (i * 7 + i / ?) % ?] as b from generate_series(1, 5000) i) pairs where a <> b`,
    [ids, ids.length, ids, ids.length, ids.length],
  );
  const [ours] = await db('conversations').insert({ kind: 'direct', userLowId: Math.min(me.id, colleague.id), userHighId: Math.max(me.id, colleague.id) }).returning('id');
  await db.raw('analyze');
  let found: Awaited<ReturnType<typeof findVisibleConversation>>;
  const statements = await statementsOf(db, async () => {
    found = await findVisibleConversation(viewerFromUser(me, false), { withUserId: colleague.id });
  }, (sql) => sql.includes('from "conversations"'));
  t.equal(found?.conversation.id, (ours as { id: number }).id, 'the conversation of the two');
  t.equal(statements.length, 1, 'one statement');
  for (const s of statements) {
    const read = await rowsReadAsRun(db, s.sql, s.bindings);
    // The kind was a parameter, so the partial index of direct conversations was out of reach: every conversation was read.
    t.ok(read <= 50, `it reads ${read} rows (at most 50; the company has 5,000 direct conversations)`);
  }
});
