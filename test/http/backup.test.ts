// `npm run cli -- backup FILE` / `restore FILE` round-trip a company: users, groups, memberships,
// tasks, posts, sessions and every other table, plus the uploaded files under DATA_DIR.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import t from 'tap';
import { backup, restore } from '../../src/cli/backup.js';
import { loadConfig } from '../../src/config.js';
import { openDatabase } from '../../src/db/database.js';
import { createKnex } from '../../src/db/knex.js';
import { DEMO_PASSWORD, seedDemo } from '../../seeds/demo.js';
import { buildOnDatabase, Client, testDatabase } from '../helper.js';
import { freePort } from '../free-port.js';

/** Every table's row count and a digest of its rows: equal snapshots mean equal data. */
async function snapshot(db: Knex): Promise<Record<string, string>> {
  const listed = (await db.raw("select table_name as name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1")) as { rows: { name: string }[] };
  const tables = listed.rows.map((r) => r.name);
  const out: Record<string, string> = {};
  for (const table of tables) {
    const { rows } = (await db.raw('select count(*)::int as n, md5(coalesce(string_agg(t::text, \'|\' order by t::text), \'\')) as digest from ?? t', [table])) as { rows: { n: number; digest: string }[] };
    out[table] = `${rows[0]?.n}:${rows[0]?.digest}`;
  }
  return out;
}

function writeUploads(dataDir: string): Record<string, string> {
  const files = { 'files/ab/ab12-upload': 'quarterly report\u0000binary', 'group-images/cd34-logo': 'png bytes' };
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dataDir, rel)), { recursive: true });
    writeFileSync(path.join(dataDir, rel), content);
  }
  return files;
}

function pgDumpMajor(): number {
  const out = spawnSync(process.env.PG_BIN ? path.join(process.env.PG_BIN, 'pg_dump') : 'pg_dump', ['--version'], { encoding: 'utf8' });
  return Number(/(\d+)/.exec(out.stdout ?? '')?.[1] ?? 0);
}

t.test('logical backup (pg_dump) of a company, restored over damage', async (t) => {
  const db = await testDatabase(t);
  const { rows } = (await db.raw("select current_database() as name, current_setting('server_version_num')::int / 10000 as major")) as { rows: { name: string; major: number }[] };
  const server = rows[0];
  if (!server || pgDumpMajor() < server.major) {
    t.pass(`skipped: pg_dump ${pgDumpMajor()} cannot dump PostgreSQL ${server?.major} (set PG_BIN); the embedded path is tested below`);
    return;
  }
  const url = new URL(process.env.ATRIUM_TEST_ADMIN_URL ?? '');
  url.pathname = `/${server.name}`;

  await seedDemo(db);
  const { app, dataDir } = await buildOnDatabase(t, db);
  const c = new Client(app);
  t.equal((await c.login('oscar@example.com', DEMO_PASSWORD)).statusCode, 303);
  await c.get('/');
  const group = (await db('groups').where({ name: 'Website relaunch' }).first()) as { id: number };
  t.equal((await c.post('/tasks', { group: String(group.id), title: 'Backed-up task', responsible: 'emma@example.com' })).statusCode, 303, 'a task');
  t.equal((await c.post(`/groups/${group.id}/posts`, { kind: 'post', body: 'Backed-up post' })).statusCode, 303, 'a post');
  const uploads = writeUploads(dataDir);
  const before = await snapshot(db);
  t.ok(Number(before.tasks?.split(':')[0]) > 0 && Number(before.posts?.split(':')[0]) > 0 && Number(before.users?.split(':')[0]) === 4, 'the company has people, groups, tasks and posts');

  const file = path.join(dataDir, '..', `atrium-backup-${process.pid}.tar.gz`);
  t.teardown(() => rmSync(file, { force: true }));
  const started = Date.now();
  const made = await backup({ dataDir, databaseUrl: url.toString() }, file);
  t.equal(made.kind, 'logical');

  // Damage: rows gone, a row added, an upload changed and one deleted.
  await db('posts').delete();
  await db('tasks').delete();
  await db('users').where({ email: 'emma@example.com' }).update({ name: 'Changed' });
  writeFileSync(path.join(dataDir, 'files/ab/ab12-upload'), 'overwritten');
  rmSync(path.join(dataDir, 'group-images'), { recursive: true });
  t.not(JSON.stringify(await snapshot(db)), JSON.stringify(before));

  await app.close();
  await restore({ dataDir, databaseUrl: url.toString() }, file);
  t.comment(`logical backup + restore: ${Date.now() - started} ms`);
  t.same(await snapshot(db), before, 'every table is back, row for row');
  for (const [rel, content] of Object.entries(uploads)) t.equal(readFileSync(path.join(dataDir, rel), 'utf8'), content, `${rel} is back`);

  const again = await buildOnDatabase(t, db, { dataDir });
  const after = new Client(again.app);
  t.equal((await after.login('emma@example.com', DEMO_PASSWORD)).statusCode, 303, 'the restored company signs in');
  t.match((await after.get('/tasks')).body, /Backed-up task/);

  await t.rejects(restore({ dataDir, databaseUrl: undefined }, file), /restore it with DATABASE_URL set/, 'a pg_dump backup is not restored over an embedded database');
});

t.test('embedded PostgreSQL: cold copy of DATA_DIR, restored into an empty folder', async (t) => {
  const root = mkdtempSync(path.join(os.tmpdir(), 'atrium-backup-embedded-'));
  chmodSync(root, 0o755);
  t.teardown(() => rmSync(root, { recursive: true, force: true }));
  const port = await freePort();
  const env = { ...process.env, DATABASE_URL: undefined, DATA_DIR: path.join(root, 'data'), EMBEDDED_PG_PORT: String(port), LOG_LEVEL: 'silent' };
  const config = loadConfig(env);
  const target = { dataDir: config.dataDir, databaseUrl: undefined };
  const file = path.join(root, 'embedded.tar.gz');

  let database = await openDatabase(config);
  await seedDemo(database.knex);
  const before = await snapshot(database.knex);
  const uploads = writeUploads(config.dataDir);
  await t.rejects(backup(target, file), /stop Atrium first/, 'refused while the server runs');
  await database.close();

  await backup(target, file);
  rmSync(config.dataDir, { recursive: true, force: true });
  await restore(target, file);
  database = await openDatabase(loadConfig(env));
  t.teardown(() => database.close());
  t.same(await snapshot(database.knex), before, 'every table is back');
  for (const [rel, content] of Object.entries(uploads)) t.equal(readFileSync(path.join(config.dataDir, rel), 'utf8'), content, `${rel} is back`);
  const check = createKnex(database.embedded?.url ?? '', 1);
  t.teardown(() => check.destroy());
  t.ok((await check.raw('select 1 from pg_database where datname = ?', ['atrium'])).rows.length, 'the server came back with its password');
});
