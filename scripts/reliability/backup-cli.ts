// The backup commands as shipped: `node dist/src/cli/index.js backup FILE` then `restore FILE`
// on the cluster's database after both processes stopped (restore wants Atrium stopped).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import type { Checks } from './check.js';
import { query } from './database.js';
import { childEnv, root } from './server.js';

function cli(env: Record<string, string | undefined>, ...args: string[]): { ok: boolean; output: string } {
  const run = spawnSync(process.execPath, ['dist/src/cli/index.js', ...args], { cwd: root, env: childEnv(env), encoding: 'utf8' });
  return { ok: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
}

export async function backupCliCheck(checks: Checks, env: Record<string, string | undefined>, databaseUrl: string, dir: string): Promise<void> {
  const [server] = await query<{ major: number }>(databaseUrl, "select current_setting('server_version_num')::int / 10000 as major");
  const dump = spawnSync(process.env.PG_BIN ? path.join(process.env.PG_BIN, 'pg_dump') : 'pg_dump', ['--version'], { encoding: 'utf8' });
  const clientMajor = Number(/(\d+)/.exec(dump.stdout ?? '')?.[1] ?? 0);
  if (clientMajor < (server?.major ?? 99)) {
    console.log(`# backup CLI skipped: pg_dump ${clientMajor} cannot dump PostgreSQL ${server?.major} (test/http/backup.test.ts covers the embedded path)`);
    return;
  }
  const file = path.join(dir, 'atrium-backup.tar.gz');
  const started = Date.now();
  const made = cli(env, 'backup', file);
  checks.ok(made.ok, 'npm run cli -- backup FILE', made.output);
  await query(databaseUrl, "delete from groups where name = 'Made on B'");
  const back = cli(env, 'restore', file);
  const rows = await query<{ n: number }>(databaseUrl, "select count(*)::int as n from groups where name = 'Made on B'");
  checks.ok(back.ok && rows[0]?.n === 1, 'npm run cli -- restore FILE brings back a deleted group', back.output);
  checks.figure(`backup CLI: backup + restore of the cluster's database in ${Date.now() - started} ms`);
}
