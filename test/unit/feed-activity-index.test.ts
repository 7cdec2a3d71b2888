// Issue 16: the main feed picks each feed group's newest shown activity rows. Whether a row is shown depends
// on its kind (R-G3: task rows only while the tasks tool is on); with the kind in the (group, newest) index
// (migration 0018) the candidates come from the index alone, not from a heap fetch per row.
import t from 'tap';
import type { Group } from '../../src/models/group.js';
import { newestActivityFor } from '../../src/policy/feed-scopes.js';
import { viewerFromUser, type SignedInViewer } from '../../src/policy/viewer.js';
import { makeGroup } from '../fixtures.js';
import { makeUser, testDatabase } from '../helper.js';

t.test("the feed's activity candidates are read from the index alone", async (t) => {
  const db = await testDatabase(t);
  const me = await makeUser(db, { name: 'Fay Feed' });
  const groups: Group[] = [];
  for (let i = 0; i < 6; i++) groups.push(await makeGroup(db, me, { name: `Feed group ${i}`, tools: i % 2 ? ['feed'] : ['feed', 'tasks'] }));
  const kinds = ['member.joined', 'task.created', 'task.completed', 'file.uploaded'];
  await db('activity').insert(Array.from({ length: 3000 }, (_, i) => ({ groupId: groups[i % groups.length]!.id, actorId: me.id, kind: kinds[i % kinds.length], createdAt: new Date(Date.now() - i * 60_000) })));
  await db.raw('vacuum analyze activity');
  const viewer = viewerFromUser(me, false) as SignedInViewer;
  const query = newestActivityFor(viewer, 21, () => {}).toKnexQuery().toString();
  const plan = await db.transaction(async (trx) => {
    // The scan each group gets, whatever the planner would pick for this small table.
    await trx.raw('set local enable_seqscan = off; set local enable_bitmapscan = off');
    return ((await trx.raw(`explain ${query}`)).rows as { 'QUERY PLAN': string }[]).map((r) => r['QUERY PLAN']).join('\n');
  });
  t.match(plan, /Index Only Scan using activity_group_newest on activity la/, plan);
  const ids = (await db.raw(query)).rows as { id: number }[];
  t.equal(ids.length, 21, 'and they are still the newest 21');
});
