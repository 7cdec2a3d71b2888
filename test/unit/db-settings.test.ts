// Issue 16: PostgreSQL's JIT compiled short scope queries whose estimates count branches that never
// run: 40 ms of CPU for a query that runs in under 1 ms (group chat, search). Pools turn it off.
import t from 'tap';
import { createKnex, LONG_TIMEOUTS } from '../../src/db/knex.js';
import { testDatabase } from '../helper.js';

t.test('request and bulk pools run without JIT compilation', async (t) => {
  const db = await testDatabase(t);
  const url = (db.client.config as { connection: { connectionString: string } }).connection.connectionString;
  for (const [label, pool] of [['request', createKnex(url, 1)], ['bulk', createKnex(url, 1, LONG_TIMEOUTS)]] as const) {
    t.teardown(() => pool.destroy());
    const jit = ((await pool.raw('show jit')).rows[0] as { jit: string }).jit;
    t.equal(jit, 'off', `${label} pool: jit is off`);
    // Every query is above a jit_above_cost of 0: with JIT on, its plan would end in a "JIT:" section.
    await pool.raw('set jit_above_cost = 0');
    const plan = (await pool.raw('explain (analyze, format text) select count(*) from users')).rows as { 'QUERY PLAN': string }[];
    t.notOk(plan.some((r) => r['QUERY PLAN'].startsWith('JIT:')), `${label} pool: a costly-looking query is not compiled`);
  }
});
