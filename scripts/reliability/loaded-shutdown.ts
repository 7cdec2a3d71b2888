// Issue 15 item 5: SIGTERM to an app process that is under load behind deploy/nginx.conf (whose
// upstream keeps idle keep-alive connections open) ends it cleanly within its grace period, every
// time. TRIES + 1 processes behind nginx, 200 connections on /tasks through nginx; every
// LOAD_BETWEEN_SIGNALS_MS one more process gets SIGTERM while the load goes on; the last one stays,
// and nginx sends what the stopping ones refuse to the others.
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
const LOAD_BETWEEN_SIGNALS_MS = 2000;

export async function loadedShutdownCheck(checks: Checks): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'atrium-loaded-shutdown-'));
  chmodSync(tmp, 0o755);
  const db = await sharedDatabase();
  const env = { DATABASE_URL: db.url, TRUST_PROXY: 'true', SESSION_SECRET: randomBytes(32).toString('hex'), DATA_DIR: path.join(tmp, 'data'), WEB_CONCURRENCY: '1' };
  const ports = await Promise.all(Array.from({ length: TRIES + 1 }, () => freePort()));
  const servers: Running[] = [];
  let nginx: Nginx | null = null;
  try {
    servers.push(...(await Promise.all(ports.map((port) => startServer(env, port)))));
    const seed = spawnSync(process.execPath, ['dist/src/cli/index.js', 'seed'], { cwd: root, env: childEnv(env), encoding: 'utf8' });
    if (seed.status !== 0) throw new Error(`seed failed: ${seed.stderr}`);
    nginx = await startNginx(path.join(tmp, 'nginx'), { http: await freePort(), https: await freePort(), upstreams: ports });
    const browser = new Browser(nginx.https);
    await browser.login('emma@example.com', 'atrium-demo-1');

    const duration = ((TRIES + 1) * LOAD_BETWEEN_SIGNALS_MS) / 1000;
    const load = autocannon({ url: `${nginx.https}/tasks`, connections: LOAD_CONNECTIONS, duration, timeout: 20, headers: { cookie: browser.cookie } });
    const exits: { code: number | null; ms: number }[] = [];
    for (const server of servers.slice(0, TRIES)) {
      await sleep(LOAD_BETWEEN_SIGNALS_MS);
      exits.push(await server.stop('SIGTERM'));
    }
    const result = await load;
    const told = exits.map((e) => `exit ${e.code} in ${e.ms} ms`).join(', ');
    checks.ok(exits.every((e) => e.code === 0 && e.ms < GRACE_MS), `SIGTERM under ${LOAD_CONNECTIONS} connections through nginx: exit 0 within ${GRACE_MS / 1000} s, ${TRIES} times out of ${TRIES}`, told);
    checks.ok(result['5xx'] === 0 && result.errors === 0, 'and the load through nginx saw no 5xx and no errors', `${result.requests.total} requests, ${result['5xx']} 5xx, ${result.errors} errors`);
    checks.figure(`SIGTERM under ${LOAD_CONNECTIONS} connections through nginx (${TRIES} tries): ${told}; ${result.requests.total} requests, ${result['5xx']} 5xx, ${result.errors} errors`);
  } finally {
    await nginx?.stop();
    for (const server of servers) await server.stop('SIGKILL').catch(() => {});
    await db.drop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
