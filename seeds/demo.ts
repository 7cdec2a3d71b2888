import type { Knex } from 'knex';
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

export const DEMO_PASSWORD = 'atrium-demo-1';

/** A small demo company; running it twice changes nothing. */
export async function seedDemo(db: Knex): Promise<DemoLogin[]> {
  for (const p of people) {
    await createUser(db, { email: p.email, name: p.name, password: DEMO_PASSWORD, isAdmin: p.isAdmin, isExtranet: p.isExtranet }, null);
  }
  return people.map((p) => ({ email: p.email, password: DEMO_PASSWORD, role: p.role }));
}
