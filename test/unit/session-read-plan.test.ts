// Issue 16 (R-U2): every signed-in request reads its session with its person. The person must be found by id
// whatever PostgreSQL's statistics of the sessions table say: when they had seen only one person's sessions (a
// low id), the join became a merge join that walked the users table in id order up to the reader's id, every
// person before them (9 ms a request for the bench's external user, whose id is the highest).
import t from 'tap';
import type { Knex } from 'knex';
import { ADMIN_MODE_REQUESTED, sessionReader } from '../../src/policy/session-read.js';
import type { ViewerKind } from '../../src/policy/viewer.js';
import { unreadCountColumn } from '../../src/finders/notifications.js';
import { User } from '../../src/models/user.js';
import { testDatabase } from '../helper.js';

interface PlanNode {
  'Relation Name'?: string;
  'Node Type': string;
  'Actual Rows': number;
  Plans?: PlanNode[];
}

/** Every node of a plan that reads `table`, with the rows it returned per loop. */
function readsOf(node: PlanNode, table: string): PlanNode[] {
  const own = node['Relation Name'] === table ? [node] : [];
  return [...own, ...(node.Plans ?? []).flatMap((child) => readsOf(child, table))];
}

/** The statement the reader runs for `sid` ($n placeholders), captured from knex (inside a transaction knex runs it). */
async function statementOf(db: Knex, kind: ViewerKind | null, sid: string): Promise<{ sql: string; values: unknown[] }> {
  const read = sessionReader((k) => unreadCountColumn('u', ADMIN_MODE_REQUESTED, k));
  let captured: { sql: string; values: unknown[] } | null = null;
  await db.transaction(async (trx) => {
    trx.on('query', (q: { sql: string; bindings?: unknown[] }) => {
      if (q.sql.startsWith('select')) captured ??= { sql: q.sql, values: q.bindings ?? [] };
    });
    const row = await read(trx, sid, new Date(), kind);
    if (!row?.user) throw new Error('the session was not read with its person');
  });
  if (!captured) throw new Error('no statement captured');
  return captured;
}

/** EXPLAIN ANALYZE of the statement as a prepared statement, with the plan PostgreSQL picks in `mode`. */
async function planOf(db: Knex, statement: { sql: string; values: unknown[] }, mode: 'force_custom_plan' | 'force_generic_plan'): Promise<PlanNode> {
  return db.transaction(async (trx) => {
    await trx.raw(`set local plan_cache_mode = ${mode}`);
    const literal = (v: unknown) => `'${String(v instanceof Date ? v.toISOString() : v).replaceAll("'", "''")}'`;
    await trx.raw(`prepare session_read as ${statement.sql.replaceAll('?', '\\?')}`);
    const res = await trx.raw(`explain (analyze, format json) execute session_read(${statement.values.map(literal).join(', ')})`);
    await trx.raw('deallocate session_read');
    return (res.rows[0] as { 'QUERY PLAN': { Plan: PlanNode }[] })['QUERY PLAN'][0]!.Plan;
  });
}

t.test('a session is read with its person by id, whatever the statistics say (R-U2)', async (t) => {
  const db = await testDatabase(t);
  const people = await User.query(db).insert(Array.from({ length: 3000 }, (_, i) => ({ name: `Person ${i}`, email: `p${i}@example.com`, passwordHash: 'x', isExtranet: i === 2999 })));
  const first = people[0]!;
  const last = people[people.length - 1]!;
  const expires = new Date(Date.now() + 3600_000);
  // What the statistics see: many sessions without a person (sign-in forms) and the first person's.
  const rows = Array.from({ length: 2000 }, (_, i) => ({ sid: `anon-${i}`, data: '{}', userId: i < 20 ? first.id : null, expiresAt: expires }));
  await db('sessions').insert(rows);
  await db.raw('analyze sessions');
  await db.raw('analyze users');
  await db('sessions').insert({ sid: 'the-last-one', data: JSON.stringify({ userId: last.id }), userId: last.id, expiresAt: expires });

  const kinds: [string, ViewerKind | null][] = [
    ['before its kind is known', null],
    ['with the unread count of an external person', { isExtranet: true, isAdmin: false, adminMode: false }],
  ];
  for (const [label, kind] of kinds) {
    const statement = await statementOf(db, kind, 'the-last-one');
    for (const mode of ['force_custom_plan', 'force_generic_plan'] as const) {
      const plan = await planOf(db, statement, mode);
      const reads = readsOf(plan, 'users');
      t.ok(reads.length > 0, `${label}, ${mode}: the plan reads users`);
      t.ok(
        reads.every((node) => node['Actual Rows'] <= 1),
        `${label}, ${mode}: no read of users returns more than the person (${reads.map((n) => `${n['Node Type']} ${n['Actual Rows']}`).join(', ')})`,
      );
    }
  }
});
