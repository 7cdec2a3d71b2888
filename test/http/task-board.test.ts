import t from 'tap';
import { ChecklistItem, Task, TaskEvent, TaskMember } from '../../src/models/task.js';
import { build, enableAdminMode, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { countQueries } from '../query-count.js';

t.test('the task board (R-T9) with R-T8, R-X1 and archived groups', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const part = await makeUser(db, { name: 'Pia Participant' });
  const watcher = await makeUser(db, { name: 'Obi Observer' });
  const member = await makeUser(db, { name: 'Max Member' });
  const outsider = await makeUser(db, { name: 'Otto Outsider' });
  const ext = await makeUser(db, { name: 'Ava External', isExtranet: true });
  const group = await makeGroup(db, owner, { name: 'Launch', tools: ['tasks'] }, [[part], [watcher], [member]]);
  const room = await makeGroup(db, owner, { name: 'Client room', isExtranet: true, tools: ['tasks'] }, [[ext]]);
  const task = await Task.query(db).insertAndFetch({ title: 'Ship it', groupId: group.id, creatorId: owner.id, responsibleId: owner.id, deadline: '2020-01-10' });
  await TaskMember.query(db).insert([{ taskId: task.id, userId: part.id, role: 'participant' }, { taskId: task.id, userId: watcher.id, role: 'observer' }]);
  await ChecklistItem.query(db).insert([{ taskId: task.id, position: 1, text: 'One', done: true }, { taskId: task.id, position: 2, text: 'Two' }, { taskId: task.id, position: 3, text: 'Three' }]);
  const roomTask = await Task.query(db).insertAndFetch({ title: 'Client review', groupId: room.id, creatorId: owner.id, responsibleId: ext.id });
  const [o, p, w, m, out, x] = await Promise.all([signIn(app, owner), signIn(app, part), signIn(app, watcher), signIn(app, member), signIn(app, outsider), signIn(app, ext)]);
  const board = `/groups/${group.id}/tasks/board`;

  t.test('columns per status; cards with responsible, deadline, overdue, checklist progress, Extranet mark', async (t) => {
    const res = await p.get(board);
    t.equal(res.statusCode, 200);
    for (const s of ['Pending', 'In progress', 'Completed', 'Deferred']) t.match(res.body, new RegExp(`<h3 id="column-[a-z_]+" class="board__title">${s}</h3>`), s);
    t.match(res.body, /Ship it/);
    t.match(res.body, /Olga Owner/);
    t.match(res.body, /card--overdue/);
    t.match(res.body, /<strong class="overdue" data-overdue>Overdue<\/strong>/);
    t.match(res.body, /1\/3.*1 of 3 checklist items done/s);
    t.match(res.body, /action="\/tasks\/\d+\/move"/, 'the participant gets the move form');
    t.match(res.body, /<script src="\/public\/js\/board.js" defer><\/script>/);
    const mine = await x.get('/tasks/board');
    t.equal(mine.statusCode, 200);
    t.match(mine.body, /Client review/);
    t.match(mine.body, /Client room.*Extranet/s, 'the extranet group is marked');
    t.match(mine.body, /Ava External.*Extranet/s);
    t.notMatch(mine.body, /Ship it/, 'R-X1: an external sees only its groups\' tasks and tasks naming it');
  });

  t.test('who may move: participants yes, observers and plain members no (R-T8)', async (t) => {
    t.notMatch((await w.get(board)).body, /\/move"/, 'an observer gets no move form');
    t.notMatch((await m.get(board)).body, /\/move"/, 'a member not on the task neither');
    t.equal((await w.post(`/tasks/${task.id}/move`, { status: 'completed', back: board })).statusCode, 403);
    t.equal((await m.post(`/tasks/${task.id}/move`, { status: 'completed', back: board })).statusCode, 403);
    t.equal((await out.post(`/tasks/${task.id}/move`, { status: 'completed', back: board })).statusCode, 404, 'not visible: 404');
    t.equal((await x.post(`/tasks/${task.id}/move`, { status: 'completed', back: board })).statusCode, 404, 'external, not in the group: 404');
    t.equal((await Task.query(db).findById(task.id))?.status, 'pending');
    const moved = await p.post(`/tasks/${task.id}/move`, { status: 'in_progress', back: `${board}?status=any` });
    t.equal(moved.statusCode, 303, 'Post/Redirect/Get');
    t.equal(moved.headers.location, `${board}?status=any#task-${task.id}`);
    t.equal((await Task.query(db).findById(task.id))?.status, 'in_progress');
    t.match((await p.get(board)).body, /“Ship it” moved to In progress/, 'the flash says what happened');
    t.ok(await TaskEvent.query(db).findOne({ taskId: task.id, kind: 'status', label: 'in_progress' }), 'the move is in the task\'s history');
  });

  t.test('a script\'s move gets the sentence to announce; bad input is refused', async (t) => {
    await p.get(board);
    const res = await p.post(`/tasks/${task.id}/move`, { status: 'deferred', back: board }, { headers: { 'hx-request': 'true' } });
    t.equal(res.statusCode, 200);
    t.equal(res.body, '“Ship it” moved to Deferred');
    const bad = await p.post(`/tasks/${task.id}/move`, { status: 'nonsense', back: board }, { headers: { 'hx-request': 'true' } });
    t.equal(bad.statusCode, 422);
    t.equal((await p.post(`/tasks/${task.id}/move`, { status: 'nonsense' })).statusCode, 422);
    const elsewhere = await p.post(`/tasks/${task.id}/move`, { status: 'pending', back: 'https://evil.example/tasks/board' });
    t.equal(elsewhere.headers.location, `/tasks/board#task-${task.id}`, 'only a board of this app is a place to return to');
    t.equal((await p.post(`/tasks/${task.id}/move`, { status: 'pending', back: board }, { csrf: false })).statusCode, 403);
  });

  t.test('group board: 404 for outsiders and externals, redirect for a reader of a visible group', async (t) => {
    t.equal((await out.get(board)).statusCode, 404);
    t.equal((await x.get(board)).statusCode, 404);
    t.equal((await o.get(`/groups/${room.id}/tasks/board`)).statusCode, 200);
    t.equal((await out.get('/groups/999999/tasks/board')).statusCode, 404);
  });

  t.test('archived: the board is read-only (R-G7)', async (t) => {
    await db('groups').where({ id: room.id }).update({ archivedAt: new Date() });
    const res = await o.get(`/groups/${room.id}/tasks/board`);
    t.equal(res.statusCode, 200);
    t.match(res.body, /Client review/);
    t.notMatch(res.body, /\/move"/);
    t.equal((await o.post(`/tasks/${roomTask.id}/move`, { status: 'completed', back: board })).statusCode, 403);
    await db('groups').where({ id: room.id }).update({ archivedAt: null });
  });

  t.test('each column is paged by keyset; the board is a bounded number of queries', async (t) => {
    const many = await makeGroup(db, owner, { name: 'Busy', tools: ['tasks'] });
    const add = (n: number, offset: number) =>
      Task.query(db).insert(Array.from({ length: n }, (_, i) => ({ title: `Card ${String(offset + i).padStart(3, '0')}`, groupId: many.id, creatorId: owner.id, responsibleId: owner.id })));
    await add(5, 0);
    const url = `/groups/${many.id}/tasks/board`;
    const few = await countQueries(db, () => o.get(url));
    await add(40, 5);
    await ChecklistItem.query(db).insert((await Task.query(db).where({ groupId: many.id })).map((tk) => ({ taskId: tk.id, position: 1, text: 'x' })));
    const lots = await countQueries(db, () => o.get(url));
    t.equal(lots, few, `${lots} queries with 5 or 45 cards`);
    // Issue 16: the session (with its person and count), the group, every column in one statement.
    t.equal(lots, 3, 'three round trips for the whole board');
    const statements: string[] = [];
    const seen = (q: { sql: string }) => statements.push(q.sql);
    db.on('query', seen);
    await o.get(url);
    db.off('query', seen);
    const boardSql = statements.find((sql) => sql.includes('union all')) ?? '';
    t.ok(boardSql, 'the columns are one statement');
    t.notMatch(boardSql, /visible_to_all/, "a group's own board reads no group visibility per card (it shows no group)");
    t.notMatch(boardSql, /"named"|"tm"/, 'R-T2: a member sees every task of its group, so no card is tested against the task scope');
    t.notMatch(boardSql, /"groups"|"memberships"/, "issue 16: the group's archive state, tools and the viewer's role are the page's, read once, not per card");
    const first = await o.get(url);
    t.match(first.body, /Card 044/);
    t.notMatch(first.body, /Card 024/, 'a column shows 20 cards');
    const more = /href="([^"]+after_pending=[^"]+)"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    t.ok(more, 'a link to the column\'s next page');
    const second = await o.get(more ?? '');
    t.match(second.body, /Card 024/);
    t.notMatch(second.body, /Card 044/);
    t.match(second.body, /Back to the first Pending tasks/);
    const filtered = await o.get(`${url}?status=completed`);
    t.notMatch(filtered.body, /column-pending/, 'a status filter shows its column only');
    const fragment = await o.get(`${url}?status=pending`, { 'hx-request': 'true' });
    t.notMatch(fragment.body, /<html/, 'the filters get the board alone');
  });

  t.test('an administrator: nothing without admin mode, everything with it (R-U3, R-T8)', async (t) => {
    const admin = await makeUser(db, { name: 'Ada Admin', isAdmin: true });
    const a = await signIn(app, admin);
    t.equal((await a.get(board)).statusCode, 404, 'not a member, admin mode off');
    t.equal((await a.post(`/tasks/${task.id}/move`, { status: 'completed', back: board })).statusCode, 404);
    t.notMatch((await a.get('/tasks/board')).body, /Ship it/);
    await enableAdminMode(a);
    const res = await a.get(board);
    t.equal(res.statusCode, 200);
    t.match(res.body, /action="\/tasks\/\d+\/move"/, 'admin mode may move');
    t.equal((await a.post(`/tasks/${task.id}/move`, { status: 'completed', back: board })).statusCode, 303);
    t.equal((await Task.query(db).findById(task.id))?.status, 'completed');
    t.notMatch((await a.get(board)).body, /card--overdue[^>]*id="task-${task.id}"/, 'a completed task is not overdue');
  });

  t.test('one CSRF token serves every form of the page (issue 16: a board made one per card), and it is accepted', async (t) => {
    await Task.query(db).insert([1, 2, 3].map((i) => ({ title: `Extra ${i}`, groupId: group.id, creatorId: owner.id, responsibleId: owner.id })));
    const res = await o.get(board);
    const tokens = new Set([...res.body.matchAll(/name="_csrf" value="([^"]+)"/g)].map((m) => m[1]));
    const forms = [...res.body.matchAll(/action="\/tasks\/\d+\/move"/g)].length;
    t.ok(forms >= 4, `the page has a move form per card (${forms})`);
    t.equal(tokens.size, 1, 'all of them carry the same token');
    const header = /"x-csrf-token": "([^"]+)"/.exec(res.body)?.[1];
    t.equal(header, [...tokens][0], 'and so does the page\'s htmx header');
    const moved = await o.post(`/tasks/${task.id}/move`, { status: 'pending', back: board }, { csrf: [...tokens][0] });
    t.equal(moved.statusCode, 303, 'the shared token is accepted');
  });

  t.test('lists show checklist progress without a query per row', async (t) => {
    const res = await p.get(`/groups/${group.id}/tasks`);
    t.match(res.body, /1\/3/);
    t.match(res.body, /href="\/groups\/\d+\/tasks\/board">Board</);
  });
});
