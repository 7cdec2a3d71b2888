// Issue 15 item 5: SIGTERM to an app process that is under load behind deploy/nginx.conf (whose
// upstream keeps idle keep-alive connections open) ends it cleanly within its grace period, every
// time. TRIES + 1 processes behind nginx, 200 connections on /tasks through nginx; in each try one
// more process gets SIGTERM in the middle of the load; the last one stays, and nginx sends what
// the stopping ones refuse to the others.
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import type { Checks } from './check.js';
import { Browser } from './client.js';
import { sharedDatabase } from './database.js';
import { startNginx, type Nginx } from './nginx.js';
import { LOAD_CONNECTIONS } from './overload.js';
import { childEnv, freePort, root, sleep, startServer, type Running } from './server.js';

const TRIES = 3;
const GRACE_MS = 10_000;
const LOAD_BEFORE_SIGNAL_MS = 2000;
const LOAD_AFTER_SIGNAL_MS = 2000;

export async function loadedShutdownCheck(checks: Checks): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'atrium-loaded-shutdown-'));
  chmodSync(tmp, 0o755);
  const db = await sharedDatabase();
  const env = { DATABASE_URL: db.url, TRUST_PROXY: 'true', SESSION_SECRET: randomBytes(32).toString('hex'), DATA_DIR: path.join(tmp, 'data'), WEB_CONCURRENCY: '1' };
  const ports = await Promise.all(Array.from({ length: TRIES + 1 }, () => freePort()));
  const servers: Running[] = [];
  let nginx: Nginx | null = null;
  try {
    // The first one migrates the new database; then the others start together.
    const [first, ...others] = ports as [number, ...number[]];
    servers.push(await startServer(env, first));
    servers.push(...(await Promise.all(others.map((port) => startServer(env, port)))));
    const seed = spawnSync(process.execPath, ['dist/src/cli/index.js', 'seed'], { cwd: root, env: childEnv(env), encoding: 'utf8' });
    if (seed.status !== 0) throw new Error(`seed failed: ${seed.stderr}`);
    nginx = await startNginx(path.join(tmp, 'nginx'), { http: await freePort(), https: await freePort(), upstreams: ports });
    const browser = new Browser(nginx.https);
    await browser.login('emma@example.com', 'atrium-demo-1');

    // Each try: load, SIGTERM to one more process, and the load ends soon after, so nginx keeps
    // the connections that were busy at the signal open and idle (what used to hold the exit).
    const exits: { code: number | null; ms: number }[] = [];
    let requests = 0;
    let failed = 0;
    for (const server of servers.slice(0, TRIES)) {
      const load = autocannon({ url: `${nginx.https}/tasks`, connections: LOAD_CONNECTIONS, duration: (LOAD_BEFORE_SIGNAL_MS + LOAD_AFTER_SIGNAL_MS) / 1000, timeout: 20, headers: { cookie: browser.cookie } });
      await sleep(LOAD_BEFORE_SIGNAL_MS);
      const exit = server.stop('SIGTERM');
      const result = await load;
      exits.push(await exit);
      requests += result.requests.total;
      failed += result['5xx'] + result.errors;
    }
    const told = exits.map((e) => `exit ${e.code} in ${e.ms} ms`).join(', ');
    checks.ok(exits.every((e) => e.code === 0 && e.ms < GRACE_MS), `SIGTERM under ${LOAD_CONNECTIONS} connections through nginx: exit 0 within ${GRACE_MS / 1000} s, ${TRIES} times out of ${TRIES}`, told);
    // Without answers no connection was ever busy and then idle: nothing would have been tested.
    checks.ok(requests > 0 && failed === 0, 'and the load through nginx got answers, no 5xx and no errors', `${requests} requests, ${failed} 5xx or errors`);
    checks.figure(`SIGTERM under ${LOAD_CONNECTIONS} connections through nginx (${TRIES} tries): ${told}; ${requests} requests, ${failed} 5xx or errors`);
  } finally {
    await nginx?.stop();
    for (const server of servers) await server.stop('SIGKILL').catch(() => {});
    await db.drop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
