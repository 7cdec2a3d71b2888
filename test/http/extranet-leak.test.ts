// The heart of the product (R-X1, R-X2): an external user must never learn that anything
// outside its groups exists. Two extranet groups with overlapping and separate members; each
// external persona requests every page and list, and no foreign name, id or count may appear.
import { randomUUID } from 'node:crypto';
import t from 'tap';
import type { Knex } from 'knex';
import { ChatMessage, Conversation } from '../../src/models/chat.js';
import { CalendarEvent } from '../../src/models/event.js';
import { DriveFile, Folder } from '../../src/models/file.js';
import type { Group } from '../../src/models/group.js';
import { Notification } from '../../src/models/notification.js';
import { Post } from '../../src/models/post.js';
import { Activity, Task } from '../../src/models/task.js';
import { build, makeUser, signIn, type Client } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('no leaks across extranet groups', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Omar Owner', email: 'omar@corp.example' });
  const employeeA = await makeUser(db, { name: 'Anna Insider', email: 'anna@corp.example' });
  const lonelyEmployee = await makeUser(db, { name: 'Lars Loner', email: 'lars@corp.example' });
  const onlyA = await makeUser(db, { name: 'Alice Alpha', email: 'alice@alpha.example', isExtranet: true });
  const onlyB = await makeUser(db, { name: 'Bob Beta', email: 'bob@beta.example', isExtranet: true });
  const both = await makeUser(db, { name: 'Bea Both', email: 'bea@both.example', isExtranet: true });
  const groupA = await makeGroup(db, owner, { name: 'Alpha Launch', isExtranet: true }, [[onlyA], [both], [employeeA]]);
  const groupB = await makeGroup(db, owner, { name: 'Beta Rollout', isExtranet: true, visibleToAll: true }, [[onlyB], [both]]);
  const internal = await makeGroup(db, owner, { name: 'Internal Payroll', visibleToAll: true }, [[lonelyEmployee]]);
  const hidden = await makeGroup(db, lonelyEmployee, { name: 'Secret Board' });

  const everyone = [owner, employeeA, lonelyEmployee, onlyA, onlyB, both];
  const groups = [groupA, groupB, internal, hidden];
  // Content in each group's files, calendar and chat, named after the group, so a leak shows (R-F2, R-F3, R-F4).
  const tools = await Promise.all(groups.map((g) => groupContent(db, g)));
  await CalendarEvent.query(db).insert({ groupId: null, title: 'Company party', startsAt: new Date(), endsAt: new Date(Date.now() + 3_600_000) });
  // Posts, polls, tasks and activity in each group's feed, and company-wide posts (R-F1, R-X5); notifications
  // about all of it written straight to every person, so only the scope can keep them out (R-F5, R-X1).
  const feeds = await Promise.all(groups.map((g) => feedContent(db, g)));
  await Post.query(db).insert({ groupId: null, authorId: owner.id, body: 'Company picnic' });
  await Post.query(db).insert({ groupId: null, authorId: owner.id, kind: 'appreciation', appreciatedId: employeeA.id, body: 'Company thanks' });
  for (const u of everyone) for (const f of feeds) for (const actor of everyone) await notifyAbout(db, u.id, actor.id, f);

  async function crawl(client: Client): Promise<Map<string, string>> {
    const urls = ['/', '/groups', '/groups?tab=my', '/groups?tab=all', '/groups?tab=projects', '/groups?tab=extranet', '/groups?tab=archived', '/users', '/users?q=a', '/profile', '/invitations'];
    urls.push('/calendar', '/calendar?view=list', '/chat', '/files', '/files/shared');
    for (const g of groups) for (const s of ['', '/about', '/members', '/edit', '/invite', '/invite-external', '/delete', '/image']) urls.push(`/groups/${g.id}${s}`);
    for (const g of groups) for (const s of ['/files', '/calendar', '/calendar?view=list', '/chat', '/chat/messages?after=0']) urls.push(`/groups/${g.id}${s}`);
    for (const t of tools) urls.push(`/files/${t.file.id}`, `/files/${t.file.id}/download`, `/folders/${t.folder.id}`, `/events/${t.event.id}`);
    for (const u of everyone) urls.push(`/users/${u.id}`, `/chat/with/${u.id}`);
    urls.push('/feed', '/notifications', '/notifications?show=unread');
    for (const f of feeds) urls.push(`/posts/${f.post.id}`, `/posts/${f.poll.id}`);
    for (const q of ['Alpha', 'Beta', 'Internal', 'Secret', 'Payroll', 'Board', 'Omar', 'Anna', 'Lars', 'Alice', 'Bob', 'Bea', 'news', 'plan', 'Company', 'picnic']) urls.push(`/search?q=${q}`);
    for (const k of ['groups', 'tasks', 'posts', 'files', 'people']) urls.push(`/search?q=a&kind=${k}`);
    const bodies = new Map<string, string>();
    for (const url of urls) {
      const res = await client.get(url);
      bodies.set(url, `${res.statusCode}\n${res.headers.location ?? ''}\n${res.body}`);
    }
    return bodies;
  }

  const personas = [
    { user: onlyA, contacts: [onlyA, both, owner, employeeA], mine: [groupA] },
    { user: onlyB, contacts: [onlyB, both, owner], mine: [groupB] },
    { user: both, contacts: [both, onlyA, onlyB, owner, employeeA], mine: [groupA, groupB] },
  ];

  for (const persona of personas) {
    const client = await signIn(app, persona.user);
    const bodies = await crawl(client);
    const strangers = everyone.filter((u) => !persona.contacts.includes(u));
    const foreignGroups = groups.filter((g) => !persona.mine.includes(g));
    let leaks = 0;
    for (const [url, body] of bodies) {
      // R-X5: company calendar events are for employees only.
      if (body.includes('Company party')) {
        leaks++;
        t.fail(`${persona.user.name} sees a company event at ${url}`);
      }
      // R-X5: nor company-wide posts or appreciations.
      if (body.includes('Company picnic') || body.includes('Company thanks')) {
        leaks++;
        t.fail(`${persona.user.name} sees a company-wide post at ${url}`);
      }
      for (const s of strangers) {
        for (const needle of [s.name, s.email, `/users/${s.id}"`]) {
          if (body.includes(needle)) {
            leaks++;
            t.fail(`${persona.user.name} sees ${needle} at ${url}`);
          }
        }
      }
      for (const g of foreignGroups) {
        for (const needle of [g.name, `/groups/${g.id}"`, `/groups/${g.id}/`]) {
          if (body.includes(needle)) {
            leaks++;
            t.fail(`${persona.user.name} sees ${needle} at ${url}`);
          }
        }
      }
    }
    t.equal(leaks, 0, `${persona.user.name}: nothing from outside its groups in ${bodies.size} responses`);
    for (const g of foreignGroups) {
      t.match(bodies.get(`/groups/${g.id}`) ?? '', /^404/, `${persona.user.name}: ${g.name} answers 404`);
      t.match(bodies.get(`/groups/${g.id}/about`) ?? '', /^404/);
    }
    for (const s of strangers) t.match(bodies.get(`/users/${s.id}`) ?? '', /^404/, `${persona.user.name}: ${s.name} answers 404`);
    for (const g of persona.mine) t.match(bodies.get(`/groups/${g.id}`) ?? '', /^200/, `${persona.user.name}: its own group ${g.name} opens`);
    for (const g of persona.mine) {
      t.match(bodies.get('/feed') ?? '', `${g.name} news`, `${persona.user.name}: its own group's posts are in its feed`);
      t.match(bodies.get('/search?q=news') ?? '', `${g.name} news`, `${persona.user.name}: and found by search`);
      t.match(bodies.get('/notifications') ?? '', `${g.name} plan`, `${persona.user.name}: and its notifications about them are listed`);
    }
    for (const c of persona.contacts) t.match(bodies.get(`/users/${c.id}`) ?? '', /^200/, `${persona.user.name}: contact ${c.name} is visible`);
  }

  t.test('member counts count only what the viewer may see on lists (R-X1)', async (t) => {
    const b = await signIn(app, onlyB);
    const list = await b.get('/groups?tab=my');
    t.match(list.body, /Beta Rollout/);
    t.notMatch(list.body, /Alpha Launch/);
  });

  t.test('an employee sees only the external users it shares a group with (R-X1)', async (t) => {
    const lars = await signIn(app, lonelyEmployee);
    const people = await lars.get('/users');
    for (const name of ['Alice Alpha', 'Bob Beta', 'Bea Both']) t.notMatch(people.body, new RegExp(name));
    t.equal((await lars.get(`/users/${onlyA.id}`)).statusCode, 404);
    const anna = await signIn(app, employeeA);
    t.match((await anna.get('/users')).body, /Alice Alpha/);
    t.notMatch((await anna.get('/users')).body, /Bob Beta/);
  });
});

/** A folder, a file, an event (now) and a chat message in a group, each carrying the group's name. */
async function groupContent(db: Knex, g: Group) {
  const folder = await Folder.query(db).insertAndFetch({ groupId: g.id, name: `${g.name} folder` });
  const file = await DriveFile.query(db).insertAndFetch({ groupId: g.id, folderId: folder.id, name: `${g.name} plan.txt`, storageKey: randomUUID(), mimeType: 'text/plain', size: 0 });
  const event = await CalendarEvent.query(db).insertAndFetch({ groupId: g.id, title: `${g.name} meeting`, startsAt: new Date(), endsAt: new Date(Date.now() + 3_600_000) });
  const chat = await Conversation.query(db).where({ groupId: g.id }).first();
  await ChatMessage.query(db).insert({ conversationId: chat!.id, authorId: g.createdBy!, body: `${g.name} says hello` });
  return { folder, file, event };
}

/** A post (naming the group), a poll, a task with its activity, in a group's feed. */
async function feedContent(db: Knex, g: Group) {
  const post = await Post.query(db).insertAndFetch({ groupId: g.id, authorId: g.createdBy!, body: `${g.name} news` });
  const poll = await Post.query(db).insertAndFetch({ groupId: g.id, authorId: g.createdBy!, kind: 'poll', body: `${g.name} poll` });
  await db('poll_options').insert([{ postId: poll.id, position: 1, label: `${g.name} yes` }, { postId: poll.id, position: 2, label: 'no' }]);
  const task = await Task.query(db).insertAndFetch({ title: `${g.name} plan`, groupId: g.id, creatorId: g.createdBy!, responsibleId: g.createdBy! });
  await Activity.query(db).insert({ groupId: g.id, actorId: g.createdBy!, kind: 'task.created', taskId: task.id });
  return { group: g, post, poll, task };
}

/** Notifications of every kind about one group's content, as if the scope had not been asked when they were written. */
async function notifyAbout(db: Knex, userId: number, actorId: number, f: Awaited<ReturnType<typeof feedContent>>) {
  await Notification.query(db).insert([
    { userId, actorId, kind: 'mention', groupId: f.group.id, postId: f.post.id },
    { userId, actorId, kind: 'comment', groupId: f.group.id, postId: f.poll.id },
    { userId, actorId, kind: 'task.assigned', groupId: f.group.id, taskId: f.task.id, detail: 'responsible' },
    { userId, actorId, kind: 'join_request', groupId: f.group.id },
    { userId, actorId: null, kind: 'invitation', groupId: f.group.id },
  ]);
}
