// Figures only, run on request (`bash .ci/reliability.sh throughput`): req/s on /tasks with 1 and
// with 2 workers, and each worker's peak RSS, under the same load. Nothing else should be running.
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type { Checks } from './check.js';
import { Browser } from './client.js';
import { sharedDatabase } from './database.js';
import { childEnv, freePort, root, rssMb, startServer, workerPids } from './server.js';

const CONNECTIONS = Number(process.env.THROUGHPUT_CONNECTIONS ?? 50);
const SECONDS = Number(process.env.THROUGHPUT_SECONDS ?? 10);

export async function throughputCheck(checks: Checks): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'atrium-throughput-'));
  chmodSync(tmp, 0o755);
  const db = await sharedDatabase();
  try {
    for (const workers of [1, 2]) {
      const env = { DATABASE_URL: db.url, SESSION_SECRET: randomBytes(32).toString('hex'), DATA_DIR: path.join(tmp, 'data'), WEB_CONCURRENCY: String(workers), LOG_LEVEL: 'info' };
      const server = await startServer(env, await freePort());
      try {
        if (workers === 1) spawnSync(process.execPath, ['dist/src/cli/index.js', 'seed'], { cwd: root, env: childEnv(env) });
        const browser = new Browser(server.base);
        await browser.login('emma@example.com', 'atrium-demo-1');
        const load = (duration: number) => autocannon({ url: `${server.base}/tasks`, connections: CONNECTIONS, duration, timeout: 30, headers: { cookie: browser.cookie } });
        await load(3);
        let peak = 0;
        const sampler = setInterval(() => (peak = Math.max(peak, ...workerPids(server.pid).map(rssMb))), 250);
        const result = await load(SECONDS);
        clearInterval(sampler);
        checks.ok(result.non2xx === 0 && result.errors === 0, `${workers} ${workers === 1 ? 'worker' : 'workers'}: every response 200`, `non-2xx ${result.non2xx}, errors ${result.errors}`);
        checks.figure(`/tasks with ${workers} ${workers === 1 ? 'worker' : 'workers'}, ${CONNECTIONS} connections × ${SECONDS} s: ${Math.round(result.requests.average)} req/s, p50 ${result.latency.p50} ms, p99 ${result.latency.p99} ms; peak RSS per worker ${peak} MB`);
      } finally {
        await server.stop('SIGTERM');
      }
    }
  } finally {
    await db.drop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
