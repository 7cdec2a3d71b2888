// SPEC §6 with issue 17 item 7: deleting someone else's post or a task someone else created is
// moderation and goes into the audit log (who, what, whose), as deleting someone else's comment does;
// deleting one's own is not recorded.
import t from 'tap';
import { AuditEntry } from '../../src/models/audit-entry.js';
import { Post } from '../../src/models/post.js';
import { Task } from '../../src/models/task.js';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('moderators\' deletes of posts and tasks are audited, one\'s own are not', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const moderator = await makeUser(db, { name: 'Mo Moderator' });
  const author = await makeUser(db, { name: 'Ann Author' });
  const group = await makeGroup(db, owner, { name: 'Audit Club', tools: ['feed', 'tasks'] }, [[moderator, 'moderator'], [author]]);
  const c = { moderator: await signIn(app, moderator), author: await signIn(app, author) };

  const post = async (client: typeof c.author, body: string) => {
    t.equal((await client.post(`/groups/${group.id}/posts`, { body })).statusCode, 303);
    return (await Post.query(db).findOne({ groupId: group.id, body }))!;
  };
  const theirs = await post(c.author, 'Ann wrote this');
  const mine = await post(c.moderator, 'Mo wrote this');
  t.equal((await c.moderator.post(`/posts/${theirs.id}/delete`, {})).statusCode, 303, 'a moderator deletes someone else\'s post');
  t.equal((await c.moderator.post(`/posts/${mine.id}/delete`, {})).statusCode, 303, 'and its own');
  const postEntries = await AuditEntry.query(db).where({ action: 'post.delete' });
  t.equal(postEntries.length, 1, 'only the other person\'s post is recorded');
  t.equal(postEntries[0]?.actorId, moderator.id, 'by whom');
  t.equal(postEntries[0]?.subjectLabel, 'Audit Club', 'where');
  t.same(postEntries[0]?.details, { name: 'Ann Author' }, 'whose post, not what it said');

  const task = async (client: typeof c.author, title: string) => {
    t.equal((await client.post('/tasks', { title, group: String(group.id), responsible: author.email })).statusCode, 303, `${title} is created`);
    return (await Task.query(db).findOne({ title }))!;
  };
  const created = await task(c.author, 'Ann\'s task');
  const own = await task(c.moderator, 'Mo\'s task');
  t.equal((await c.moderator.post(`/tasks/${created.id}/delete`, {})).statusCode, 303, 'a moderator deletes a task someone else created');
  t.equal((await c.moderator.post(`/tasks/${own.id}/delete`, {})).statusCode, 303, 'and its own');
  const taskEntries = await AuditEntry.query(db).where({ action: 'task.delete' });
  t.equal(taskEntries.length, 1, 'only the other person\'s task is recorded');
  t.equal(taskEntries[0]?.subjectLabel, 'Ann\'s task', 'the task by its title');
  t.same(taskEntries[0]?.details, { name: 'Ann Author' }, 'and whose it was');
  t.equal(await Task.query(db).whereIn('id', [created.id, own.id]).resultSize(), 0, 'both are gone');
});
