import t from 'tap';
import { Activity, Task, TaskMember } from '../../src/models/task.js';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('tasks (R-T1..R-T8)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner', email: 'olga@corp.example' });
  const member = await makeUser(db, { name: 'Mia Member', email: 'mia@corp.example' });
  const helper = await makeUser(db, { name: 'Hal Helper', email: 'hal@corp.example' });
  const outsider = await makeUser(db, { name: 'Otto Outsider', email: 'otto@corp.example' });
  const extA = await makeUser(db, { name: 'Ava External', email: 'ava@client.example', isExtranet: true });
  const extB = await makeUser(db, { name: 'Ben External', email: 'ben@other.example', isExtranet: true });
  const project = await makeGroup(db, owner, { name: 'Launch', kind: 'project', startsOn: '2026-01-01', endsOn: '2026-03-31' }, [[member], [helper]]);
  const extranet = await makeGroup(db, owner, { name: 'Client room', isExtranet: true }, [[member], [extA]]);
  const otherExtranet = await makeGroup(db, owner, { name: 'Other client', isExtranet: true }, [[extB]]);
  const [o, m, h, out, a] = await Promise.all([signIn(app, owner), signIn(app, member), signIn(app, helper), signIn(app, outsider), signIn(app, extA)]);
  void otherExtranet;

  const create = async (client: typeof o, form: Record<string, string>) => {
    await client.get('/tasks/new');
    return client.post('/tasks', form);
  };

  t.test('a project task with people; deadline inside the dates (R-T1, R-T3)', async (t) => {
    const res = await create(m, { group: String(project.id), title: 'Write copy', deadline: '2026-02-15', responsible: 'hal@corp.example', participants: 'olga@corp.example', observers: '' });
    t.equal(res.statusCode, 303);
    const task = await Task.query(db).findOne({ title: 'Write copy' });
    t.match(task, { groupId: project.id, responsibleId: helper.id, creatorId: member.id, status: 'pending', deadline: '2026-02-15' });
    t.equal((await TaskMember.query(db).where({ taskId: task?.id ?? 0 })).length, 1);
    t.ok(await Activity.query(db).findOne({ kind: 'task.created', taskId: task?.id ?? 0 }), 'activity written with it');
  });

  t.test('deadline outside the project: refused on create and on change (R-T3)', async (t) => {
    const before = await Task.query(db).resultSize();
    for (const deadline of ['2025-12-31', '2026-04-01']) {
      const res = await create(m, { group: String(project.id), title: 'Late', deadline });
      t.equal(res.statusCode, 422);
      t.match(res.body, /The deadline must be between Jan 1, 2026 and Mar 31, 2026/);
    }
    t.equal((await create(m, { group: String(project.id), title: 'Edge', deadline: '2026-03-31' })).statusCode, 303, 'inclusive');
    t.equal(await Task.query(db).resultSize(), before + 1);
    const task = await Task.query(db).findOne({ title: 'Edge' });
    await m.get(`/tasks/${task?.id}/edit`);
    const moved = await m.post(`/tasks/${task?.id}/edit`, { title: 'Edge', deadline: '2026-05-01', status: 'pending' });
    t.equal(moved.statusCode, 422);
    t.equal((await Task.query(db).findById(task?.id ?? 0))?.deadline, '2026-03-31');
    await t.rejects(async () => { await Task.query(db).findById(task?.id ?? 0).patch({ deadline: '2027-01-01' }); }, /outside project dates/, 'the database refuses too');
  });

  t.test('changing project dates that would exclude deadlines is refused, naming the tasks (R-T3)', async (t) => {
    await o.get(`/groups/${project.id}/edit`);
    const res = await o.post(`/groups/${project.id}/edit`, { name: 'Launch', kind: 'project', startsOn: '2026-01-01', endsOn: '2026-02-28', whoCanInvite: 'moderators', filesWrite: 'members', calendarWrite: 'members', tools: ['tasks'] });
    t.equal(res.statusCode, 422);
    t.match(res.body, /These tasks have deadlines outside the new dates: Edge/);
  });

  t.test('extranet groups: only members can be named (R-T4); externals name only contacts (R-T5)', async (t) => {
    const res = await create(m, { group: String(extranet.id), title: 'Review', responsible: 'ava@client.example', observers: 'hal@corp.example' });
    t.equal(res.statusCode, 422);
    t.match(res.body, /only its members can be named: hal@corp.example/);
    t.equal((await create(m, { group: String(extranet.id), title: 'Review', responsible: 'ava@client.example' })).statusCode, 303);
    const offered = await a.get(`/tasks/new?group=${extranet.id}`);
    t.match(offered.body, /<option value="mia@corp.example">/, 'the picker offers group members');
    t.notMatch(offered.body, /hal@corp.example|ben@other.example/, 'and no one else');
    t.equal((await a.post('/tasks', { group: String(extranet.id), title: 'From the client', responsible: 'mia@corp.example' })).statusCode, 303, 'an external member creates a task in its group (R-X5)');
    const personal = await create(a, { title: 'Mine', responsible: 'ben@other.example' });
    t.equal(personal.statusCode, 422, 'an external cannot name a non-contact');
    t.match(personal.body, /Nobody you can assign has these addresses: ben@other.example/);
    const internal = await create(m, { group: String(project.id), title: 'Sneaky', participants: 'ava@client.example' });
    t.equal(internal.statusCode, 422, 'an external person cannot be named on a task of a group it is not in');
  });

  t.test('who sees a task (R-T2) and who may do what (R-T8)', async (t) => {
    const task = await Task.query(db).findOne({ title: 'Write copy' });
    const url = `/tasks/${task?.id}`;
    t.equal((await o.get(url)).statusCode, 200, 'participant and group owner');
    t.equal((await out.get(url)).statusCode, 404, 'not a member, not named');
    t.equal((await a.get(url)).statusCode, 404, 'external, not in the group');
    await h.get(url);
    t.equal((await h.post(`${url}/status`, { status: 'in_progress' })).statusCode, 303, 'responsible changes status');
    const plainMember = await makeUser(db, { name: 'Pat Plain' });
    await db('memberships').insert({ groupId: project.id, userId: plainMember.id, role: 'member' });
    const p = await signIn(app, plainMember);
    t.equal((await p.get(url)).statusCode, 200, 'a group member sees it');
    t.equal((await p.post(`${url}/status`, { status: 'completed' })).statusCode, 403, 'but cannot change it');
    t.equal((await p.post(`${url}/comments`, { comment: 'hi' })).statusCode, 403);
    t.equal((await p.post(`${url}/edit`, { title: 'x', status: 'pending' })).statusCode, 403);
    t.equal((await p.post(`${url}/delete`)).statusCode, 403);
    t.equal((await o.post(`${url}/comments`, { comment: 'Looks good <b>' })).statusCode, 303, 'a participant comments');
    t.match((await o.get(url)).body, /Looks good &lt;b&gt;/);
    // Issue 18 item 6: a task comment's addresses are links, as a post comment's are.
    t.equal((await o.post(`${url}/comments`, { comment: 'Draft at https://docs.example/copy?v=2.' })).statusCode, 303);
    t.match((await o.get(url)).body, '<p class="prose">Draft at <a href="https://docs.example/copy?v=2" rel="noopener nofollow ugc">https://docs.example/copy?v=2</a>.</p>');
    t.equal((await o.post(`${url}/status`, { status: 'completed' })).statusCode, 303);
    t.ok((await Task.query(db).findById(task?.id ?? 0))?.completedAt);
    t.ok(await Activity.query(db).findOne({ kind: 'task.completed', taskId: task?.id ?? 0 }));
  });

  t.test('bad input: statuses, ids, CSRF, oversized', async (t) => {
    const task = await Task.query(db).findOne({ title: 'Write copy' });
    const url = `/tasks/${task?.id}`;
    await h.get(url);
    t.equal((await h.post(`${url}/status`, { status: 'done' })).statusCode, 422);
    t.equal((await h.post(`${url}/status`, { status: ['pending', 'completed'] })).statusCode, 422);
    t.equal((await h.post(`${url}/comments`, { comment: '' })).statusCode, 422);
    t.equal((await h.post(`${url}/comments`, { comment: 'x'.repeat(5001) })).statusCode, 422);
    t.equal((await h.post(`${url}/status`, { status: 'pending' }, { csrf: false })).statusCode, 403);
    for (const id of ['abc', '0', '99999999', '1.5']) t.equal((await h.get(`/tasks/${id}`)).statusCode, 404, id);
    t.equal((await create(m, { title: '', deadline: '2026-13-45' })).statusCode, 422);
    t.equal((await create(m, { group: '999999', title: 'Nowhere' })).statusCode, 404, 'a group that does not exist');
    t.equal((await create(out, { group: String(project.id), title: 'Intruder' })).statusCode, 404, 'a group the viewer is not in');
  });

  t.test('My tasks: roles, statuses, marks (R-T7)', async (t) => {
    const mine = await h.get('/tasks?role=responsible');
    t.match(mine.body, /Write copy/);
    t.notMatch(mine.body, /Review/);
    t.match((await m.get('/tasks?role=creator')).body, /Review/);
    t.match((await m.get('/tasks')).body, /Client room.*Extranet/s, 'extranet group marked');
    t.notMatch((await h.get('/tasks?status=pending')).body, /Write copy/, 'completed is filtered out');
    const fragment = await h.get('/tasks?role=any', { 'hx-request': 'true' });
    t.notMatch(fragment.body, /<html/);
  });

  t.test('archived groups: tasks are read-only (R-G7)', async (t) => {
    const task = await Task.query(db).findOne({ title: 'Review' });
    await db('groups').where({ id: extranet.id }).update({ archivedAt: new Date() });
    await m.get(`/tasks/${task?.id}`);
    t.equal((await m.post(`/tasks/${task?.id}/status`, { status: 'completed' })).statusCode, 403);
    t.equal((await create(m, { group: String(extranet.id), title: 'More' })).statusCode, 403);
    t.equal((await m.get(`/tasks/${task?.id}`)).statusCode, 200, 'still readable');
  });
});

t.test('a deadline typed without a date picker (issue 17, item 5): unambiguous forms are read, the rest named with the format', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db);
  const c = await signIn(app, owner);
  await c.get('/tasks/new');
  const form = (deadline: string) => ({ title: `Due ${deadline}`, responsible: owner.email, deadline });
  t.match((await c.get('/tasks/new')).body, /For example 2026-12-20\./, 'the hint says the format');
  for (const typed of ['20/12/2026', '20.12.2026', '2026/12/20']) {
    const res = await c.post('/tasks', form(typed));
    t.equal(res.statusCode, 303, `${typed} is read`);
    const task = await db('tasks').orderBy('id', 'desc').first();
    t.equal(String(task?.deadline instanceof Date ? task.deadline.toISOString().slice(0, 10) : task?.deadline).slice(0, 10), '2026-12-20', `${typed} is 20 December 2026`);
  }
  const ambiguous = await c.post('/tasks', form('3/4/2026'));
  t.equal(ambiguous.statusCode, 422, '3/4/2026 could be March or April');
  t.match(ambiguous.body, /Deadline must be a real date, for example 2026-12-20/, 'the error says the format');
});
