import type pg from 'pg';
import { BENCH_EMPLOYEE_ID, type Company } from './company.js';
import { copyRows, type Cell } from './copy.js';
import { BENCH_EMPLOYEE_EMAIL, BENCH_EXTERNAL_EMAIL, instantAt } from './plan.js';
import type { Random } from './random.js';
import { groupName, JOB_TITLES, sentence } from './words.js';

/** Users, groups (each gets its chat from the groups trigger) and memberships. */
export async function loadPeople(client: pg.ClientBase, company: Company, random: Random, passwordHash: string): Promise<Record<string, number>> {
  const E = company.employees;
  function* users(): Generator<Cell[]> {
    for (let id = 1; id <= E + company.extranetUsers; id++) {
      const external = id > E;
      let email = external ? `partner${id - E}@client.example` : `employee${id}@bench.example`;
      if (id === 1) email = 'admin@bench.example';
      if (id === BENCH_EMPLOYEE_ID) email = BENCH_EMPLOYEE_EMAIL;
      if (id === E + 1) email = BENCH_EXTERNAL_EMAIL;
      const created = instantAt(random.next() * 0.3);
      yield [id, email, company.names[id - 1] ?? `Person ${id}`, external ? 'Partner' : random.pick(JOB_TITLES), 'Europe/Berlin', passwordHash, id === 1, external, created, created];
    }
  }
  const userCount = await copyRows(client, 'users', ['id', 'email', 'name', 'job_title', 'time_zone', 'password_hash', 'is_admin', 'is_extranet', 'created_at', 'updated_at'], users());

  function* groups(): Generator<Cell[]> {
    for (const g of company.groups) {
      yield [g.id, groupName(random, g.id), sentence(random, 6, 20), g.kind, g.startsOn, g.endsOn, g.visibleToAll, g.isOpen, g.isExtranet, g.members[0] ?? null, g.createdAt, g.createdAt];
    }
  }
  const groupCount = await copyRows(client, 'groups', ['id', 'name', 'description', 'kind', 'starts_on', 'ends_on', 'visible_to_all', 'is_open', 'is_extranet', 'created_by', 'created_at', 'updated_at'], groups());

  function* memberships(): Generator<Cell[]> {
    for (const g of company.groups) {
      for (let i = 0; i < g.members.length; i++) {
        const user = g.members[i] as number;
        const role = i === 0 ? 'owner' : g.moderators.has(user) ? 'moderator' : 'member';
        yield [g.id, user, role, new Date(g.createdAt.getTime() + i * 3_600_000)];
      }
    }
  }
  const membershipCount = await copyRows(client, 'memberships', ['group_id', 'user_id', 'role', 'created_at'], memberships());
  return { users: userCount, groups: groupCount, memberships: membershipCount };
}
