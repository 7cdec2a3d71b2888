// Issue 16: request pools run data statements as named prepared statements, once per connection;
// transaction control, multi-statement text and bulk pools stay plain.
import t from 'tap';
import { createKnex, LONG_TIMEOUTS } from '../../src/db/knex.js';
import { testDatabase } from '../helper.js';

t.test('request pools prepare each data statement once per connection', async (t) => {
  const db = await testDatabase(t);
  const url = (db.client.config as { connection: { connectionString: string } }).connection.connectionString;
  const one = createKnex(url, 1);
  t.teardown(() => one.destroy());

  const prepared = async (k = one) => ((await k.raw('select count(*)::int as n from pg_prepared_statements where statement not like ?', ['%pg_prepared_statements%'])).rows[0] as { n: number }).n;
  t.equal(await prepared(), 0, 'nothing prepared yet on this connection');
  for (let i = 0; i < 3; i++) {
    const rows = await one('users').select('id').where('email', 'like', `atrium_probe_${i}%`);
    t.same(rows, [], 'the statement runs and answers');
  }
  t.equal(await prepared(), 1, 'three runs with different values share one prepared statement');

  await one.transaction(async (trx) => {
    await trx('users').select('id').where('email', 'atrium_probe_trx');
  });
  t.equal(await prepared(), 2, 'a statement in a transaction is prepared; BEGIN and COMMIT are not');

  // A union begins with a parenthesis: the feed's, planned anew on every page (5.8 ms of a group home) when it stayed plain.
  const union = () => one('users').select('id').where('email', 'atrium_probe_u1').unionAll(one('users').select('id').where('email', 'atrium_probe_u2'), true).orderBy('id').limit(5);
  t.match(union().toSQL().sql, /^\(select/, 'knex writes a wrapped union with a leading parenthesis');
  t.same(await union(), [], 'the union runs');
  t.equal(await prepared(), 3, 'and is prepared like any other data statement');

  const multi = await one.raw("select 'atrium_probe_a' as a; select 'atrium_probe_b' as b");
  t.ok(Array.isArray(multi), 'a text of several statements still runs, as a simple query');
  t.equal(await prepared(), 3, 'and is not prepared');

  await t.rejects(one.raw('select atrium_probe_no_such_column from users'), /does not exist/, 'a failing statement reports its error');
  t.same((await one('users').count('* as n').where('email', 'atrium_probe_after'))[0], { n: 0 }, 'and the connection keeps working');
  // (pg may hand the pool the connection before its ReadyForQuery arrives; the pool then replaces it, so
  // the count of statements on "the" connection is not stable here: look for the failed text itself.)
  const kept = ((await one.raw('select count(*)::int as n from pg_prepared_statements where statement like ?', ['%atrium_probe_no_such_column%'])).rows[0] as { n: number }).n;
  t.equal(kept, 0, 'the failed statement was not kept as prepared');
});

t.test('bulk pools send plain text', async (t) => {
  const db = await testDatabase(t);
  const url = (db.client.config as { connection: { connectionString: string } }).connection.connectionString;
  const bulk = createKnex(url, 1, LONG_TIMEOUTS);
  t.teardown(() => bulk.destroy());
  await bulk('users').select('id').where('email', 'atrium_probe_bulk');
  const n = ((await bulk.raw('select count(*)::int as n from pg_prepared_statements')).rows[0] as { n: number }).n;
  t.equal(n, 0, 'nothing prepared on a bulk connection');
});

t.test('request pools write a LIMIT into the text, so a generic plan knows the page size', async (t) => {
  const db = await testDatabase(t);
  const url = (db.client.config as { connection: { connectionString: string } }).connection.connectionString;
  const one = createKnex(url, 1);
  t.teardown(() => one.destroy());
  const sub = one('memberships').select('group_id').where('user_id', 5).limit(21);
  const native = one('groups').select('id').whereIn('id', sub).orderBy('id').limit(31).toSQL().toNative();
  t.match(native.sql, /limit 21\) order by "id" asc limit 31$/, 'both limits, the subquery one too, are in the text');
  t.same(native.bindings, [5], 'and only the real values are bound');
  t.same(await one('users').select('id').limit(0), [], 'limit 0 still runs');
  const bulk = createKnex(url, 1, LONG_TIMEOUTS);
  t.teardown(() => bulk.destroy());
  t.same(bulk('groups').select('id').limit(31).toSQL().toNative().bindings, [31], 'bulk pools keep knex\'s own binding');
});

t.test('request pools keep generic plans and start no parallel workers; bulk pools keep PostgreSQL\'s own choices', async (t) => {
  const db = await testDatabase(t);
  const url = (db.client.config as { connection: { connectionString: string } }).connection.connectionString;
  const one = createKnex(url, 1);
  t.teardown(() => one.destroy());
  const setting = async (pool: typeof one, name: string) => ((await pool.raw('select current_setting(?) as value', [name])).rows[0] as { value: string }).value;
  t.equal(await setting(one, 'plan_cache_mode'), 'force_generic_plan', 'a request pool plans each statement once (PostgreSQL kept planning the feed anew: 20 ms a page)');
  t.equal(await setting(one, 'max_parallel_workers_per_gather'), '0', 'and never gathers from parallel workers (an external user\'s search: 8 ms instead of 2)');
  const bulk = createKnex(url, 1, LONG_TIMEOUTS);
  t.teardown(() => bulk.destroy());
  t.equal(await setting(bulk, 'plan_cache_mode'), 'auto', 'bulk pools keep PostgreSQL\'s own choice of plans');
  t.not(await setting(bulk, 'max_parallel_workers_per_gather'), '0', 'and of parallel workers');
});
