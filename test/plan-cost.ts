// What a statement costs PostgreSQL as Atrium runs it, read from EXPLAIN ANALYZE: for tests that bound the rows a
// page reads, whatever the size of the company around the viewer (issue 16).
import type pg from 'pg';
import type { Knex } from 'knex';

export interface PlanNode {
  Filter?: string;
  'Actual Rows'?: number;
  'Actual Loops'?: number;
  'Rows Removed by Filter'?: number;
  'Rows Removed by Index Recheck'?: number;
  Plans?: PlanNode[];
}

/** Every row a plan's nodes produced or threw away: what it read. */
export function rowsRead(node: PlanNode): number {
  const loops = node['Actual Loops'] ?? 1;
  const own = ((node['Actual Rows'] ?? 0) + (node['Rows Removed by Filter'] ?? 0) + (node['Rows Removed by Index Recheck'] ?? 0)) * loops;
  return own + (node.Plans ?? []).reduce((sum, child) => sum + rowsRead(child), 0);
}

/**
 * What the statement reads as Atrium runs it: prepared, with a plan made once for any values (request pools keep
 * generic plans, db/knex.ts), here on a fresh connection state.
 */
export async function rowsReadAsRun(db: Knex, sql: string, bindings: readonly unknown[], measure: (plan: PlanNode) => number = rowsRead): Promise<number> {
  const connection = (await db.client.acquireConnection()) as pg.Client;
  try {
    const literal = (v: unknown) => connection.escapeLiteral(v instanceof Date ? v.toISOString() : String(v));
    await connection.query('set plan_cache_mode = force_generic_plan');
    await connection.query(`prepare plan_cost as ${sql}`);
    const args = bindings.length ? `(${bindings.map(literal).join(', ')})` : '';
    const res = await connection.query<{ 'QUERY PLAN': { Plan: PlanNode }[] }>(`explain (analyze, format json) execute plan_cost${args}`);
    await connection.query('deallocate plan_cost');
    return measure(res.rows[0]!['QUERY PLAN'][0]!.Plan);
  } finally {
    await db.client.releaseConnection(connection);
  }
}

/** The statements `run` sends whose text `matches`, as the driver got them. */
export async function statementsOf(db: Knex, run: () => Promise<unknown>, matches: (sql: string) => boolean): Promise<{ sql: string; bindings: unknown[] }[]> {
  const seen: { sql: string; bindings: unknown[] }[] = [];
  const listener = (q: { sql: string; bindings?: unknown[] }) => {
    if (matches(q.sql)) seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
  };
  db.on('query', listener);
  try {
    await run();
  } finally {
    db.off('query', listener);
  }
  return seen;
}
