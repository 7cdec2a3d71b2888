// Issue 17, item 7: deleting a task or a post asks first, on a page that works without JavaScript
// and says what will be lost; the page follows the same rules as the delete itself (R-T8, R-F1).
import t from 'tap';
import { build, enableAdminMode, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('delete asks first, and only those who may delete are asked', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db);
  const member = await makeUser(db);
  const stranger = await makeUser(db);
  const group = await makeGroup(db, owner, { tools: ['feed', 'tasks'] }, [[member]]);
  const o = await signIn(app, owner);
  await o.get('/tasks/new');
  const created = await o.post('/tasks', { group: String(group.id), title: 'Old plan', responsible: owner.email });
  const taskId = Number(/\/tasks\/(\d+)/.exec(String(created.headers.location))?.[1]);
  await o.post(`/tasks/${taskId}/comments`, { comment: 'One' });
  await o.post(`/tasks/${taskId}/comments`, { comment: 'Two' });
  await o.post(`/groups/${group.id}/posts`, { kind: 'post', body: 'Old news' });
  const postId = Number((await db('posts').max('id as id').first())?.id);

  const show = await o.get(`/tasks/${taskId}`);
  t.match(show.body, new RegExp(`<a class="button button--danger" href="/tasks/${taskId}/delete">`), 'the task page links to the question, no one-click form');
  t.notMatch(show.body, new RegExp(`action="/tasks/${taskId}/delete"`));
  const ask = await o.get(`/tasks/${taskId}/delete`);
  t.equal(ask.statusCode, 200);
  t.match(ask.body, /Delete the task “Old plan”\?/);
  t.match(ask.body, /its 2 comments and history will be deleted\. This cannot be undone\./, 'says what will be lost');
  t.match(ask.body, new RegExp(`<form method="post" action="/tasks/${taskId}/delete">`));

  const home = await o.get(`/groups/${group.id}`);
  t.match(home.body, new RegExp(`href="/posts/${postId}/delete"`), 'the post links to the question');
  const askPost = await o.get(`/posts/${postId}/delete`);
  t.equal(askPost.statusCode, 200);
  t.match(askPost.body, /Delete this post\?/);

  const m = await signIn(app, member);
  t.equal((await m.get(`/tasks/${taskId}/delete`)).statusCode, 403, 'a member who may not delete the task is not asked');
  t.equal((await m.get(`/posts/${postId}/delete`)).statusCode, 403, 'nor about a post that is not theirs');
  const s = await signIn(app, stranger);
  t.equal((await s.get(`/tasks/${taskId}/delete`)).statusCode, 404, 'a stranger sees nothing (R-X1)');
  t.equal((await s.get(`/posts/${postId}/delete`)).statusCode, 404);

  t.equal((await o.post(`/tasks/${taskId}/delete`)).statusCode, 303, 'the button deletes');
  t.equal((await o.post(`/posts/${postId}/delete`)).statusCode, 303);
  t.equal((await db('tasks').where({ id: taskId })).length, 0);
});

t.test('handing over a group and moving a person between intranet and extranet ask first (R-G4, R-U5)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const member = await makeUser(db, { name: 'Max Member' });
  const stranger = await makeUser(db);
  const admin = await makeUser(db, { isAdmin: true });
  const group = await makeGroup(db, owner, { name: 'Handover' }, [[member]]);
  const o = await signIn(app, owner);

  const members = await o.get(`/groups/${group.id}/members`);
  t.match(members.body, new RegExp(`href="/groups/${group.id}/members/${member.id}/owner"`), 'the member row links to the question');
  t.notMatch(members.body, new RegExp(`action="/groups/${group.id}/members/${member.id}/owner"`), 'no one-click form');
  const ask = await o.get(`/groups/${group.id}/members/${member.id}/owner`);
  t.equal(ask.statusCode, 200);
  t.match(ask.body, /Make Max Member the owner of Handover\?/);
  t.match(ask.body, /cannot take the group back/, 'says what is lost');
  t.match(ask.body, new RegExp(`<form method="post" action="/groups/${group.id}/members/${member.id}/owner">`));
  t.equal((await o.get(`/groups/${group.id}/members/${owner.id}/owner`)).statusCode, 403, 'the owner is not asked about itself');
  t.equal((await o.get(`/groups/${group.id}/members/${stranger.id}/owner`)).statusCode, 404, 'nor about someone outside the group');
  const m = await signIn(app, member);
  t.equal((await m.get(`/groups/${group.id}/members/${member.id}/owner`)).statusCode, 403, 'a member may not hand over');
  const s = await signIn(app, stranger);
  t.equal((await s.get(`/groups/${group.id}/members/${member.id}/owner`)).statusCode, 404, 'a stranger sees nothing (R-X1)');
  t.equal((await o.post(`/groups/${group.id}/members/${member.id}/owner`)).statusCode, 303, 'the button hands over');
  t.equal((await db('memberships').where({ groupId: group.id, userId: member.id }).first())?.role, 'owner');

  const a = await signIn(app, admin);
  await enableAdminMode(a);
  const list = await a.get('/admin/users');
  t.match(list.body, new RegExp(`href="/admin/users/transfer\\?user=${stranger.id}"`), 'the user row links to the question');
  t.notMatch(list.body, new RegExp(`action="/admin/users/${stranger.id}/transfer"`));
  const move = await a.get(`/admin/users/transfer?user=${stranger.id}`);
  t.equal(move.statusCode, 200);
  t.match(move.body, /to the extranet\?/);
  t.match(move.body, /becomes an external user at once/);
  t.match(move.body, /<input type="hidden" name="to" value="extranet">/);
  t.equal((await a.get('/admin/users/transfer?user=999999')).statusCode, 404);
  t.equal((await a.get('/admin/users/transfer?user=x')).statusCode, 404, 'a bad id is a 404');
  t.equal((await a.get('/admin/users/transfer')).headers.location, '/admin/users', 'nobody chosen: back to the list');
  t.equal((await o.get(`/admin/users/transfer?user=${stranger.id}`)).statusCode, 404, 'not an admin: 404');
});
