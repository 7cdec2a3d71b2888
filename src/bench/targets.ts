import type { Knex } from 'knex';

export interface Persona {
  label: 'employee' | 'external';
  email: string;
  userId: number;
  groupCount: number;
  /** The persona's busiest group (most posts) and its newest task. */
  groupId: number;
  taskId: number;
}

/** Finds the persona's numbers in the benchmark company (read-only). */
export async function findPersona(db: Knex, label: Persona['label'], email: string): Promise<Persona> {
  const user = (await db.raw('select id from users where lower(email) = lower(?)', [email])).rows[0] as { id: number } | undefined;
  if (!user) throw new Error(`${email} not found: run npm run seed:scale first`);
  const groups = (await db.raw(
    `select m.group_id as id, (select count(*) from posts p where p.group_id = m.group_id)::int as posts
       from memberships m where m.user_id = ? order by posts desc, m.group_id limit 1`,
    [user.id],
  )).rows as { id: number }[];
  const count = (await db.raw('select count(*)::int as n from memberships where user_id = ?', [user.id])).rows[0] as { n: number };
  const group = groups[0];
  if (!group) throw new Error(`${email} is in no group`);
  const task = (await db.raw('select id from tasks where group_id = ? order by id desc limit 1', [group.id])).rows[0] as { id: number } | undefined;
  if (!task) throw new Error(`group ${group.id} has no task`);
  return { label, email, userId: user.id, groupCount: count.n, groupId: group.id, taskId: task.id };
}

export interface Page {
  name: string;
  path: string;
  /** null: anonymous. */
  persona: Persona | null;
  /** Issue 16's budget: app + PostgreSQL CPU ms per request. */
  budgetMs?: number;
}

const LIST_BUDGET_MS = 1.5;
const FEED_BUDGET_MS = 3;

/** The pages issue 9 names, for one persona. */
export function pagesFor(p: Persona): Page[] {
  const tag = p.label === 'employee' ? '' : ' (ext)';
  return [
    { name: `/groups${tag}`, path: '/groups', persona: p, budgetMs: LIST_BUDGET_MS },
    { name: `group home${tag}`, path: `/groups/${p.groupId}`, persona: p, budgetMs: FEED_BUDGET_MS },
    { name: `group tasks${tag}`, path: `/groups/${p.groupId}/tasks`, persona: p },
    { name: `group board${tag}`, path: `/groups/${p.groupId}/tasks/board`, persona: p, budgetMs: FEED_BUDGET_MS },
    { name: `/tasks (my tasks)${tag}`, path: '/tasks', persona: p, budgetMs: LIST_BUDGET_MS },
    { name: `/tasks/:id${tag}`, path: `/tasks/${p.taskId}`, persona: p, budgetMs: LIST_BUDGET_MS },
    { name: `/users${tag}`, path: '/users', persona: p, budgetMs: LIST_BUDGET_MS },
    { name: `/feed${tag}`, path: '/feed', persona: p, budgetMs: FEED_BUDGET_MS },
    { name: `search${tag}`, path: '/search?q=budget', persona: p, budgetMs: FEED_BUDGET_MS },
    { name: `group chat${tag}`, path: `/groups/${p.groupId}/chat`, persona: p, budgetMs: FEED_BUDGET_MS },
  ];
}
