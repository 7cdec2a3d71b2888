// A database that hangs (a frozen or stopped server: connections stay open, nothing answers). The
// app is built on a proxy that can freeze; the pool's timeouts are shortened so the test is quick,
// except /healthz, whose 3 s are the production figure.
import t from 'tap';
import { createKnex, LONG_TIMEOUTS, REQUEST_TIMEOUTS } from '../../src/db/knex.js';
import { Client, makeUser } from '../helper.js';
import { appBehindProxy } from '../outage-app.js';

/** Longest a freeze lasts in this test; before the timeouts existed, requests waited all of it. */
const FREEZE_MS = 9000;

async function timed<T>(work: Promise<T>): Promise<{ value: T; ms: number }> {
  const started = Date.now();
  const value = await work;
  return { value, ms: Date.now() - started };
}

t.test('a frozen database: requests and /healthz give up in bounded time, then recover', async (t) => {
  const { app, db, appDb, proxy } = await appBehindProxy(t, { poolMax: 3, timeouts: { statementMs: 700, idleInTransactionMs: 15_000, queryMs: 1000, connectMs: 1000, acquireMs: 2000 } });
  const user = await makeUser(db, { name: 'Freya Frozen' });
  const c = new Client(app);
  t.equal((await c.login(user.email)).statusCode, 303);
  t.equal((await c.get('/')).statusCode, 200);

  await t.test('PostgreSQL ends a slow statement itself (statement_timeout)', async (t) => {
    const { value, ms } = await timed(appDb.raw('select pg_sleep(3)').then(() => 'finished', (err: { code?: string; message?: string }) => err.code ?? err.message));
    t.equal(value, '57014', 'cancelled by the server');
    t.ok(ms < 2500, `after ${ms} ms`);
  });

  proxy.freeze();
  const thawGuard = setTimeout(() => proxy.thaw(), FREEZE_MS);
  t.teardown(() => clearTimeout(thawGuard));
  const pages = Promise.all(['/', '/groups', '/tasks', '/profile'].map((url) => timed(c.get(url))));
  // /healthz arrives once the pages hold every pooled connection.
  await new Promise((resolve) => setTimeout(resolve, 200));
  const health = await timed(app.inject({ url: '/healthz' }));
  for (const { value, ms } of await pages) {
    t.equal(value.statusCode, 503, `${value.headers['content-type']}: 503 while the database hangs`);
    t.ok(ms < 5000, `page answered in ${ms} ms`);
  }
  t.equal(health.value.statusCode, 503, '/healthz: 503');
  // 3 s and a margin for a busy test machine; before the fix it waited as long as the freeze.
  t.ok(health.ms < 4500, `/healthz answered in ${health.ms} ms (its limit is 3 s)`);

  proxy.thaw();
  clearTimeout(thawGuard);
  // A connection opened during the freeze may still fail one request with its connect timeout (1 s here).
  const back = await timed(
    (async () => {
      for (let tries = 0; tries < 20; tries++) {
        if ((await app.inject({ url: '/healthz' })).statusCode === 200) return true;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return false;
    })(),
  );
  t.ok(back.value && back.ms < 2000, `/healthz recovers by itself (${back.ms} ms after the thaw)`);
  for (const url of ['/', '/groups', '/tasks']) t.equal((await c.get(url)).statusCode, 200, `${url} works again: no pooled connection is stuck behind a query that timed out`);
});

t.test('requests get a short statement timeout, the CLI and maintenance a long one', async (t) => {
  const adminUrl = process.env.ATRIUM_TEST_ADMIN_URL ?? '';
  t.ok(REQUEST_TIMEOUTS.statementMs <= 10_000 && REQUEST_TIMEOUTS.queryMs > REQUEST_TIMEOUTS.statementMs, 'requests: seconds; the driver waits a little longer than the server');
  t.ok(LONG_TIMEOUTS.statementMs >= 30 * 60_000, 'bulk work: at least half an hour');
  for (const [name, timeouts] of [['request', REQUEST_TIMEOUTS], ['long', LONG_TIMEOUTS]] as const) {
    const knex = createKnex(adminUrl, 1, timeouts);
    const { rows } = (await knex.raw("select setting::int as ms from pg_settings where name = 'statement_timeout'")) as { rows: { ms: number }[] };
    await knex.destroy();
    t.equal(rows[0]?.ms, timeouts.statementMs, `${name}: the server's statement_timeout is ${timeouts.statementMs} ms`);
  }
});
