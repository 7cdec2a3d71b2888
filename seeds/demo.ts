import type { Knex } from 'knex';
import { ChatMessage, Conversation } from '../src/models/chat.js';
import { CalendarEvent } from '../src/models/event.js';
import { Folder } from '../src/models/file.js';
import { Group, Membership } from '../src/models/group.js';
import { Post } from '../src/models/post.js';
import { ChecklistItem, Task, TaskMember } from '../src/models/task.js';
import { User } from '../src/models/user.js';
import { createUser } from '../src/services/users.js';

export interface DemoLogin {
  email: string;
  password: string;
  role: string;
}

const people = [
  { email: 'admin@example.com', name: 'Ada Admin', role: 'administrator', isAdmin: true, isExtranet: false },
  { email: 'emma@example.com', name: 'Emma Employee', role: 'employee', isAdmin: false, isExtranet: false },
  { email: 'oscar@example.com', name: 'Oscar Owner', role: 'employee', isAdmin: false, isExtranet: false },
  { email: 'clara@client.example', name: 'Clara Client', role: 'external user', isAdmin: false, isExtranet: true },
];

const groups = [
  { name: 'Website relaunch', kind: 'project' as const, startsOn: '2026-09-01', endsOn: '2027-03-31', visibleToAll: true, isExtranet: true, owner: 'oscar@example.com', members: ['emma@example.com', 'clara@client.example'], description: 'The new public website, built with our agency.' },
  { name: 'Marketing', kind: 'workgroup' as const, visibleToAll: true, isOpen: true, owner: 'emma@example.com', members: ['oscar@example.com'], description: 'Campaigns, brand and events.' },
  { name: 'Board', kind: 'workgroup' as const, owner: 'admin@example.com', members: [], description: 'Hidden from everyone but its members.' },
];

export const DEMO_PASSWORD = 'atrium-demo-1';

/** A small demo company; running it twice changes nothing. */
export async function seedDemo(db: Knex): Promise<DemoLogin[]> {
  for (const p of people) {
    await createUser(db, { email: p.email, name: p.name, password: DEMO_PASSWORD, isAdmin: p.isAdmin, isExtranet: p.isExtranet }, null);
  }
  const ids = new Map((await User.query(db).whereIn('email', people.map((p) => p.email))).map((u) => [u.email, u.id]));
  for (const g of groups) {
    if (await Group.query(db).findOne({ name: g.name })) continue;
    const { owner, members, ...attrs } = g;
    await db.transaction(async (trx) => {
      const group = await Group.query(trx).insertAndFetch({ ...attrs, createdBy: ids.get(owner) ?? null });
      await Membership.query(trx).insert({ groupId: group.id, userId: ids.get(owner) as number, role: 'owner' });
      for (const m of members) await Membership.query(trx).insert({ groupId: group.id, userId: ids.get(m) as number, role: 'member' });
      await addContent(trx, group.id, (email) => ids.get(email) as number, g.name);
    });
  }
  return people.map((p) => ({ email: p.email, password: DEMO_PASSWORD, role: p.role }));
}

/** Something in each group's tools, so the demo's pages are not empty. */
async function addContent(trx: Knex.Transaction, groupId: number, id: (email: string) => number, name: string): Promise<void> {
  if (name !== 'Website relaunch') return;
  const oscar = id('oscar@example.com');
  const emma = id('emma@example.com');
  const clara = id('clara@client.example');
  const task = await Task.query(trx).insertAndFetch({ title: 'Approve the home page design', description: 'Two variants are in the Designs folder.', groupId, creatorId: oscar, responsibleId: clara, startOn: '2026-12-01', deadline: '2027-01-15' });
  await ChecklistItem.query(trx).insert(['Compare both variants', 'Check the mobile layout', 'Sign off with the agency'].map((text, i) => ({ taskId: task.id, position: i + 1, text, done: i === 0 })));
  await TaskMember.query(trx).insert({ taskId: task.id, userId: emma, role: 'participant' });
  await Task.query(trx).insert({ title: 'Write the copy for the About page', groupId, creatorId: oscar, responsibleId: emma, startOn: '2026-11-16', deadline: '2026-12-18' });
  await Task.query(trx).insert({ title: 'Collect the brand assets', groupId, creatorId: oscar, responsibleId: emma, status: 'in_progress', startOn: '2026-09-15', deadline: '2026-10-30' });
  await Post.query(trx).insert({ groupId, authorId: oscar, kind: 'post', body: 'Welcome, Clara! Everything for the relaunch lives in this project: tasks, files, calendar and chat.' });
  await Post.query(trx).insert({ groupId, authorId: clara, kind: 'post', body: 'Thanks! The first design drafts are in the Designs folder.' });
  await Folder.query(trx).insert({ groupId, name: 'Designs' });
  await CalendarEvent.query(trx).insert({ groupId, title: 'Design review', location: 'Meeting room 2 and video call', startsAt: new Date('2026-12-10T09:00:00Z'), endsAt: new Date('2026-12-10T10:00:00Z'), createdBy: oscar });
  const chat = await Conversation.query(trx).findOne({ groupId });
  if (chat) {
    const message = await ChatMessage.query(trx).insertAndFetch({ conversationId: chat.id, authorId: emma, body: 'Shall we move the review to Thursday?' });
    await Conversation.query(trx).findById(chat.id).patch({ lastMessageId: message.id });
  }
}
