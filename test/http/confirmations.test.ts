// Issue 17, item 7: deleting a task or a post asks first, on a page that works without JavaScript
// and says what will be lost; the page follows the same rules as the delete itself (R-T8, R-F1).
import t from 'tap';
import { CalendarEvent } from '../../src/models/event.js';
import { DriveFile, Folder } from '../../src/models/file.js';
import { Group } from '../../src/models/group.js';
import { build, enableAdminMode, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { uploadAs } from '../multipart.js';

const hx = { headers: { 'hx-request': 'true' } };
/** The link to a question: its page without JavaScript, and for htmx the action and the same question for the browser's dialog. */
const askingLink = (page: string, action: string, question: string) =>
  new RegExp(`href="${page.replace(/[?]/g, '\\?')}" data-hx-post="${action}" data-hx-confirm="${question.replace(/[.?()]/g, (c) => `\\${c}`)}"`);

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
  t.match(show.body, askingLink(`/tasks/${taskId}/delete`, `/tasks/${taskId}/delete`, 'Delete the task “Old plan”?\nThe task, its people and its 2 comments and history will be deleted. This cannot be undone.'), 'the task page links to the question, no one-click form; htmx asks the same in a dialog');
  t.notMatch(show.body, new RegExp(`action="/tasks/${taskId}/delete"`));
  const ask = await o.get(`/tasks/${taskId}/delete`);
  t.equal(ask.statusCode, 200);
  t.match(ask.body, /Delete the task “Old plan”\?/);
  t.match(ask.body, /its 2 comments and history will be deleted\. This cannot be undone\./, 'says what will be lost');
  t.match(ask.body, new RegExp(`<form method="post" action="/tasks/${taskId}/delete">`));

  const home = await o.get(`/groups/${group.id}`);
  t.match(home.body, askingLink(`/posts/${postId}/delete`, `/posts/${postId}/delete`, 'Delete this post?\nThe post, its poll answers and its notifications will be deleted. This cannot be undone.'), 'the post links to the question');
  const askPost = await o.get(`/posts/${postId}/delete`);
  t.equal(askPost.statusCode, 200);
  t.match(askPost.body, /Delete this post\?/);

  const m = await signIn(app, member);
  t.equal((await m.get(`/tasks/${taskId}/delete`)).statusCode, 403, 'a member who may not delete the task is not asked');
  t.equal((await m.get(`/posts/${postId}/delete`)).statusCode, 403, 'nor about a post that is not theirs');
  const s = await signIn(app, stranger);
  t.equal((await s.get(`/tasks/${taskId}/delete`)).statusCode, 404, 'a stranger sees nothing (R-X1)');
  t.equal((await s.get(`/posts/${postId}/delete`)).statusCode, 404);

  t.equal((await o.post(`/tasks/${taskId}/delete`, {}, { csrf: false })).statusCode, 403, 'no CSRF token, no delete');
  const task = await o.post(`/tasks/${taskId}/delete`, {}, hx);
  t.equal(task.headers['hx-redirect'], `/groups/${group.id}/tasks`, 'htmx (the dialog) is told to load where the form would go');
  t.match((await o.get(`/groups/${group.id}/tasks`)).body, /Task deleted/, 'with the flash');
  t.equal((await o.post(`/posts/${postId}/delete`, {}, hx)).headers['hx-redirect'], `/groups/${group.id}`);
  t.equal((await db('tasks').where({ id: taskId })).length, 0);
  t.equal((await db('posts').where({ id: postId })).length, 0);
  await o.post(`/groups/${group.id}/posts`, { kind: 'post', body: 'Plain' });
  const plain = Number((await db('posts').max('id as id').first())?.id);
  t.equal((await o.post(`/posts/${plain}/delete`)).statusCode, 303, 'without JavaScript the button deletes');
});

t.test('events, files and folders ask first too (R-F2, R-F3)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const member = await makeUser(db, { name: 'Max Member' });
  const stranger = await makeUser(db);
  const group = await makeGroup(db, owner, { name: 'Tools' }, [[member]]);
  await Group.query(db).findById(group.id).patch({ tools: ['feed', 'files', 'calendar'], calendarWrite: 'moderators', filesWrite: 'moderators' });
  const o = await signIn(app, owner);
  const m = await signIn(app, member);
  const s = await signIn(app, stranger);

  t.test('an event: its title and date', async (t) => {
    await o.get(`/events/new?group=${group.id}`);
    await o.post('/events', { group: String(group.id), title: 'Summer party', startDate: '2026-07-03', startTime: '18:00', endDate: '', endTime: '22:00', location: '', description: '' });
    const event = (await CalendarEvent.query(db).orderBy('id', 'desc').first())!;
    const show = await o.get(`/events/${event.id}`);
    t.match(show.body, askingLink(`/events/${event.id}/delete`, `/events/${event.id}/delete`, 'Delete the event “Summer party”?\nThe event on Jul 3, 2026, 6:00 PM will be deleted from the calendar. This cannot be undone.'));
    t.notMatch(show.body, new RegExp(`<form method="post" action="/events/${event.id}/delete"`), 'no one-click form');
    const ask = await o.get(`/events/${event.id}/delete`);
    t.equal(ask.statusCode, 200);
    t.match(ask.body, /Delete the event “Summer party”\?/);
    t.match(ask.body, /The event on Jul 3, 2026, 6:00 PM will be deleted from the calendar/);
    t.match(ask.body, new RegExp(`<form method="post" action="/events/${event.id}/delete">`));
    t.equal((await m.get(`/events/${event.id}/delete`)).statusCode, 403, 'a member who may only read the calendar');
    t.equal((await s.get(`/events/${event.id}/delete`)).statusCode, 404, 'a stranger (R-X1)');
    t.equal((await o.post(`/events/${event.id}/delete`, {}, { csrf: false })).statusCode, 403, 'CSRF');
    const res = await o.post(`/events/${event.id}/delete`, {}, hx);
    t.equal(res.headers['hx-redirect'], `/groups/${group.id}/calendar`);
    t.notOk(await CalendarEvent.query(db).findById(event.id));
  });

  t.test('a file: its name; a folder: what is inside', async (t) => {
    await o.get(`/groups/${group.id}/files`);
    t.equal((await o.post(`/groups/${group.id}/folders`, { name: 'Plans' })).statusCode, 303);
    const plans = (await Folder.query(db).findOne({ name: 'Plans' }))!;
    await o.post(`/folders/${plans.id}/folders`, { name: 'Old' });
    const old = (await Folder.query(db).findOne({ name: 'Old' }))!;
    await o.get(`/folders/${plans.id}`);
    await uploadAs(o, `/folders/${plans.id}/files`, { filename: 'a.txt', type: 'text/plain', data: Buffer.from('a') });
    await uploadAs(o, `/folders/${old.id}/files`, { filename: 'b.txt', type: 'text/plain', data: Buffer.from('b') });
    await uploadAs(o, `/groups/${group.id}/files`, { filename: 'report.txt', type: 'text/plain', data: Buffer.from('r') });
    const file = (await DriveFile.query(db).findOne({ name: 'report.txt' }))!;

    const show = await o.get(`/files/${file.id}`);
    t.match(show.body, askingLink(`/files/${file.id}/delete`, `/files/${file.id}/delete`, 'Delete “report.txt”?\nThe file will be deleted, for everyone who can reach it, and its public link stops working. This cannot be undone.'));
    t.notMatch(show.body, new RegExp(`action="/files/${file.id}/delete"`), 'no one-click form');
    const ask = await o.get(`/files/${file.id}/delete`);
    t.equal(ask.statusCode, 200);
    t.match(ask.body, /Delete “report.txt”\?/);
    t.equal((await m.get(`/files/${file.id}/delete`)).statusCode, 403, 'a member who may only read the drive');
    t.equal((await s.get(`/files/${file.id}/delete`)).statusCode, 404, 'a stranger (R-X1)');

    const folder = await o.get(`/folders/${plans.id}/edit`);
    t.match(folder.body, askingLink(`/folders/${plans.id}/delete`, `/folders/${plans.id}/delete`, 'Delete the folder “Plans”?\nThe folder and everything in it will be deleted: 2 files and 1 folder. This cannot be undone.'));
    const askFolder = await o.get(`/folders/${plans.id}/delete`);
    t.equal(askFolder.statusCode, 200);
    t.match(askFolder.body, /everything in it will be deleted: 2 files and 1 folder\./, 'says how much is inside');
    t.match((await o.get(`/folders/${old.id}/delete`)).body, /everything in it will be deleted: 1 file and no folders\./);
    t.equal((await m.get(`/folders/${plans.id}/delete`)).statusCode, 403);
    t.equal((await s.get(`/folders/${plans.id}/delete`)).statusCode, 404);

    t.equal((await o.post(`/files/${file.id}/delete`, {}, hx)).headers['hx-redirect'], `/groups/${group.id}/files`);
    const res = await o.post(`/folders/${plans.id}/delete`);
    t.equal(res.statusCode, 303, 'without JavaScript the page\'s button deletes');
    t.equal(await DriveFile.query(db).where({ groupId: group.id }).resultSize(), 0);
  });

  t.test('an archived group answers 403 (R-G7)', async (t) => {
    await Group.query(db).findById(group.id).patch({ archivedAt: new Date() });
    const event = await CalendarEvent.query(db).insertAndFetch({ groupId: group.id, title: 'Old', startsAt: new Date('2026-01-01T10:00:00Z'), endsAt: new Date('2026-01-01T11:00:00Z'), createdBy: owner.id });
    t.equal((await o.get(`/events/${event.id}/delete`)).statusCode, 403);
    t.notMatch((await o.get(`/events/${event.id}`)).body, /\/delete/, 'no Delete link');
  });
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
  t.match(
    members.body,
    askingLink(`/groups/${group.id}/members/${member.id}/owner`, `/groups/${group.id}/members/${member.id}/owner`, 'Make Max Member the owner of Handover?\nMax Member will decide about the group: settings, archiving, deleting it and handing it over. The current owner becomes a moderator and cannot take the group back.'),
    'the member row links to the question',
  );
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
  const handOver = await o.post(`/groups/${group.id}/members/${member.id}/owner`, {}, hx);
  t.equal(handOver.headers['hx-redirect'], `/groups/${group.id}/members`, 'the dialog hands over; htmx is told where to go');
  t.match((await o.get(`/groups/${group.id}/members`)).body, /Max Member is now the owner/);
  t.equal((await db('memberships').where({ groupId: group.id, userId: member.id }).first())?.role, 'owner');

  const a = await signIn(app, admin);
  await enableAdminMode(a);
  const list = await a.get('/admin/users');
  t.match(list.body, new RegExp(`href="/admin/users/transfer\\?user=${stranger.id}" data-hx-post="/admin/users/${stranger.id}/transfer" data-hx-confirm="Move [^"]+ to the extranet\\?\\n[^"]+becomes an external user at once[^"]*" data-hx-vals="\\{&quot;to&quot;:&quot;extranet&quot;\\}"`), 'the user row links to the question; htmx posts the same fields');
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
  const moved = await a.post(`/admin/users/${stranger.id}/transfer`, { to: 'extranet' }, hx);
  t.equal(moved.headers['hx-redirect'], '/admin/users', 'htmx is told where to go');
  t.match((await a.get('/admin/users')).body, /is now an external user/);
});

t.test('deleting a group stays a page where its name is typed (R-G8): no dialog', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db);
  const group = await makeGroup(db, owner, { name: 'Typed' });
  const o = await signIn(app, owner);
  const edit = await o.get(`/groups/${group.id}/edit`);
  t.match(edit.body, new RegExp(`<a class="button button--danger" href="/groups/${group.id}/delete">`));
  t.notMatch(edit.body, /data-hx-confirm/);
});

t.test('removing a member asks first, and only those who may remove are asked (R-G6)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const moderator = await makeUser(db, { name: 'Moe Moderator' });
  const member = await makeUser(db, { name: 'Mia Member' });
  const stranger = await makeUser(db, { name: 'Sam Stranger' });
  const group = await makeGroup(db, owner, { name: 'Planners' }, [[moderator, 'moderator'], [member]]);
  const o = await signIn(app, owner);
  const page = `/groups/${group.id}/members/${member.id}/remove`;

  const list = await o.get(`/groups/${group.id}/members`);
  t.match(list.body, askingLink(page, page, 'Remove Mia Member from Planners?\nMia Member loses access to the group at once: its feed, tasks, files, calendar and chat. What they wrote stays. They can be invited again.'), 'the member row links to the question; htmx asks the same in a dialog');
  t.notMatch(list.body, new RegExp(`<form method="post" action="${page}"`), 'no one-click form');
  const ask = await o.get(page);
  t.equal(ask.statusCode, 200);
  t.match(ask.body, /Remove Mia Member from Planners\?/);
  t.match(ask.body, new RegExp(`<form method="post" action="${page}">`));
  t.match(ask.body, new RegExp(`href="/groups/${group.id}/members"`), 'cancel goes back to the members');

  const mod = await signIn(app, moderator);
  t.equal((await mod.get(`/groups/${group.id}/members/${owner.id}/remove`)).statusCode, 403, 'a moderator may not remove the owner, so is not asked');
  const m = await signIn(app, member);
  t.equal((await m.get(`/groups/${group.id}/members/${moderator.id}/remove`)).statusCode, 403, 'nor may a member');
  const s = await signIn(app, stranger);
  t.equal((await s.get(page)).statusCode, 404, 'a stranger sees nothing (R-X1)');
  t.equal((await o.get(`/groups/${group.id}/members/${stranger.id}/remove`)).statusCode, 404, 'someone who is not a member: 404');
  t.equal((await o.get(`/groups/${group.id}/members/x/remove`)).statusCode, 404, 'a bad id is a 404');

  t.equal((await o.post(page, {}, { csrf: false })).statusCode, 403, 'no CSRF token, no removal');
  const removed = await o.post(page, {}, hx);
  t.equal(removed.headers['hx-redirect'], `/groups/${group.id}/members`, 'htmx (the dialog) is told to load the members page');
  t.match((await o.get(`/groups/${group.id}/members`)).body, /Mia Member has been removed from the group/, 'with the flash');
  t.equal((await db('memberships').where({ groupId: group.id, userId: member.id })).length, 0);
});
