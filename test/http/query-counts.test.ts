// DESIGN.md: a page runs a bounded number of queries whatever its size (no N+1).
import t from 'tap';
import { Task, TaskComment } from '../../src/models/task.js';
import { build, makeUser, signIn, type Client } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { countQueries } from '../query-count.js';

t.test('pages run a fixed number of queries (R-T7, R-G9)', async (t) => {
  const { app, db } = await build(t);
  const me = await makeUser(db, { name: 'Busy Person' });
  const other = await makeUser(db, { name: 'Other' });
  const groups: Awaited<ReturnType<typeof makeGroup>>[] = [];
  for (let i = 0; i < 50; i++) groups.push(await makeGroup(db, other, { name: `Group ${String(i).padStart(2, '0')}` }, [[me]]));
  const addTasks = async (n: number) => {
    const rows = Array.from({ length: n }, (_, i) => ({ title: `Task ${i}`, groupId: groups[i % groups.length]!.id, responsibleId: i % 2 ? me.id : other.id, creatorId: other.id }));
    await Task.query(db).insert(rows);
  };
  const c: Client = await signIn(app, me);
  const pages = ['/tasks', '/tasks?role=responsible', '/groups?tab=my', `/groups/${groups[0]!.id}/tasks`, '/users'];

  await addTasks(10);
  const small: Record<string, number> = {};
  for (const url of pages) small[url] = await countQueries(db, async () => t.equal((await c.get(url)).statusCode, 200, url));
  await addTasks(200);
  for (const url of pages) {
    const large = await countQueries(db, () => c.get(url));
    t.equal(large, small[url], `${url}: ${large} queries with 10 or 210 tasks`);
    t.ok(large <= 8, `${url}: at most 8 queries (${large})`);
  }
});

t.test('a task page is two round trips whatever it shows (issue 16, R-T2)', async (t) => {
  const { app, db } = await build(t);
  const me = await makeUser(db, { name: 'Tina Task' });
  const other = await makeUser(db, { name: 'Omar Other' });
  const group = await makeGroup(db, me, { name: 'Crew' }, [[other]]);
  const c: Client = await signIn(app, me);
  const task = await Task.query(db).insert({ title: 'Counted task', groupId: group.id, responsibleId: other.id, creatorId: me.id });
  const id = task.id;
  await TaskComment.query(db).insert({ taskId: id, authorId: other.id, body: 'A first comment' });
  await c.get(`/tasks/${id}`);
  // The session with its person and count, then the task with the viewer's roles together with its people,
  // comments, names, checklist and history.
  t.equal(await countQueries(db, async () => t.equal((await c.get(`/tasks/${id}`)).statusCode, 200)), 2);
  const page = (await c.get(`/tasks/${id}`)).body;
  t.match(page, /A first comment/);
  t.match(page, /Omar Other/, 'the responsible person is named');
  const stranger = await signIn(app, await makeUser(db, { name: 'Sam Stranger' }));
  const refused = await stranger.get(`/tasks/${id}`);
  t.equal(refused.statusCode, 404, 'R-X1: a task the viewer may not see is a 404, and none of its parts shows');
  t.notMatch(refused.body, /Counted task|A first comment|Omar Other/);
});
