import t from 'tap';
import { ChecklistItem, Task, TaskEvent, TaskMember } from '../../src/models/task.js';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('checklists (R-T9) with R-T8, R-T6, R-X1 and archived groups', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const part = await makeUser(db, { name: 'Pia Participant' });
  const watcher = await makeUser(db, { name: 'Obi Observer' });
  const outsider = await makeUser(db, { name: 'Otto Outsider' });
  const ext = await makeUser(db, { name: 'Ava External', isExtranet: true });
  const group = await makeGroup(db, owner, { name: 'Launch', tools: ['tasks'] }, [[part], [watcher]]);
  const room = await makeGroup(db, owner, { name: 'Client room', isExtranet: true, tools: ['tasks'] }, [[ext]]);
  const task = await Task.query(db).insertAndFetch({ title: 'Ship it', groupId: group.id, creatorId: owner.id, responsibleId: owner.id });
  await TaskMember.query(db).insert([{ taskId: task.id, userId: part.id, role: 'participant' }, { taskId: task.id, userId: watcher.id, role: 'observer' }]);
  const [o, p, w, out, x] = await Promise.all([signIn(app, owner), signIn(app, part), signIn(app, watcher), signIn(app, outsider), signIn(app, ext)]);
  const url = `/tasks/${task.id}`;
  const items = () => ChecklistItem.query(db).where({ taskId: task.id }).orderBy('position');

  t.test('those who edit add items; the task page lists them with progress', async (t) => {
    await o.get(url);
    for (const item of ['Write', 'Review', 'Publish']) t.equal((await o.post(`${url}/checklist`, { item })).statusCode, 303, item);
    t.same((await items()).map((i) => i.text), ['Write', 'Review', 'Publish']);
    const page = await p.get(url);
    t.match(page.body, /0\/3/);
    t.match(page.body, /Mark done<span class="visually-hidden"> “Write”<\/span>/, 'a participant may tick');
    t.notMatch(page.body, /Move up|Remove<span/, 'but not reorder or remove');
    t.match(page.body, /Olga Owner.*added “Publish” to the checklist/s, 'the change is in the task\'s history');
    const empty = await o.post(`${url}/checklist`, { item: '  ' });
    t.equal(empty.statusCode, 422);
    t.match(empty.body, /Enter the checklist item/);
    t.equal((await o.post(`${url}/checklist`, { item: 'x'.repeat(501) })).statusCode, 422);
    const fragment = await o.post(`${url}/checklist`, { item: '' }, { headers: { 'hx-request': 'true' } });
    t.equal(fragment.statusCode, 422);
    t.notMatch(fragment.body, /<html/, 'htmx gets the checklist with its error summary');
    t.match(fragment.body, /data-error-summary/);
  });

  t.test('participants tick; observers, members and outsiders do not (R-T8, R-X1)', async (t) => {
    const [write] = await items();
    t.equal((await p.post(`${url}/checklist/${write?.id}/tick`, { done: '1' })).statusCode, 303);
    t.equal((await ChecklistItem.query(db).findById(write?.id ?? 0))?.done, true);
    t.equal((await p.post(`${url}/checklist/${write?.id}/tick`, { done: '1' })).statusCode, 303, 'ticking again changes nothing');
    t.equal(await TaskEvent.query(db).where({ taskId: task.id, kind: 'checklist.ticked' }).resultSize(), 1, 'and records nothing');
    t.match((await o.get('/tasks')).body, /1\/3/, 'progress on My tasks');
    t.equal((await p.post(`${url}/checklist`, { item: 'Sneak' })).statusCode, 403, 'a participant cannot add');
    t.equal((await p.post(`${url}/checklist/${write?.id}/delete`)).statusCode, 403);
    t.equal((await w.post(`${url}/checklist/${write?.id}/tick`, { done: '0' })).statusCode, 403, 'an observer cannot tick');
    t.equal((await out.post(`${url}/checklist/${write?.id}/tick`, { done: '0' })).statusCode, 404);
    t.equal((await x.post(`${url}/checklist/${write?.id}/tick`, { done: '0' })).statusCode, 404);
    t.equal((await x.get(url)).statusCode, 404);
    const other = await Task.query(db).insertAndFetch({ title: 'Other', groupId: group.id, creatorId: owner.id, responsibleId: owner.id });
    t.equal((await o.post(`/tasks/${other.id}/checklist/${write?.id}/tick`, { done: '0' })).statusCode, 404, 'an item of another task');
    t.equal((await o.post(`${url}/checklist/abc/tick`, { done: '0' })).statusCode, 404);
    const ticked = await p.post(`${url}/checklist/${write?.id}/tick`, { done: '0' }, { headers: { 'hx-request': 'true' } });
    t.equal(ticked.statusCode, 200);
    t.match(ticked.body, /data-announce="“Write” marked not done"/);
  });

  t.test('reorder and remove', async (t) => {
    const [write, review, publish] = await items();
    t.equal((await o.post(`${url}/checklist/${publish?.id}/move`, { direction: 'up' })).statusCode, 303);
    t.same((await items()).map((i) => i.text), ['Write', 'Publish', 'Review']);
    t.equal((await o.post(`${url}/checklist/${write?.id}/move`, { direction: 'up' })).statusCode, 303, 'the first stays first');
    t.same((await items()).map((i) => i.text), ['Write', 'Publish', 'Review']);
    t.equal((await o.post(`${url}/checklist/${review?.id}/delete`)).statusCode, 303);
    t.same((await items()).map((i) => i.text), ['Write', 'Publish']);
    t.match((await o.get(url)).body, /removed “Review” from the checklist/);
    t.equal((await w.post(`${url}/checklist/${write?.id}/move`, { direction: 'down' })).statusCode, 403);
  });

  t.test('the history names only people the viewer may see (R-T6, R-X1)', async (t) => {
    const shared = await Task.query(db).insertAndFetch({ title: 'Shared', groupId: room.id, creatorId: owner.id, responsibleId: ext.id });
    await TaskEvent.query(db).insert({ taskId: shared.id, actorId: outsider.id, kind: 'checklist.added', label: 'Hidden hand' });
    const page = await x.get(`/tasks/${shared.id}`);
    t.equal(page.statusCode, 200);
    t.match(page.body, /Someone\s+added “Hidden hand”/);
    t.notMatch(page.body, /Otto Outsider/);
  });

  t.test('archived: read-only (R-G7)', async (t) => {
    const [write] = await items();
    await db('groups').where({ id: group.id }).update({ archivedAt: new Date() });
    const page = await o.get(url);
    t.match(page.body, /Write/);
    t.notMatch(page.body, /Add item|Mark done|Move up/);
    t.equal((await o.post(`${url}/checklist`, { item: 'Late' })).statusCode, 403);
    t.equal((await o.post(`${url}/checklist/${write?.id}/tick`, { done: '1' })).statusCode, 403);
    await db('groups').where({ id: group.id }).update({ archivedAt: null });
  });
});

t.test('start dates (R-T9 with R-T3)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db);
  const project = await makeGroup(db, owner, { name: 'Launch', kind: 'project', startsOn: '2026-01-01', endsOn: '2026-03-31' });
  const c = await signIn(app, owner);
  await c.get('/tasks/new');
  const create = (form: Record<string, string>) => c.post('/tasks', { group: String(project.id), title: 'Dated', ...form });
  const outside = await create({ startOn: '2025-12-31', deadline: '2026-02-01' });
  t.equal(outside.statusCode, 422);
  t.match(outside.body, /The start date must be between Jan 1, 2026 and Mar 31, 2026/);
  const after = await create({ startOn: '2026-02-10', deadline: '2026-02-01' });
  t.equal(after.statusCode, 422);
  t.match(after.body, /The start date must be the same as or before the deadline/);
  t.equal((await create({ startOn: 'soon' })).statusCode, 422);
  t.equal((await create({ startOn: '2026-01-05', deadline: '2026-02-01' })).statusCode, 303);
  const task = await Task.query(db).findOne({ title: 'Dated' });
  t.equal(task?.startOn, '2026-01-05');
  t.match((await c.get(`/tasks/${task?.id}`)).body, /Start date.*Jan 5, 2026/s);
  t.match((await c.get(`/tasks/${task?.id}/edit`)).body, /name="startOn" type="date" value="2026-01-05"/);
  const moved = await c.post(`/tasks/${task?.id}/edit`, { title: 'Dated', startOn: '2026-03-01', deadline: '2026-02-01', status: 'pending' });
  t.equal(moved.statusCode, 422, 'checked again on change');
  await t.rejects(async () => { await Task.query(db).findById(task?.id ?? 0).patch({ startOn: '2026-02-05' }); }, /tasks_start_before_deadline/, 'the database refuses a start after the deadline');
  await t.rejects(async () => { await Task.query(db).findById(task?.id ?? 0).patch({ startOn: '2025-06-01' }); }, /outside project dates/, 'and a start outside the project');
  await c.get(`/groups/${project.id}/edit`);
  const shrink = await c.post(`/groups/${project.id}/edit`, { name: 'Launch', kind: 'project', startsOn: '2026-01-10', endsOn: '2026-03-31', whoCanInvite: 'moderators', filesWrite: 'members', calendarWrite: 'members', tools: ['tasks'] });
  t.equal(shrink.statusCode, 422, 'the project\'s dates cannot move past a start date (R-T3)');
  t.match(shrink.body, /Dated/);
  const personal = await c.post('/tasks', { title: 'Personal', startOn: '2030-01-01' });
  t.equal(personal.statusCode, 303, 'a personal task has no project dates to respect');
});
