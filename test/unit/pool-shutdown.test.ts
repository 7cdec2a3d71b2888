// A worker's shutdown destroys its pools while background work (the mail run) may still be between two
// queries. tarn queued an acquire that arrived during destroy and never served it: it waited out the acquire
// timeout (10 s), the whole grace period, and the worker was killed (CI's loaded-shutdown check, 1 in 8).
import t from 'tap';
import { createKnex, destroyPool } from '../../src/db/knex.js';
import { testDatabase } from '../helper.js';

t.test('a query asked for while the pool is being destroyed is refused at once (issue 15 item 5)', async (t) => {
  const template = await testDatabase(t);
  const url = (template.client as { connectionSettings: { connectionString: string } }).connectionSettings.connectionString;
  const db = createKnex(url, 2);
  const holding = db.transaction(async (trx) => {
    await trx.raw('select pg_sleep(0.3)');
    return 'finished';
  });
  await new Promise((resolve) => setTimeout(resolve, 100));
  const destroying = destroyPool(db);
  const asked = Date.now();
  const late = await db.raw('select 1').then(
    () => 'answered',
    (err: Error) => err.message,
  );
  t.match(late, /closing/, 'refused');
  t.ok(Date.now() - asked < 1000, `at once (${Date.now() - asked} ms), not after the acquire timeout`);
  t.equal(await holding, 'finished', 'the query holding a connection finished first');
  await destroying;
});
