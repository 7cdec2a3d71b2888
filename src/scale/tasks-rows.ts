import type pg from 'pg';
import { pickEmployee, pickGroup, type Company } from './company.js';
import { copyRows, type Cell } from './copy.js';
import { EPOCH_END, instantAt, isoDate } from './plan.js';
import type { Random } from './random.js';
import { sentence, taskTitle } from './words.js';

/** What later steps need to know of each task (index = id). */
export interface TaskFacts {
  count: number;
  /** Group id, 0 for a personal task. */
  group: Int32Array;
  creator: Int32Array;
  responsible: Int32Array;
  completed: Uint8Array;
}

const DAY = 86_400_000;
const STATUSES = ['pending', 'pending', 'pending', 'in_progress', 'in_progress', 'deferred', 'completed', 'completed', 'completed', 'completed'] as const;

/** Tasks (95 % in groups, made by and assigned to members; deadlines inside project dates) with participants and observers. */
export async function loadTasks(client: pg.ClientBase, company: Company, random: Random, count: number): Promise<{ facts: TaskFacts; rows: Record<string, number> }> {
  const facts: TaskFacts = { count, group: new Int32Array(count + 1), creator: new Int32Array(count + 1), responsible: new Int32Array(count + 1), completed: new Uint8Array(count + 1) };
  const people: number[][] = [[]];

  function* tasks(): Generator<Cell[]> {
    for (let id = 1; id <= count; id++) {
      const created = instantAt((id - 1 + random.next()) / count);
      let groupId: number | null = null;
      let creator: number;
      let responsible: number;
      let deadline: string | null = null;
      let members: readonly number[];
      if (random.chance(0.95)) {
        const g = pickGroup(company, random);
        groupId = g.id;
        members = g.members;
        creator = random.pick(g.members);
        responsible = random.chance(0.3) ? creator : random.pick(g.members);
        if (random.chance(0.6)) {
          if (g.kind === 'project' && g.startsOn && g.endsOn) {
            const start = Date.parse(g.startsOn);
            deadline = isoDate(new Date(start + random.int(0, Math.round((Date.parse(g.endsOn) - start) / DAY)) * DAY));
          } else {
            deadline = isoDate(new Date(created.getTime() + random.int(1, 90) * DAY));
          }
        }
      } else {
        creator = pickEmployee(company, random);
        responsible = random.chance(0.7) ? creator : pickEmployee(company, random);
        members = [];
      }
      const status = random.pick(STATUSES);
      const completedAt = status === 'completed' ? new Date(Math.min(created.getTime() + random.int(1, 30) * DAY, EPOCH_END)) : null;
      facts.group[id] = groupId ?? 0;
      facts.creator[id] = creator;
      facts.responsible[id] = responsible;
      facts.completed[id] = status === 'completed' ? 1 : 0;
      const except = new Set([responsible]);
      const named = members.length > 0 ? random.sample(members, random.int(0, 5), except) : [];
      people.push(named);
      yield [id, taskTitle(random, id), random.chance(0.5) ? sentence(random, 5, 30) : '', status, deadline, creator, responsible, groupId, completedAt, created, completedAt ?? created];
    }
  }
  const taskCount = await copyRows(client, 'tasks', ['id', 'title', 'description', 'status', 'deadline', 'creator_id', 'responsible_id', 'group_id', 'completed_at', 'created_at', 'updated_at'], tasks());

  function* taskMembers(): Generator<Cell[]> {
    for (let id = 1; id <= count; id++) {
      const named = people[id] ?? [];
      for (let i = 0; i < named.length; i++) yield [id, named[i] as number, i < 3 ? 'participant' : 'observer'];
    }
  }
  const memberCount = await copyRows(client, 'task_members', ['task_id', 'user_id', 'role'], taskMembers());
  return { facts, rows: { tasks: taskCount, task_members: memberCount } };
}
