import t from 'tap';
import { Task, TaskMember } from '../../src/models/task.js';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { countQueries } from '../query-count.js';

t.test('the project timeline (R-T9) with R-X1 and R-T6', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const member = await makeUser(db, { name: 'Max Member' });
  const outsider = await makeUser(db, { name: 'Otto Outsider' });
  const ext = await makeUser(db, { name: 'Ava External', isExtranet: true });
  const project = await makeGroup(db, owner, { name: 'Launch', kind: 'project', startsOn: '2020-01-01', endsOn: '2035-12-31', tools: ['tasks'] }, [[member]]);
  const open = await makeGroup(db, owner, { name: 'Open project', kind: 'project', startsOn: '2026-01-01', endsOn: '2026-12-31', visibleToAll: true, tools: ['tasks'] });
  const workgroup = await makeGroup(db, owner, { name: 'Team', tools: ['tasks'] }, [[member]]);
  const late = await Task.query(db).insertAndFetch({ title: 'Late one', groupId: project.id, creatorId: owner.id, responsibleId: owner.id, startOn: '2020-02-01', deadline: '2020-03-01' });
  await Task.query(db).insert({ title: 'Done one', groupId: project.id, creatorId: owner.id, responsibleId: owner.id, deadline: '2020-03-01', status: 'completed', completedAt: new Date() });
  await Task.query(db).insert({ title: 'Future one', groupId: project.id, creatorId: owner.id, responsibleId: member.id, startOn: '2034-01-01' });
  await Task.query(db).insert({ title: 'Undated', groupId: project.id, creatorId: owner.id, responsibleId: owner.id });
  await Task.query(db).insert({ title: 'Personal', creatorId: member.id, responsibleId: member.id, deadline: '2030-01-01' });
  await TaskMember.query(db).insert({ taskId: late.id, userId: outsider.id, role: 'observer' });
  const [o, m, out, x] = await Promise.all([signIn(app, owner), signIn(app, member), signIn(app, outsider), signIn(app, ext)]);
  const url = `/groups/${project.id}/tasks/timeline`;

  t.test('bars across the project\'s dates, today and overdue marked, a table beside it', async (t) => {
    const res = await m.get(url);
    t.equal(res.statusCode, 200);
    t.match(res.body, /<div class="timeline" aria-hidden="true">/, 'the chart is drawn on the server and hidden from screen readers');
    t.match(res.body, /<rect x="0.\d+%" width="[\d.]+%"/, 'a bar in percent of the span');
    t.match(res.body, /class="timeline__today"/);
    t.match(res.body, /<caption class="visually-hidden">Tasks of the project/);
    t.match(res.body, /<th scope="row"><a href="\/tasks\/\d+">Late one<\/a><\/th>\s*<td><time datetime="2020-02-01">Feb 1, 2020<\/time><\/td>\s*<td><time datetime="2020-03-01">Mar 1, 2020<\/time> <strong class="overdue">Overdue<\/strong>/);
    t.notMatch(res.body, /Done one<\/a><\/th>\s*<td>None<\/td>\s*<td><time[^>]*>[^<]*<\/time> <strong/, 'a completed task is not overdue');
    t.ok(res.body.indexOf('Late one') < res.body.indexOf('Future one'), 'in the order they begin');
    t.notMatch(res.body, /Undated|Personal/, 'only the project\'s tasks with a date');
    t.match(res.body, /aria-current="page">Timeline</);
    t.notMatch(res.body, /Otto Outsider/, 'no observers on the timeline (R-T6)');
  });

  t.test('refusals: outsiders, externals, workgroups, a tool that is off', async (t) => {
    t.equal((await out.get(url)).statusCode, 404, 'R-X1: not a member');
    t.equal((await x.get(url)).statusCode, 404);
    t.equal((await out.get(`/groups/${open.id}/tasks/timeline`)).statusCode, 303, 'a reader of a visible group goes to About');
    t.equal((await m.get(`/groups/${workgroup.id}/tasks/timeline`)).statusCode, 404, 'a workgroup has no dates');
    t.notMatch((await m.get(`/groups/${workgroup.id}/tasks`)).body, />Timeline</, 'and no link to one');
    await db('groups').where({ id: project.id }).update({ tools: ['feed'] });
    t.equal((await o.get(url)).statusCode, 404, 'R-G3: tasks tool off');
    await db('groups').where({ id: project.id }).update({ tools: ['tasks'] });
    t.equal((await o.get(`${url}?after=garbage`)).statusCode, 200, 'a bad cursor is the first page');
  });

  t.test('paged by keyset, a fixed number of queries', async (t) => {
    const few = await countQueries(db, () => o.get(url));
    await Task.query(db).insert(Array.from({ length: 60 }, (_, i) => ({ title: `Step ${String(i).padStart(2, '0')}`, groupId: project.id, creatorId: owner.id, responsibleId: owner.id, deadline: `2031-01-${String((i % 28) + 1).padStart(2, '0')}` })));
    const many = await countQueries(db, () => o.get(url));
    t.equal(many, few, `${many} queries with 3 or 63 dated tasks`);
    const first = await o.get(url);
    const next = /href="([^"]+after=[^"]+)" rel="next"/.exec(first.body)?.[1]?.replaceAll('&amp;', '&');
    t.ok(next);
    const second = await o.get(next ?? '');
    t.equal(second.statusCode, 200);
    t.match(second.body, /Future one/, 'the last tasks on the next page');
    t.notMatch(second.body, /Late one/);
  });
});
