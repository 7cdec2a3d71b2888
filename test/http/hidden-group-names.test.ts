// Issue 14, defect 2 (R-T2 with R-X1, R-X8): a record the viewer may see can belong to a group the
// viewer may not see. Then the group is "a group you are not in": no name, no link, no extranet
// mark, wherever the record carries its group (task page, My tasks, search, notifications, feed).
import t from 'tap';
import { build, makeUser, signIn, type Client } from '../helper.js';
import { makeGroup } from '../fixtures.js';

const SECRET = 'Zanzibar Secret Deal';

t.test('a task in a hidden group names no group to an observer or an expired responsible', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const observer = await makeUser(db, { name: 'Otto Observer' });
  const outsider = await makeUser(db, { name: 'Xena Outsider', isExtranet: true });
  const group = await makeGroup(db, owner, { name: SECRET, isExtranet: true, tools: ['feed', 'tasks', 'files', 'calendar', 'chat'] }, [[outsider], [observer]]);
  const o = await signIn(app, owner);
  await o.get('/tasks/new');
  const created = await o.post('/tasks', { group: String(group.id), title: 'Quarterly figures', responsible: outsider.email, participants: '', observers: observer.email, deadline: '' });
  t.equal(created.statusCode, 303, 'task created');
  const taskId = Number(/\/tasks\/(\d+)/.exec(String(created.headers.location))?.[1]);
  await o.post(`/tasks/${taskId}/comments`, { comment: 'Figures attached' });
  await o.post(`/tasks/${taskId}/status`, { status: 'in_progress' });
  // The observer has since left the group (the task still names him, R-T2).
  await db('memberships').where({ userId: observer.id, groupId: group.id }).delete();
  // R-X8: the external member's membership has ended; the task still names them responsible.
  await db('memberships').where({ userId: outsider.id, groupId: group.id }).update({ expiresAt: new Date(Date.now() - 60_000) });

  const pages = (id: number) => ['/', `/tasks/${id}`, '/tasks', '/tasks?role=observer', '/tasks?role=responsible', '/notifications', '/feed', '/calendar', '/files', '/search?q=Quarterly', '/search?q=Quarterly&kind=tasks', '/search?q=figures'];
  const check = async (who: string, c: Client) => {
    const task = await c.get(`/tasks/${taskId}`);
    t.equal(task.statusCode, 200, `${who} may see the task (R-T2)`);
    t.match(task.body, /a group you are not in/, `${who}: the task page says the group is one they are not in`);
    t.notMatch(task.body, new RegExp(`href="/groups/${group.id}[/"]`), `${who}: no link to the group`);
    for (const url of pages(taskId)) {
      const res = await c.get(url);
      t.ok(res.statusCode < 500, `${who} ${url} answers ${res.statusCode}`);
      t.notOk(res.body.includes(SECRET), `${who} ${url}: the group's name is not shown`);
      t.notOk(res.body.includes(`/groups/${group.id}"`), `${who} ${url}: no link to the group`);
    }
    const list = await c.get('/tasks');
    t.match(list.body, /a group you are not in/, `${who}: My tasks says it too`);
    t.notMatch(list.body.slice(list.body.indexOf('Quarterly figures')), /^[^\n]*Extranet/, `${who}: no extranet mark beside the task's group`);
  };
  await check('employee observer', await signIn(app, observer));
  await check('expired external responsible', await signIn(app, outsider));
  t.equal((await o.get(`/tasks/${taskId}`)).body.includes(SECRET), true, 'the owner still sees the name');
});

t.test('search hits name their group (defect 3): no "undefined", and no mark for a group not visible', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const member = await makeUser(db, { name: 'Mia Member' });
  const leaver = await makeUser(db, { name: 'Leo Leaver' });
  const open = await makeGroup(db, owner, { name: 'Harbour Partners', isExtranet: true, tools: ['feed', 'tasks', 'files'] }, [[member], [leaver]]);
  const o = await signIn(app, owner);
  await o.get('/tasks/new');
  t.equal((await o.post('/tasks', { group: String(open.id), title: 'Lighthouse survey', responsible: leaver.email })).statusCode, 303);
  await o.post(`/groups/${open.id}/posts`, { kind: 'post', body: 'Lighthouse survey kickoff' });
  await db('memberships').where({ userId: leaver.id, groupId: open.id }).delete();

  const m = await signIn(app, member);
  for (const url of ['/search?q=Lighthouse', '/search?q=Lighthouse&kind=tasks', '/search?q=Lighthouse&kind=posts', '/search?q=Lighthouse&kind=groups', '/search?q=Mia&kind=people']) {
    const res = await m.get(url);
    t.equal(res.statusCode, 200, url);
    t.notMatch(res.body, /undefined|\[object Object\]|NaN/, `${url}: nothing undefined`);
  }
  t.match((await m.get('/search?q=Lighthouse&kind=tasks')).body, /Harbour Partners/, 'a kind page names the group');
  t.match((await m.get('/search?q=Lighthouse&kind=posts')).body, /Lighthouse survey kickoff/, 'a post hit shows its words on its own page');

  const l = await signIn(app, leaver);
  const res = await l.get('/search?q=Lighthouse&kind=tasks');
  t.match(res.body, /Lighthouse survey/, 'the responsible still finds the task (R-T2)');
  t.notMatch(res.body, /Harbour Partners|tag--extranet/, 'but neither the name nor the extranet mark of a group he left');
  t.match(res.body, /a group you are not in/);
});
