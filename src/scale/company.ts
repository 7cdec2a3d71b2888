import { BENCH_EMPLOYEE_GROUPS, BENCH_EXTERNAL_GROUPS, instantAt, isoDate, type Counts } from './plan.js';
import { Random, WeightedPicker } from './random.js';
import { personName } from './words.js';

export interface ScaleGroup {
  id: number;
  kind: 'workgroup' | 'project';
  isExtranet: boolean;
  visibleToAll: boolean;
  isOpen: boolean;
  startsOn: string | null;
  endsOn: string | null;
  createdAt: Date;
  /** Member ids; the first is the owner. */
  members: number[];
  moderators: Set<number>;
}

/**
 * People and groups in memory: users 1..employees are employees (1 is an administrator, 2 the
 * benchmark's typical employee), the rest external users (the first is the benchmark's).
 */
export interface Company {
  employees: number;
  extranetUsers: number;
  /** Each person's full name, by id - 1 (what a mention of them writes). */
  names: string[];
  groups: ScaleGroup[];
  /** Group sizes as weights, for picking where content goes. */
  groupPicker: WeightedPicker;
}

const MAX_GROUP = 200;
const MIN_GROUP = 5;
const MAX_GROUPS_PER_PERSON = 60;

export const BENCH_EMPLOYEE_ID = 2;

export function buildCompany(counts: Counts, random: Random): Company {
  const E = counts.employees;
  const X = counts.extranetUsers;
  const firstExternal = E + 1;
  const groups: ScaleGroup[] = [];
  for (let i = 0; i < counts.groups; i++) {
    const kind = random.chance(0.2) ? 'project' : 'workgroup';
    const isExtranet = i % 10 === 3; // exactly 10 %
    const visibleToAll = !isExtranet && random.chance(0.6);
    const createdAt = instantAt(random.next() * 0.5);
    let startsOn: string | null = null;
    let endsOn: string | null = null;
    if (kind === 'project') {
      const start = new Date(createdAt.getTime() + random.int(0, 60) * 86_400_000);
      startsOn = isoDate(start);
      endsOn = isoDate(new Date(start.getTime() + random.int(180, 900) * 86_400_000));
    }
    groups.push({ id: i + 1, kind, isExtranet, visibleToAll, isOpen: visibleToAll && random.chance(0.3), startsOn, endsOn, createdAt, members: [], moderators: new Set() });
  }

  const counted = new Int32Array(E + X + 1);
  const memberSets = groups.map(() => new Set<number>());
  const join = (g: ScaleGroup, user: number): boolean => {
    const set = memberSets[g.id - 1] as Set<number>;
    if (set.has(user) || g.members.length >= MAX_GROUP || (counted[user] ?? 0) >= MAX_GROUPS_PER_PERSON) return false;
    if (user >= firstExternal && !g.isExtranet) return false;
    set.add(user);
    g.members.push(user);
    counted[user] = (counted[user] ?? 0) + 1;
    return true;
  };

  // Every group's owner is an employee (the benchmark's own accounts own none).
  for (const g of groups) {
    let owner = random.int(3, Math.max(3, E));
    if (owner > E) owner = 1;
    join(g, owner);
  }

  // Each person picks 1–60 groups (extranet users 1–5 extranet groups), bigger groups more often.
  const targets = groups.map(() => MIN_GROUP + Math.floor(Math.pow(random.next(), 2.2) * (MAX_GROUP - MIN_GROUP + 1)));
  const anyGroup = new WeightedPicker(targets);
  const extranetGroups = groups.filter((g) => g.isExtranet);
  const extranetPicker = new WeightedPicker(extranetGroups.map((g) => targets[g.id - 1] ?? 1));
  for (let user = 1; user <= E + X; user++) {
    const external = user >= firstExternal;
    let want = external ? random.skewed(1, 5, 2) : random.skewed(1, MAX_GROUPS_PER_PERSON, 2.5);
    if (user === BENCH_EMPLOYEE_ID) want = BENCH_EMPLOYEE_GROUPS;
    if (user === firstExternal) want = BENCH_EXTERNAL_GROUPS;
    want = Math.min(want, external ? extranetGroups.length : groups.length);
    for (let tries = 0; (counted[user] ?? 0) < want && tries < want * 20; tries++) {
      const g = external ? extranetGroups[extranetPicker.pick(random)] : groups[anyGroup.pick(random)];
      if (g) join(g, user);
    }
  }

  // Groups below five members take employees at random.
  for (const g of groups) {
    for (let tries = 0; g.members.length < MIN_GROUP && tries < 1000; tries++) join(g, random.int(3, Math.max(3, E)));
  }
  for (const g of groups) {
    for (const m of g.members.slice(1)) if (m <= E && random.chance(0.08)) g.moderators.add(m);
  }
  const names = Array.from({ length: E + X }, () => personName(random));
  return { employees: E, extranetUsers: X, names, groups, groupPicker: new WeightedPicker(groups.map((g) => g.members.length)) };
}

/** A group chosen with probability proportional to its size. */
export function pickGroup(company: Company, random: Random): ScaleGroup {
  const g = company.groups[company.groupPicker.pick(random)];
  if (!g) throw new Error('no groups');
  return g;
}

export function pickEmployee(company: Company, random: Random): number {
  return random.int(1, company.employees);
}
