// Issue 16: the main feed reads its activity per group (each group's newest, then the newest of those).
// Paged three at a time it must give exactly the rows one big page gives, for every persona, with task
// events hidden where the group hides them (R-F1), file events only with the files tool (R-G3), and
// several entries at one instant (the keyset's tie-break), posts among the events included.
import t from 'tap';
import { findFeed, type FeedRow } from '../../src/finders/feed.js';
import { viewerFromUser, type Viewer } from '../../src/policy/viewer.js';
import { makeUser, testDatabase } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('the main feed pages through the same rows as one page (R-F1, R-X1)', async (t) => {
  const db = await testDatabase(t);
  const owner = await makeUser(db, { name: 'Owner' });
  const member = await makeUser(db, { name: 'Member' });
  const ext = await makeUser(db, { name: 'External', isExtranet: true });
  const admin = await makeUser(db, { name: 'Admin', isAdmin: true });
  const groups = [
    await makeGroup(db, owner, { name: 'Busy' }, [[member]]),
    await makeGroup(db, owner, { name: 'Hides tasks' }, [[member]]),
    await makeGroup(db, owner, { name: 'No files', tools: ['feed', 'tasks'] }, [[member], [ext]]),
    await makeGroup(db, owner, { name: 'Client', isExtranet: true }, [[ext]]),
    await makeGroup(db, owner, { name: 'No feed', tools: ['tasks', 'files'] }, [[member]]),
  ];
  await db('groups').where({ name: 'Hides tasks' }).update({ hideTasks: true });
  const kinds = ['member.joined', 'task.created', 'file.uploaded', 'task.completed'];
  const base = Date.parse('2026-11-01T09:00:00Z');
  const rows = [];
  for (let i = 0; i < 120; i++) {
    const group = groups[(i * 7) % groups.length]!;
    // Every third entry shares its instant with the one before: the keyset must not skip or repeat them.
    const at = new Date(base + Math.floor(i / 3) * 60_000 * 2 + (i % 3 === 2 ? 0 : (i % 3) * 1000));
    rows.push({ groupId: group.id, actorId: owner.id, kind: kinds[i % kinds.length], createdAt: at });
  }
  await db('activity').insert(rows);
  await db('posts').insert([0, 1, 2, 3].map((i) => ({ body: `post ${i}`, groupId: groups[i]!.id, authorId: owner.id, createdAt: new Date(base + i * 600_000) })));
  // Posts between the events, many at an event's instant: the events a page reads stop at its last post (feed.ts).
  await db('posts').insert(Array.from({ length: 40 }, (_, i) => ({ body: `between ${i}`, groupId: i % 5 === 4 ? null : groups[i % 4]!.id, authorId: owner.id, createdAt: new Date(base + i * 120_000 + (i % 2) * 1000) })));

  const personas: [string, Viewer][] = [
    ['owner', viewerFromUser(owner, false)],
    ['member', viewerFromUser(member, false)],
    ['external', viewerFromUser(ext, false)],
    ['admin mode', viewerFromUser(admin, true)],
  ];
  const key = (r: FeedRow) => `${r.src}:${r.id}:${r.kind}:${r.groupName}`;
  for (const [label, viewer] of personas) {
    const whole = await findFeed(viewer, {}, 1000);
    t.equal(whole.nextCursor, null, `${label}: one page holds everything`);
    const paged: FeedRow[] = [];
    let after: string | null | undefined;
    for (let guard = 0; guard < 200; guard++) {
      const page = await findFeed(viewer, { after }, 3);
      paged.push(...page.items);
      after = page.nextCursor;
      if (!after) break;
    }
    t.same(paged.map(key), whole.items.map(key), `${label}: pages of three give the same ${whole.items.length} rows in the same order`);
    const shown = whole.items.filter((r) => r.src === 'activity');
    t.notOk(shown.some((r) => r.groupName === 'Hides tasks' && r.kind.startsWith('task.')), `${label}: no task events from a group that hides them`);
    t.notOk(shown.some((r) => r.groupName === 'No files' && r.kind === 'file.uploaded'), `${label}: no file events without the files tool`);
    t.notOk(shown.some((r) => r.groupName === 'No feed'), `${label}: nothing from a group without the feed tool`);
  }
  const external = await findFeed(viewerFromUser(ext, false), {}, 1000);
  t.same([...new Set(external.items.map((r) => r.groupName))].sort(), ['Client', 'No files'], 'the external person reads only its own groups');
  t.ok(external.items.filter((r) => r.src === 'activity').length > 20, 'with plenty of activity to page through');
});

t.test("a group's own feed, for one who may read it, is the group's stream without testing each row against the viewer's groups (R-F1)", async (t) => {
  const db = await testDatabase(t);
  const owner = await makeUser(db, { name: 'Owner' });
  const member = await makeUser(db, { name: 'Member' });
  const ext = await makeUser(db, { name: 'External', isExtranet: true });
  const admin = await makeUser(db, { name: 'Admin', isAdmin: true });
  const busy = await makeGroup(db, owner, { name: 'Busy', isExtranet: true }, [[member], [ext]]);
  const hides = await makeGroup(db, owner, { name: 'Hides tasks', tools: ['feed', 'tasks'] }, [[member]]);
  await db('groups').where({ id: hides.id }).update({ hideTasks: true });
  const base = Date.parse('2026-11-01T09:00:00Z');
  const kinds = ['member.joined', 'task.created', 'file.uploaded', 'task.completed'];
  for (const group of [busy, hides]) {
    await db('activity').insert(Array.from({ length: 30 }, (_, i) => ({ groupId: group.id, actorId: owner.id, kind: kinds[i % kinds.length], createdAt: new Date(base + i * 60_000) })));
    await db('posts').insert(Array.from({ length: 8 }, (_, i) => ({ body: `post ${i}`, groupId: group.id, authorId: owner.id, createdAt: new Date(base + i * 240_000 + 30_000) })));
  }
  const key = (r: FeedRow) => `${r.src}:${r.id}:${r.kind}`;
  const statements: string[] = [];
  const seen = (q: { sql: string }) => statements.push(q.sql);
  for (const [label, viewer, group] of [['owner', viewerFromUser(owner, false), busy], ['member', viewerFromUser(member, false), hides], ['external', viewerFromUser(ext, false), busy], ['admin mode', viewerFromUser(admin, true), hides]] as const) {
    const scoped = await findFeed(viewer, { group: { groupId: group.id, everyPost: false } }, 1000);
    db.on('query', seen);
    const direct = await findFeed(viewer, { group: { groupId: group.id, everyPost: true } }, 1000);
    db.off('query', seen);
    t.ok(scoped.items.length > 8, `${label}: the group's stream has posts and events`);
    t.same(direct.items.map(key), scoped.items.map(key), `${label}: the same ${scoped.items.length} rows either way`);
    t.notOk(direct.items.some((r) => r.src === 'activity' && group.id === hides.id && r.kind.startsWith('task.')), `${label}: still no task events where the group hides them`);
    t.notOk(direct.items.some((r) => r.src === 'activity' && group.id === hides.id && r.kind === 'file.uploaded'), `${label}: nor file events without the files tool`);
  }
  t.ok(statements.length > 0 && statements.every((sql) => !/"tg"/.test(sql)), "no statement of a readable group's feed builds the viewer's groups with the feed tool");
});
