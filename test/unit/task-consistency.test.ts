// Discourse-style check (R-T2): for every persona and task of a varied fixture,
// "appears in tasksVisibleTo(viewer)" equals "can(viewer, 'task:view', …)".
import t from 'tap';
import { Task, TaskMember } from '../../src/models/task.js';
import { can } from '../../src/policy/abilities.js';
import { findVisibleTask, tasksVisibleByProbeTo, tasksVisibleTo } from '../../src/policy/task-scopes.js';
import { anonymous, viewerFromUser, type Viewer } from '../../src/policy/viewer.js';
import { makeUser, testDatabase } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('tasksVisibleTo and task:view agree', async (t) => {
  const db = await testDatabase(t);
  const owner = await makeUser(db, { name: 'Owner' });
  const member = await makeUser(db, { name: 'Member' });
  const stranger = await makeUser(db, { name: 'Stranger' });
  const ext = await makeUser(db, { name: 'External', isExtranet: true });
  const expired = await makeUser(db, { name: 'Expired', isExtranet: true });
  const admin = await makeUser(db, { name: 'Admin', isAdmin: true });
  const team = await makeGroup(db, owner, { name: 'Team' }, [[member]]);
  const noTasks = await makeGroup(db, owner, { name: 'No tasks tool', tools: ['feed'] }, [[member]]);
  const client = await makeGroup(db, owner, { name: 'Client', isExtranet: true }, [[ext]]);
  await db('memberships').insert({ groupId: client.id, userId: expired.id, role: 'member', expiresAt: new Date(Date.now() - 1000) });

  const mk = (title: string, groupId: number | null, responsibleId = owner.id, creatorId = owner.id) => Task.query(db).insertAndFetch({ title, groupId, responsibleId, creatorId });
  const tasks = [
    await mk('team task', team.id),
    await mk('no-tool task', noTasks.id),
    await mk('client task', client.id),
    await mk('personal of owner', null),
    await mk('personal naming stranger', null),
    await mk('stranger responsible in team', team.id, stranger.id),
    await mk('created by member, no group', null, owner.id, member.id),
  ];
  await TaskMember.query(db).insert({ taskId: tasks[4]!.id, userId: stranger.id, role: 'observer' });
  await TaskMember.query(db).insert({ taskId: tasks[3]!.id, userId: expired.id, role: 'participant' });

  const personas: [string, Viewer][] = [
    ['anonymous', anonymous],
    ['owner', viewerFromUser(owner, false)],
    ['member', viewerFromUser(member, false)],
    ['stranger', viewerFromUser(stranger, false)],
    ['external', viewerFromUser(ext, false)],
    ['expired external', viewerFromUser(expired, false)],
    ['admin', viewerFromUser(admin, false)],
    ['admin mode', viewerFromUser(admin, true)],
  ];
  const expected: Record<string, string[]> = {
    anonymous: [],
    owner: tasks.map((x) => x.title),
    member: ['team task', 'stranger responsible in team', 'created by member, no group'],
    stranger: ['personal naming stranger', 'stranger responsible in team'],
    external: ['client task'],
    'expired external': ['personal of owner'],
    admin: [],
    'admin mode': tasks.map((x) => x.title),
  };
  for (const [label, viewer] of personas) {
    const visible = new Set((await tasksVisibleTo(viewer).select('tasks.id')).map((x) => x.id));
    t.same(tasks.filter((x) => visible.has(x.id)).map((x) => x.title).sort(), [...(expected[label] ?? [])].sort(), `${label}: expected tasks`);
    // Issue 16: the form a task page reads its task through (one probe per row) gives the same tasks, and so does the lookup.
    const probed = new Set((await tasksVisibleByProbeTo(viewer).select('tasks.id')).map((x) => x.id));
    t.same([...probed].sort(), [...visible].sort(), `${label}: the probing form gives the same tasks`);
    for (const task of tasks) t.equal((await findVisibleTask(viewer, task.id)) !== undefined, visible.has(task.id), `${label} / ${task.title}: the lookup agrees`);
    for (const task of tasks) {
      // The single-record rule, judged on a context built without the scope.
      const superCtx = await findVisibleTask(viewerFromUser(admin, true), task.id);
      const roleRow = viewer.signedIn ? await TaskMember.query(db).findOne({ taskId: task.id, userId: viewer.id }) : undefined;
      const groupRole = viewer.signedIn && task.groupId ? ((await db('memberships').where({ groupId: task.groupId, userId: viewer.id }).whereRaw('(expires_at is null or expires_at > now())').first()) as { role?: 'owner' | 'moderator' | 'member' } | undefined)?.role ?? null : null;
      const allowed = can(viewer, 'task:view', { task, taskRole: roleRow?.role ?? null, groupRole, groupArchived: false, groupTasksOn: superCtx?.groupTasksOn ?? false });
      t.equal(visible.has(task.id), allowed, `${label} / ${task.title}`);
    }
  }
});
