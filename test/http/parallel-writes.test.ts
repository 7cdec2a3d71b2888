// Issue 15 items 1 and 7, STYLE "One write path": a write with side effects (activity rows,
// notifications, mail, audit entries) takes effect once however many identical requests arrive at
// the same moment. Each case fires 20 identical requests in parallel through app.inject and
// compares every counted table before and after: the difference must be exactly one effect.
// Creates are identical when they carry the same form's submission token (item 7).
import { randomUUID } from 'node:crypto';
import type { LightMyRequestResponse } from 'fastify';
import type { Knex } from 'knex';
import t from 'tap';
import { DriveFile } from '../../src/models/file.js';
import { GroupInvitation, JoinRequest } from '../../src/models/group.js';
import { PollOption, Post } from '../../src/models/post.js';
import { ChecklistItem, Task, TaskMember } from '../../src/models/task.js';
import type { User } from '../../src/models/user.js';
import { build, makeUser, signIn, type Client } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { multipart } from '../multipart.js';

const PARALLEL = 20;
const ALL_TOOLS = ['feed', 'tasks', 'files', 'calendar', 'chat'] as const;

/** Row counts of everything a write may create, and its side effects per kind. */
const TABLES = {
  tasks: 'tasks', taskMembers: 'task_members', taskComments: 'task_comments', posts: 'posts', postComments: 'post_comments', votes: 'poll_votes',
  conversations: 'conversations', messages: 'chat_messages', groups: 'groups', memberships: 'memberships', invitations: 'group_invitations',
  joinRequests: 'join_requests', externalInvitations: 'external_invitations', events: 'events', files: 'files', folders: 'folders', shares: 'drive_shares', outbox: 'outbox',
  checklistItems: 'task_checklist_items',
} as const;

type Counts = Record<string, number>;

async function snapshot(db: Knex): Promise<Counts> {
  const counts: Counts = {};
  for (const [key, table] of Object.entries(TABLES)) counts[key] = Number((await db(table).count({ n: '*' }))[0]?.n ?? 0);
  const byKind = async (prefix: string, table: string, column: string) => {
    const rows = (await db(table).select(`${column} as k`).count({ n: '*' }).groupBy(column)) as { k: string; n: string }[];
    for (const r of rows) counts[`${prefix}:${r.k}`] = Number(r.n);
  };
  await byKind('activity', 'activity', 'kind');
  await byKind('notification', 'notifications', 'kind');
  await byKind('audit', 'audit_log', 'action');
  await byKind('taskEvent', 'task_events', 'kind');
  // R-F2: a new public link replaces the file's previous one, so one works at a time.
  counts.activeLinks = Number((await db('file_links').whereNull('revoked_at').count({ n: '*' }))[0]?.n ?? 0);
  return counts;
}

function difference(before: Counts, after: Counts): Counts {
  const diff: Counts = {};
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    const d = (after[key] ?? 0) - (before[key] ?? 0);
    if (d !== 0) diff[key] = d;
  }
  return diff;
}

/** The one-time token of the first create form on a page (issue 15 item 7). */
async function submissionToken(client: Client, url: string): Promise<string> {
  const page = await client.get(url);
  return /name="_submission" value="([^"]+)"/.exec(page.body)?.[1] ?? 'no-token-rendered';
}

interface Prepared {
  /** One request; called PARALLEL times at once. */
  send: () => Promise<LightMyRequestResponse>;
  /** The difference one request makes. */
  effect: Counts;
  /** A create form: every request is answered with the first one's 303 (issue 15 item 7). */
  sameAnswer?: true;
}

t.test('20 identical writes at once take effect once (issue 15 items 1 and 7)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const member = await makeUser(db, { name: 'Mia Member' });
  const peer = await makeUser(db, { name: 'Pat Peer' });
  const newcomer = await makeUser(db, { name: 'Nina Newcomer' });
  const external = await makeUser(db, { name: 'Ext Erna', isExtranet: true });
  const [o, m, n] = await Promise.all([signIn(app, owner), signIn(app, member), signIn(app, newcomer)]);

  const team = (attrs: Parameters<typeof makeGroup>[2] = {}, people: [User, ('member' | 'moderator')?][] = [[member], [peer]]) => makeGroup(db, owner, { tools: [...ALL_TOOLS], ...attrs }, people);
  const taskIn = async (groupId: number) => {
    const task = await Task.query(db).insertAndFetch({ title: 'Ship it', description: '', creatorId: owner.id, responsibleId: member.id, groupId, deadline: null });
    await TaskMember.query(db).insert({ taskId: task.id, userId: peer.id, role: 'participant' });
    return task;
  };
  const personalFile = () => DriveFile.query(db).insertAndFetch({ groupId: null, ownerId: member.id, folderId: null, name: 'mine.txt', storageKey: randomUUID(), mimeType: 'text/plain', size: 4, uploadedBy: member.id });
  const editForm = (extra: Record<string, string>) => ({ title: 'Ship it', description: '', deadline: '', status: 'pending', responsible: member.email, participants: peer.email, observers: '', ...extra });

  const cases: [string, () => Promise<Prepared>][] = [
    ['task status to completed (R-T8)', async () => {
      const task = await taskIn((await team()).id);
      return { send: () => m.post(`/tasks/${task.id}/status`, { status: 'completed' }), effect: { 'activity:task.completed': 1, 'notification:task.status': 2, 'taskEvent:status': 1 } };
    }],
    ['board move to completed, by a participant (R-T9, R-T8)', async () => {
      const task = await taskIn((await team()).id);
      const p = await signIn(app, peer);
      await p.get('/tasks/board');
      return { send: () => p.post(`/tasks/${task.id}/move`, { status: 'completed', back: '/tasks/board' }), effect: { 'activity:task.completed': 1, 'notification:task.status': 2, 'taskEvent:status': 1 } };
    }],
    ['checklist item, one form (R-T9)', async () => {
      const task = await taskIn((await team()).id);
      const token = await submissionToken(m, `/tasks/${task.id}`);
      return { send: () => m.post(`/tasks/${task.id}/checklist`, { _submission: token, item: 'Check twice' }), sameAnswer: true, effect: { checklistItems: 1, 'taskEvent:checklist.added': 1 } };
    }],
    ['checklist tick (R-T9)', async () => {
      const task = await taskIn((await team()).id);
      const item = await ChecklistItem.query(db).insertAndFetch({ taskId: task.id, position: 1, text: 'Once' });
      return { send: () => m.post(`/tasks/${task.id}/checklist/${item.id}/tick`, { done: '1' }), effect: { 'taskEvent:checklist.ticked': 1 } };
    }],
    ['task edit with status completed (R-T8)', async () => {
      const task = await taskIn((await team()).id);
      return { send: () => m.post(`/tasks/${task.id}/edit`, editForm({ status: 'completed' })), effect: { 'activity:task.completed': 1, 'notification:task.status': 2, 'taskEvent:status': 1 } };
    }],
    ['task edit naming a new participant (R-F5 task assigned)', async () => {
      const group = await team({}, [[member], [peer], [newcomer]]);
      const task = await taskIn(group.id);
      return { send: () => m.post(`/tasks/${task.id}/edit`, editForm({ participants: `${peer.email}\n${newcomer.email}` })), effect: { taskMembers: 1, 'notification:task.assigned': 1 } };
    }],
    ['task create, one form', async () => {
      const group = await team();
      const token = await submissionToken(m, `/tasks/new?group=${group.id}`);
      const form = { _submission: token, group: String(group.id), title: 'From the form', description: '', deadline: '', responsible: peer.email, participants: '', observers: '' };
      return { send: () => m.post('/tasks', form), sameAnswer: true, effect: { tasks: 1, 'activity:task.created': 1, 'notification:task.assigned': 1 } };
    }],
    ['task comment, one form', async () => {
      const task = await taskIn((await team()).id);
      const token = await submissionToken(m, `/tasks/${task.id}`);
      return { send: () => m.post(`/tasks/${task.id}/comments`, { _submission: token, comment: 'Done soon' }), sameAnswer: true, effect: { taskComments: 1 } };
    }],
    ['group post naming a person, one form (R-F1, R-F5)', async () => {
      const group = await team();
      const token = await submissionToken(m, `/groups/${group.id}`);
      return { send: () => m.post(`/groups/${group.id}/posts`, { _submission: token, kind: 'post', body: `Hello team @${peer.email}` }), sameAnswer: true, effect: { posts: 1, 'notification:mention': 1 } };
    }],
    ['post comment, one form (R-F1)', async () => {
      const group = await team();
      const post = await Post.query(db).insertAndFetch({ groupId: group.id, authorId: owner.id, kind: 'post', body: 'Plans' });
      const token = await submissionToken(m, `/posts/${post.id}`);
      return { send: () => m.post(`/posts/${post.id}/comments`, { _submission: token, comment: 'Agreed' }), sameAnswer: true, effect: { postComments: 1, 'notification:comment': 1 } };
    }],
    ['appreciation, one form (R-F1)', async () => {
      const token = await submissionToken(m, '/feed');
      return { send: () => m.post('/feed/appreciations', { _submission: token, recipient: peer.email, message: 'Thanks!' }), sameAnswer: true, effect: { posts: 1, 'notification:appreciation': 1 } };
    }],
    ['poll vote (R-F1: one vote per person)', async () => {
      const group = await team();
      const poll = await Post.query(db).insertAndFetch({ groupId: group.id, authorId: owner.id, kind: 'poll', body: 'Lunch?' });
      const [yes] = await PollOption.query(db).insert([{ postId: poll.id, position: 1, label: 'Yes' }, { postId: poll.id, position: 2, label: 'No' }]).returning('*');
      return { send: () => m.post(`/posts/${poll.id}/vote`, { option: String(yes?.id) }), effect: { votes: 1 } };
    }],
    ['group chat message, one form (R-F4)', async () => {
      const group = await team();
      const token = await submissionToken(m, `/groups/${group.id}/chat`);
      return { send: () => m.post(`/groups/${group.id}/chat`, { _submission: token, message: 'Hi all' }), sameAnswer: true, effect: { messages: 1 } };
    }],
    ['direct message, one form (R-F4)', async () => {
      const token = await submissionToken(m, `/chat/with/${peer.id}`);
      return { send: () => m.post(`/chat/with/${peer.id}`, { _submission: token, message: 'Hi Pat' }), sameAnswer: true, effect: { conversations: 1, messages: 1 } };
    }],
    ['calendar event, one form (R-F3)', async () => {
      const group = await team();
      const token = await submissionToken(m, `/events/new?group=${group.id}`);
      const form = { _submission: token, group: String(group.id), title: 'Kick-off', startDate: '2026-12-01', startTime: '09:00', endDate: '2026-12-01', endTime: '10:00', location: '', description: '' };
      return { send: () => m.post('/events', form), sameAnswer: true, effect: { events: 1 } };
    }],
    ['folder, one form (R-F2)', async () => {
      const group = await team();
      const token = await submissionToken(m, `/groups/${group.id}/files`);
      return { send: () => m.post(`/groups/${group.id}/folders`, { _submission: token, name: 'Drafts' }), sameAnswer: true, effect: { folders: 1 } };
    }],
    ['upload, one form (R-F2, R-F1 file uploaded)', async () => {
      const group = await team();
      const token = await submissionToken(m, `/groups/${group.id}/files`);
      const { payload, headers } = multipart({ _csrf: m.csrf, _submission: token }, { name: 'file', filename: 'notes.txt', type: 'text/plain', data: Buffer.from('notes') });
      return { send: () => app.inject({ method: 'POST', url: `/groups/${group.id}/files`, payload, headers: { ...headers, cookie: m.sessionCookie } }), sameAnswer: true, effect: { files: 1, 'activity:file.uploaded': 1 } };
    }],
    ['group create, one form (R-G1)', async () => {
      const token = await submissionToken(o, '/groups/new');
      const form = { _submission: token, name: 'Formed once', description: '', kind: 'workgroup', whoCanInvite: 'moderators', tools: ['feed'], filesWrite: 'members', calendarWrite: 'members' };
      return { send: () => o.post('/groups', form), sameAnswer: true, effect: { groups: 1, memberships: 1, conversations: 1, 'audit:group.create': 1 } };
    }],
    ['join an open group (R-G5, R-F1 member joined)', async () => {
      const group = await team({ isOpen: true });
      return { send: () => n.post(`/groups/${group.id}/join`), effect: { memberships: 1, 'activity:member.joined': 1 } };
    }],
    ['invite a colleague (R-G5, R-F5)', async () => {
      const group = await team();
      return { send: () => o.post(`/groups/${group.id}/invite`, { userIds: String(newcomer.id) }), effect: { invitations: 1, 'notification:invitation': 1 } };
    }],
    ['accept an invitation (R-G5)', async () => {
      const group = await team();
      const invitation = await GroupInvitation.query(db).insertAndFetch({ groupId: group.id, userId: newcomer.id, invitedBy: owner.id });
      return { send: () => n.post(`/invitations/${invitation.id}/accept`), effect: { invitations: -1, memberships: 1, 'activity:member.joined': 1 } };
    }],
    ['request to join (R-G5, R-F5)', async () => {
      const group = await team({ visibleToAll: true });
      return { send: () => n.post(`/groups/${group.id}/request`, { message: 'Please' }), effect: { joinRequests: 1, 'notification:join_request': 1 } };
    }],
    ['approve a join request (R-G5)', async () => {
      const group = await team({ visibleToAll: true });
      const request = await JoinRequest.query(db).insertAndFetch({ groupId: group.id, userId: newcomer.id, message: '' });
      return { send: () => o.post(`/groups/${group.id}/requests/${request.id}/approve`), effect: { joinRequests: -1, memberships: 1, 'activity:member.joined': 1 } };
    }],
    ['promote a member (R-G4)', async () => {
      const group = await team();
      return { send: () => o.post(`/groups/${group.id}/members/${member.id}/promote`), effect: { 'audit:member.promote': 1 } };
    }],
    ['remove a member (R-G6)', async () => {
      const group = await team();
      return { send: () => o.post(`/groups/${group.id}/members/${member.id}/remove`), effect: { memberships: -1, 'audit:member.remove': 1 } };
    }],
    ['hand over ownership (R-G4)', async () => {
      const group = await team();
      return { send: () => o.post(`/groups/${group.id}/members/${member.id}/owner`), effect: { 'audit:group.change-owner': 1 } };
    }],
    ['archive a group (R-G7)', async () => {
      const group = await team();
      return { send: () => o.post(`/groups/${group.id}/archive`), effect: { 'audit:group.archive': 1 } };
    }],
    ['set an external member\'s expiry (R-X8)', async () => {
      const group = await team({ isExtranet: true }, [[member], [external]]);
      return { send: () => o.post(`/groups/${group.id}/members/${external.id}/expiry`, { expiresOn: '2099-05-01' }), effect: { 'audit:membership.set-expiry': 1 } };
    }],
    ['invite an outsider by e-mail, one form (R-X3)', async () => {
      const group = await team({ isExtranet: true });
      const token = await submissionToken(o, `/groups/${group.id}/invite-external`);
      return { send: () => o.post(`/groups/${group.id}/invite-external`, { _submission: token, emails: 'guest@client.example', expiresOn: '' }), sameAnswer: true, effect: { externalInvitations: 1, outbox: 1 } };
    }],
    ['share a personal file (R-F2)', async () => {
      const file = await personalFile();
      return { send: () => m.post(`/files/${file.id}/shares`, { email: peer.email }), effect: { shares: 1 } };
    }],
    ['public link to a file (R-F2: a new link replaces the old one)', async () => {
      const file = await personalFile();
      return { send: () => m.post(`/files/${file.id}/link`), effect: { activeLinks: 1 } };
    }],
  ];

  for (const [name, prepare] of cases) {
    t.test(name, async (t) => {
      const { send, effect, sameAnswer } = await prepare();
      // Notification mail queued by earlier cases becomes outbox rows on the next dispatch (issue 18):
      // let that happen now, so this case counts only its own effects.
      await app.mail.dispatch();
      const before = await snapshot(db);
      const replies = await Promise.all(Array.from({ length: PARALLEL }, () => send()));
      const diff = difference(before, await snapshot(db));
      t.comment(`${name}: ${JSON.stringify(diff)}`);
      t.same(replies.filter((r) => r.statusCode >= 500).map((r) => r.statusCode), [], 'no request failed');
      t.same(diff, effect, 'one effect');
      if (sameAnswer) {
        t.equal(replies[0]?.statusCode, 303, 'a create answers with a redirect');
        t.equal(new Set(replies.map((r) => `${r.statusCode} ${String(r.headers.location)}`)).size, 1, 'every request gets the first answer');
      }
    });
  }
});
