import type { Knex } from 'knex';
import { Group, Membership } from '../src/models/group.js';
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
    });
  }
  return people.map((p) => ({ email: p.email, password: DEMO_PASSWORD, role: p.role }));
}
