// Issue 16 (both cores) and issue 15 item 4, on the embedded PostgreSQL as `npm start` runs it:
// WEB_CONCURRENCY workers (default: one per CPU) serve one port; a worker that dies is replaced at
// once while the others keep serving; a postmaster killed with SIGKILL is started again and the
// app serves again by itself; SIGTERM with a dead postmaster exits promptly (exit 0) and leaves no
// PostgreSQL behind; the start script sets no small heap cap.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runningServer } from '../../src/db/embedded.js';
import type { Checks } from './check.js';
import { send } from './client.js';
import { freePort, npmStartArgs, sleep, startServer, workerPids, type Running } from './server.js';

const RECOVERY_LIMIT_MS = 30_000;
/** Well inside the 10 s grace period that waiting on the dead postmaster used to run out (about 0.5 s on a quiet machine). */
const DEAD_POSTMASTER_EXIT_LIMIT_MS = 7000;
/** Below this a heap cap makes V8 collect garbage all the time under load (issue 16). */
const SMALLEST_SENSIBLE_HEAP_MB = 256;

/** SIGKILL to one process; never to 0 (which would be our own process group). */
function killHard(pid: number | undefined, what: string): number {
  if (!pid) throw new Error(`no ${what} to kill`);
  process.kill(pid, 'SIGKILL');
  return pid;
}

async function until(condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<number | null> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    if (await condition()) return Date.now() - started;
    await sleep(50);
  }
  return null;
}

const healthy = (base: string) => send(`${base}/healthz`).then((r) => r.status === 200, () => false);

async function pagesServed(base: string, count: number): Promise<number> {
  let served = 0;
  for (let i = 0; i < count; i++) if ((await send(`${base}/login`).then((r) => r.status, () => 0)) === 200) served++;
  return served;
}

export async function workersCheck(checks: Checks): Promise<void> {
  const heapCap = Number(/--max-old-space-size=(\d+)/.exec(npmStartArgs().join(' '))?.[1] ?? Infinity);
  checks.ok(heapCap >= SMALLEST_SENSIBLE_HEAP_MB, `npm start caps the heap at no less than ${SMALLEST_SENSIBLE_HEAP_MB} MB`, `node ${npmStartArgs().join(' ')}`);

  const tmp = mkdtempSync(path.join(os.tmpdir(), 'atrium-workers-'));
  chmodSync(tmp, 0o755);
  const dataDir = path.join(tmp, 'data');
  const pgDir = path.join(dataDir, 'pg');
  const port = await freePort();
  const env = { DATABASE_URL: undefined, DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()), WEB_CONCURRENCY: '3', LOG_LEVEL: 'info' };
  let server: Running | null = null;
  try {
    server = await startServer(env, port);
    const s = server;
    // /healthz answers once one worker listens; the primary says when all of them do.
    await until(() => s.output().includes('Atrium ready'), 30_000);
    const workers = workerPids(s.pid);
    checks.ok(workers.length === 3, 'WEB_CONCURRENCY=3: three workers serve the port', `workers ${workers.join(', ')}`);

    // A worker dies: the others serve every request meanwhile, and a new one takes its place at once.
    const victim = killHard(workers[0], 'worker');
    const served = await pagesServed(s.base, 20);
    const replacedIn = await until(() => workerPids(s.pid).length === 3 && !workerPids(s.pid).includes(victim), 5000);
    if (!checks.ok(served === 20, 'a worker killed with SIGKILL: the next 20 requests are all served', `${served} of 20`)) console.log(s.output().slice(-4000));
    checks.ok(replacedIn !== null, 'and a new worker replaces it', replacedIn === null ? 'not within 5 s' : `in ${replacedIn} ms`);

    // The postmaster dies: the app answers again by itself, without a restart.
    const postmaster = killHard(runningServer(pgDir)?.pid, 'postmaster');
    await until(async () => !(await healthy(s.base)), 2000);
    // Crash recovery takes about a second on a quiet machine, several on a busy one.
    const backIn = await until(() => healthy(s.base), RECOVERY_LIMIT_MS);
    const newPostmaster = runningServer(pgDir)?.pid ?? 0;
    checks.ok(backIn !== null && newPostmaster !== postmaster, 'postmaster killed with SIGKILL: PostgreSQL is started again and /healthz answers 200 without restarting the app', backIn === null ? `still down after ${RECOVERY_LIMIT_MS / 1000} s` : `${backIn} ms`);
    checks.ok((await pagesServed(s.base, 5)) === 5, 'pages are served again');
    const restartLine = /embedded PostgreSQL is back after [^"]*/.exec(s.output())?.[0] ?? 'no restart logged';
    checks.figure(`postmaster SIGKILL → app serving again: ${backIn === null ? `> ${RECOVERY_LIMIT_MS}` : backIn} ms (${restartLine}); a killed worker replaced in ${replacedIn ?? '> 5000'} ms`);
    const clean = await s.stop('SIGTERM');
    checks.ok(clean.code === 0 && runningServer(pgDir) === null, 'SIGTERM: the primary drains its workers, stops PostgreSQL and exits 0', `exit ${clean.code} in ${clean.ms} ms`);

    // Default: one worker per CPU. Then SIGTERM right after the postmaster died.
    server = await startServer({ ...env, WEB_CONCURRENCY: undefined }, port);
    const second = server;
    await until(() => second.output().includes('Atrium ready'), 30_000);
    const byDefault = workerPids(server.pid).length;
    checks.ok(byDefault === os.availableParallelism(), 'WEB_CONCURRENCY unset: one worker per CPU', `${byDefault} workers, ${os.availableParallelism()} CPUs`);
    killHard(runningServer(pgDir)?.pid, 'postmaster');
    const { code, ms } = await server.stop('SIGTERM');
    checks.ok(code === 0 && ms < DEAD_POSTMASTER_EXIT_LIMIT_MS, 'SIGTERM just after the postmaster died: exit 0, waiting on no dead process', `exit ${code} in ${ms} ms`);
    checks.ok(runningServer(pgDir) === null, 'and no PostgreSQL is left running');
    checks.figure(`SIGTERM → exit: ${clean.ms} ms (3 workers, PostgreSQL up); ${ms} ms with the postmaster just killed (exit ${code})`);
  } catch (err) {
    console.log(server?.output().split('\n').filter((l) => !l.includes('"incoming request"') && !l.includes('"request completed"')).join('\n'));
    throw err;
  } finally {
    await server?.stop('SIGKILL').catch(() => {});
    const orphan = runningServer(pgDir);
    if (orphan) process.kill(orphan.pid, 'SIGINT');
    rmSync(tmp, { recursive: true, force: true });
  }
}
