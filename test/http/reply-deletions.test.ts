// Issue 17 item 7: comments on posts, comments on tasks and chat messages can be deleted, after a
// question (a page without JavaScript, the browser's dialog with htmx). The author deletes its own
// while it still sees it; a group's owner and moderators (and admin mode) moderate their group's
// (R-G4; a task's managers, R-T8); in direct messages only the author (they stay private). Someone
// who sees the item but may not delete it gets 403, someone who cannot see it 404 (R-X1); an
// archived group is read-only (R-G7). What pointed at the item (likes, notifications, queued mail)
// goes with it.
import t from 'tap';
import { AuditEntry } from '../../src/models/audit-entry.js';
import { ChatMessage, Conversation } from '../../src/models/chat.js';
import { Group } from '../../src/models/group.js';
import { Notification } from '../../src/models/notification.js';
import { CommentLike, Post, PostComment } from '../../src/models/post.js';
import { Task, TaskComment } from '../../src/models/task.js';
import { build, enableAdminMode, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

const hx = { headers: { 'hx-request': 'true' } };
const main = (body: string) => body.slice(body.indexOf('<main'), body.indexOf('</main>'));

t.test('a comment on a post', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const moderator = await makeUser(db, { name: 'Mo Moderator' });
  const author = await makeUser(db, { name: 'Ann Author' });
  const reader = await makeUser(db, { name: 'Rita Reader' });
  const stranger = await makeUser(db, { name: 'Sam Stranger' });
  const admin = await makeUser(db, { name: 'Ada Admin', isAdmin: true });
  const group = await makeGroup(db, owner, { name: 'Comment Club' }, [[moderator, 'moderator'], [author], [reader]]);
  const c = { owner: await signIn(app, owner), moderator: await signIn(app, moderator), author: await signIn(app, author), reader: await signIn(app, reader), stranger: await signIn(app, stranger), admin: await signIn(app, admin) };
  t.equal((await c.owner.post(`/groups/${group.id}/posts`, { body: 'Plans for spring' })).statusCode, 303);
  const post = await Post.query(db).findOne({ groupId: group.id });
  const comment = async (client = c.author, text = `Count me in, @${reader.email}, and bring the long list of ideas we wrote down`) => {
    t.equal((await client.post(`/posts/${post!.id}/comments`, { comment: text, back: `/groups/${group.id}` })).statusCode, 303);
    return (await PostComment.query(db).where({ postId: post!.id }).orderBy('id', 'desc').first())!;
  };
  const first = await comment();
  await c.reader.post(`/posts/${post!.id}/comments/${first.id}/like`, { like: 'on' });
  t.equal(await Notification.query(db).where({ commentId: first.id }).resultSize(), 2, 'the post\'s author and the person mentioned were told');

  t.test('the author is offered Delete, with the dialog for htmx and the page without JavaScript', async (t) => {
    const home = main((await c.author.get(`/groups/${group.id}`)).body);
    const link = new RegExp(`<a class="button button--link" href="/posts/${post!.id}/comments/${first.id}/delete\\?back=%2Fgroups%2F${group.id}" data-hx-post="/posts/${post!.id}/comments/${first.id}/delete" data-hx-confirm="Delete this comment\\?\\nThe comment “Count me in, @Rita Reader, and bring the long list of ideas…” by Ann Author and its like will be deleted\\. This cannot be undone\\." data-hx-vals="\\{&quot;back&quot;:&quot;/groups/${group.id}&quot;\\}"`);
    t.match(home, link, 'a link to the question, carrying the same question for the dialog');
    t.notMatch(main((await c.reader.get(`/groups/${group.id}`)).body), `/comments/${first.id}/delete`, 'a reader who may not delete it is not offered it');
    t.match(main((await c.moderator.get(`/groups/${group.id}`)).body), `/comments/${first.id}/delete`, 'a moderator is (R-G4)');
    const ask = await c.author.get(`/posts/${post!.id}/comments/${first.id}/delete?back=/groups/${group.id}`);
    t.equal(ask.statusCode, 200);
    t.match(ask.body, /<h1>Delete this comment\?<\/h1>/);
    t.match(ask.body, /The comment “Count me in, @Rita Reader, and bring the long list of ideas…” by Ann Author and its like will be deleted\. This cannot be undone\./, 'says what is lost: the first words and the likes');
    t.match(ask.body, new RegExp(`<form method="post" action="/posts/${post!.id}/comments/${first.id}/delete">`));
    t.match(ask.body, new RegExp(`<input type="hidden" name="back" value="/groups/${group.id}">`), 'and where to go back to');
    t.match((await c.author.get(`/posts/${post!.id}/comments/${first.id}/delete?back=https://evil.example`)).body, /<input type="hidden" name="back" value="">/, 'only a page of the post is kept');
  });

  t.test('who may not delete it is refused: 403 for a reader, 404 for a stranger (R-X1)', async (t) => {
    t.equal((await c.reader.get(`/posts/${post!.id}/comments/${first.id}/delete`)).statusCode, 403);
    t.equal((await c.reader.post(`/posts/${post!.id}/comments/${first.id}/delete`)).statusCode, 403);
    t.equal((await c.stranger.get(`/posts/${post!.id}/comments/${first.id}/delete`)).statusCode, 404);
    t.equal((await c.stranger.post(`/posts/${post!.id}/comments/${first.id}/delete`)).statusCode, 404);
    t.equal((await c.admin.post(`/posts/${post!.id}/comments/${first.id}/delete`)).statusCode, 404, 'an admin without admin mode is a stranger here');
    const elsewhere = await Post.query(db).insertAndFetch({ groupId: group.id, authorId: owner.id, body: 'Another post' });
    t.equal((await c.author.get(`/posts/${elsewhere.id}/comments/${first.id}/delete`)).statusCode, 404, 'a comment of another post is not found');
    t.equal((await c.author.post(`/posts/${post!.id}/comments/x/delete`)).statusCode, 404);
    t.equal((await c.author.post(`/posts/${post!.id}/comments/${first.id}/delete`, {}, { csrf: false })).statusCode, 403, 'no CSRF token, no delete');
    t.ok(await PostComment.query(db).findById(first.id), 'still there');
  });

  t.test('the author deletes it: back to the page it was on, with its likes and notifications', async (t) => {
    const res = await c.author.post(`/posts/${post!.id}/comments/${first.id}/delete`, { back: `/groups/${group.id}` });
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, `/groups/${group.id}#post-${post!.id}`);
    t.match((await c.author.get(`/groups/${group.id}`)).body, /The comment has been deleted/, 'a flash says so');
    t.notOk(await PostComment.query(db).findById(first.id));
    t.equal(await CommentLike.query(db).where({ commentId: first.id }).resultSize(), 0, 'its likes are gone');
    t.equal(await Notification.query(db).where({ commentId: first.id }).resultSize(), 0, 'and what it told people');
    t.notMatch((await c.reader.get('/notifications')).body, /mentioned you/, 'the person mentioned no longer sees it');
    t.equal(await AuditEntry.query(db).where({ action: 'comment.delete' }).resultSize(), 0, 'one\'s own comment is no moderation');
    t.equal((await c.author.post(`/posts/${post!.id}/comments/${first.id}/delete`)).statusCode, 404, 'a second time: gone');
  });

  t.test('a moderator and admin mode delete someone else\'s, and it is audited; htmx is told where to go', async (t) => {
    const second = await comment(c.reader, 'Off-topic advert');
    const res = await c.moderator.post(`/posts/${post!.id}/comments/${second.id}/delete`, { back: '/feed' }, hx);
    t.equal(res.statusCode, 200);
    t.equal(res.headers['hx-redirect'], `/feed#post-${post!.id}`, 'htmx loads the page a plain form would go to');
    t.equal(res.headers['hx-refresh'], undefined, 'from another page, going there is enough');
    t.equal(res.body, '');
    t.match((await c.moderator.get('/feed')).body, /The comment has been deleted/, 'the flash waits there');
    const audit = await AuditEntry.query(db).findOne({ action: 'comment.delete' });
    t.equal(audit?.actorId, moderator.id, 'moderation is recorded');
    t.equal(audit?.subjectLabel, 'Comment Club');
    t.same(audit?.details, { name: 'Rita Reader' }, 'with whose comment it was, not what it said');
    const onPage = await comment(c.reader, 'Deleted from the page it is on');
    const here = await c.moderator.post(`/posts/${post!.id}/comments/${onPage.id}/delete`, { back: `/groups/${group.id}` }, { headers: { 'hx-request': 'true', 'hx-current-url': `http://localhost/groups/${group.id}` } });
    t.equal(here.headers['hx-redirect'], `/groups/${group.id}#post-${post!.id}`);
    t.equal(here.headers['hx-refresh'], 'true', 'on the same page an anchor alone would only scroll: htmx reloads it');
    const third = await comment(c.reader, 'Another one');
    await enableAdminMode(c.admin);
    t.equal((await c.admin.post(`/posts/${post!.id}/comments/${third.id}/delete`)).headers.location, `/posts/${post!.id}#post-${post!.id}`, 'admin mode moderates too; without a page named, the post\'s own');
  });

  t.test('an archived group is read-only (R-G7)', async (t) => {
    const kept = await comment(c.author, 'Keep this');
    await Group.query(db).findById(group.id).patch({ archivedAt: new Date() });
    t.equal((await c.author.get(`/posts/${post!.id}/comments/${kept.id}/delete`)).statusCode, 403);
    t.equal((await c.author.post(`/posts/${post!.id}/comments/${kept.id}/delete`)).statusCode, 403);
    t.notMatch(main((await c.author.get(`/groups/${group.id}`)).body), /\/delete/, 'no Delete links');
    t.ok(await PostComment.query(db).findById(kept.id));
  });
});

t.test('a comment on a task (R-T8)', async (t) => {
  const { app, db } = await build(t);
  const creator = await makeUser(db, { name: 'Cleo Creator', email: 'cleo@corp.example' });
  const participant = await makeUser(db, { name: 'Pia Participant', email: 'pia@corp.example' });
  const observer = await makeUser(db, { name: 'Otto Observer', email: 'otto@corp.example' });
  const member = await makeUser(db, { name: 'Max Member' });
  const stranger = await makeUser(db);
  const group = await makeGroup(db, creator, { name: 'Task Team', tools: ['feed', 'tasks'] }, [[participant], [observer], [member]]);
  const c = { creator: await signIn(app, creator), participant: await signIn(app, participant), observer: await signIn(app, observer), member: await signIn(app, member), stranger: await signIn(app, stranger) };
  await c.creator.get('/tasks/new');
  const made = await c.creator.post('/tasks', { group: String(group.id), title: 'Print flyers', responsible: creator.email, participants: participant.email, observers: observer.email });
  const taskId = Number(/\/tasks\/(\d+)/.exec(String(made.headers.location))?.[1]);
  const comment = async (client: typeof c.creator, text: string) => {
    t.equal((await client.post(`/tasks/${taskId}/comments`, { comment: text })).statusCode, 303);
    return (await TaskComment.query(db).where({ taskId }).orderBy('id', 'desc').first())!;
  };
  const mine = await comment(c.participant, 'Paper ordered');

  t.test('the author is asked, and deletes it', async (t) => {
    const page = (await c.participant.get(`/tasks/${taskId}`)).body;
    t.match(page, new RegExp(`href="/tasks/${taskId}/comments/${mine.id}/delete" data-hx-post="/tasks/${taskId}/comments/${mine.id}/delete" data-hx-confirm="Delete this comment\\?\\nThe comment “Paper ordered” by Pia Participant will be deleted\\. This cannot be undone\\."`));
    t.notMatch((await c.observer.get(`/tasks/${taskId}`)).body, `/comments/${mine.id}/delete`, 'an observer is not offered someone else\'s');
    const ask = await c.participant.get(`/tasks/${taskId}/comments/${mine.id}/delete`);
    t.equal(ask.statusCode, 200);
    t.match(ask.body, /The comment “Paper ordered” by Pia Participant will be deleted/);
    t.equal((await c.observer.get(`/tasks/${taskId}/comments/${mine.id}/delete`)).statusCode, 403, 'an observer sees it but may not delete it');
    t.equal((await c.observer.post(`/tasks/${taskId}/comments/${mine.id}/delete`)).statusCode, 403);
    t.equal((await c.stranger.get(`/tasks/${taskId}/comments/${mine.id}/delete`)).statusCode, 404, 'a stranger sees nothing (R-X1)');
    t.equal((await c.stranger.post(`/tasks/${taskId}/comments/${mine.id}/delete`)).statusCode, 404);
    t.equal((await c.participant.post(`/tasks/${taskId}/comments/${mine.id}/delete`, {}, { csrf: false })).statusCode, 403, 'CSRF');
    const res = await c.participant.post(`/tasks/${taskId}/comments/${mine.id}/delete`);
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, `/tasks/${taskId}#comments`);
    t.match((await c.participant.get(`/tasks/${taskId}`)).body, /The comment has been deleted/);
    t.notOk(await TaskComment.query(db).findById(mine.id));
  });

  t.test('the task\'s managers delete anyone\'s (R-T8); htmx is told where to go', async (t) => {
    const observed = await comment(c.observer, 'Which paper?');
    t.equal((await c.member.get(`/tasks/${taskId}/comments/${observed.id}/delete`)).statusCode, 403, 'a plain group member may not');
    const res = await c.creator.post(`/tasks/${taskId}/comments/${observed.id}/delete`, {}, hx);
    t.equal(res.headers['hx-redirect'], `/tasks/${taskId}#comments`);
    t.notOk(await TaskComment.query(db).findById(observed.id));
    t.equal((await AuditEntry.query(db).findOne({ action: 'task-comment.delete' }))?.subjectLabel, 'Print flyers', 'moderation is recorded');
    const other = await Task.query(db).insertAndFetch({ title: 'Other', creatorId: creator.id, responsibleId: creator.id, groupId: group.id, status: 'pending' });
    const again = await comment(c.observer, 'Still here');
    t.equal((await c.creator.get(`/tasks/${other.id}/comments/${again.id}/delete`)).statusCode, 404, 'a comment of another task is not found');
  });

  t.test('an archived group is read-only (R-G7)', async (t) => {
    const kept = await comment(c.participant, 'Keep');
    await Group.query(db).findById(group.id).patch({ archivedAt: new Date() });
    t.equal((await c.participant.get(`/tasks/${taskId}/comments/${kept.id}/delete`)).statusCode, 403);
    t.equal((await c.creator.post(`/tasks/${taskId}/comments/${kept.id}/delete`)).statusCode, 403);
    t.ok(await TaskComment.query(db).findById(kept.id));
  });
});

t.test('a chat message, in a group and between two people (R-F4, R-X4)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const author = await makeUser(db, { name: 'Ann Author', email: 'ann@corp.example' });
  const member = await makeUser(db, { name: 'Mia Member', email: 'mia@corp.example' });
  const stranger = await makeUser(db, { name: 'Sam Stranger' });
  const admin = await makeUser(db, { name: 'Ada Admin', isAdmin: true });
  const group = await makeGroup(db, owner, { name: 'Chatters', tools: ['feed', 'chat'] }, [[author], [member]]);
  const c = { owner: await signIn(app, owner), author: await signIn(app, author), member: await signIn(app, member), stranger: await signIn(app, stranger), admin: await signIn(app, admin) };
  const base = `/groups/${group.id}/chat`;
  const send = async (client: typeof c.owner, url: string, message: string) => {
    t.equal((await client.post(url, { message })).statusCode, 303);
    return (await ChatMessage.query(db).orderBy('id', 'desc').first())!;
  };

  t.test('the author deletes its own group message; the mention it made goes too', async (t) => {
    const first = await send(c.member, base, 'Earlier');
    const mine = await send(c.author, base, `Lunch at noon, @${member.email}?`);
    t.equal(await Notification.query(db).where({ chatMessageId: mine.id }).resultSize(), 1, 'the person mentioned was told');
    const page = (await c.author.get(base)).body;
    t.match(page, new RegExp(`href="${base}/messages/${mine.id}/delete" data-hx-post="${base}/messages/${mine.id}/delete" data-hx-confirm="Delete this message\\?\\nThe message “Lunch at noon, @Mia Member\\?” by Ann Author will be deleted\\. This cannot be undone\\."`));
    t.notMatch(page, `/messages/${first.id}/delete`, 'not someone else\'s');
    const ask = await c.author.get(`${base}/messages/${mine.id}/delete`);
    t.equal(ask.statusCode, 200);
    t.match(ask.body, /Delete this message\?/);
    t.equal((await c.member.get(`${base}/messages/${mine.id}/delete`)).statusCode, 403, 'a member sees it but may not delete it');
    t.equal((await c.member.post(`${base}/messages/${mine.id}/delete`)).statusCode, 403);
    t.equal((await c.stranger.get(`${base}/messages/${mine.id}/delete`)).statusCode, 404, 'a stranger sees nothing (R-X1)');
    t.equal((await c.stranger.post(`${base}/messages/${mine.id}/delete`)).statusCode, 404);
    t.equal((await c.author.post(`${base}/messages/${mine.id}/delete`, {}, { csrf: false })).statusCode, 403, 'CSRF');
    const res = await c.author.post(`${base}/messages/${mine.id}/delete`);
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, `${base}#chat-form`);
    t.match((await c.author.get(base)).body, /The message has been deleted/);
    t.notOk(await ChatMessage.query(db).findById(mine.id));
    t.equal(await Notification.query(db).where({ userId: member.id, kind: 'mention' }).resultSize(), 0, 'its mention is gone');
    t.equal(Number((await Conversation.query(db).findOne({ groupId: group.id }))?.lastMessageId), first.id, 'the chat list orders by the message now last');
  });

  t.test('the owner and admin mode moderate the group chat; htmx is told where to go', async (t) => {
    const spam = await send(c.member, base, 'Buy now');
    t.match((await c.owner.get(base)).body, `${base}/messages/${spam.id}/delete`, 'the owner is offered Delete');
    const res = await c.owner.post(`${base}/messages/${spam.id}/delete`, {}, hx);
    t.equal(res.headers['hx-redirect'], `${base}#chat-form`);
    t.equal((await AuditEntry.query(db).findOne({ action: 'chat.delete' }))?.subjectLabel, 'Chatters', 'moderation is recorded');
    const more = await send(c.member, base, 'More spam');
    await enableAdminMode(c.admin);
    t.equal((await c.admin.post(`${base}/messages/${more.id}/delete`)).statusCode, 303, 'admin mode moderates too');
    t.equal((await c.owner.get(`${base}/messages/999999/delete`)).statusCode, 404);
  });

  t.test('a direct message: only its author, and nobody else sees it', async (t) => {
    const direct = `/chat/with/${member.id}`;
    t.equal((await c.author.post(direct, { message: 'Just between us' })).statusCode, 303);
    const dm = (await ChatMessage.query(db).where({ authorId: author.id }).orderBy('id', 'desc').first())!;
    t.match((await c.author.get(direct)).body, `${direct}/messages/${dm.id}/delete`);
    t.notMatch((await c.member.get(`/chat/with/${author.id}`)).body, `/messages/${dm.id}/delete`, 'the other person is not offered it');
    t.equal((await c.member.get(`/chat/with/${author.id}/messages/${dm.id}/delete`)).statusCode, 403, 'the other person sees it but may not delete it');
    t.equal((await c.member.post(`/chat/with/${author.id}/messages/${dm.id}/delete`)).statusCode, 403);
    t.equal((await c.owner.get(`/chat/with/${author.id}/messages/${dm.id}/delete`)).statusCode, 404, 'a third person: not their conversation');
    t.equal((await c.admin.post(`/chat/with/${author.id}/messages/${dm.id}/delete`)).statusCode, 404, 'admin mode does not read direct messages');
    const res = await c.author.post(`${direct}/messages/${dm.id}/delete`);
    t.equal(res.headers.location, `${direct}#chat-form`);
    t.notOk(await ChatMessage.query(db).findById(dm.id));
  });

  t.test('an archived group is read-only (R-G7)', async (t) => {
    const kept = await send(c.author, base, 'Keep');
    await Group.query(db).findById(group.id).patch({ archivedAt: new Date() });
    t.equal((await c.author.get(`${base}/messages/${kept.id}/delete`)).statusCode, 403);
    t.equal((await c.owner.post(`${base}/messages/${kept.id}/delete`)).statusCode, 403);
    t.ok(await ChatMessage.query(db).findById(kept.id));
  });
});
