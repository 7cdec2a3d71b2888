// R-X1: a comment stays on a task after its author leaves the group, but an external viewer
// no longer learns who wrote it: the author is "Former member", as in the feed.
import t from 'tap';
import { Membership } from '../../src/models/group.js';
import { Task, TaskComment } from '../../src/models/task.js';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('task comments name only authors the viewer may see (R-X1)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const leaver = await makeUser(db, { name: 'Lars Leaver' });
  const client = await makeUser(db, { name: 'Cleo Client', isExtranet: true });
  const group = await makeGroup(db, owner, { name: 'Client project', isExtranet: true }, [[leaver], [client]]);
  const task = await Task.query(db).insertAndFetch({ title: 'Review', groupId: group.id, creatorId: owner.id, responsibleId: client.id });
  await TaskComment.query(db).insert({ taskId: task.id, authorId: leaver.id, body: 'Left a note' });

  const c = await signIn(app, client);
  t.match((await c.get(`/tasks/${task.id}`)).body, /Lars Leaver/, 'while they share the group, the name shows');

  await Membership.query(db).delete().where({ groupId: group.id, userId: leaver.id });
  const after = await c.get(`/tasks/${task.id}`);
  t.equal(after.statusCode, 200);
  t.match(after.body, /Left a note/, 'the comment stays');
  t.notMatch(after.body, /Lars Leaver/, 'the former contact is not named');
  t.match(after.body, /Former member/);

  const o = await signIn(app, owner);
  t.match((await o.get(`/tasks/${task.id}`)).body, /Lars Leaver/, 'an employee still sees the colleague');
});
