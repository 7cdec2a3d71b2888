import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { send } from './client.js';

export const root = path.resolve(import.meta.dirname, '../..');

export { freePort } from '../../test/free-port.js';

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Running {
  proc: ChildProcess;
  pid: number;
  port: number;
  base: string;
  output: () => string;
  /** Sends the signal and waits for the exit; the time from signal to exit in ms. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; ms: number }>;
  exited: Promise<number | null>;
}

/** This process's environment with `extra` over it; a key given as undefined is removed (DATABASE_URL: undefined = embedded). */
export function childEnv(extra: Record<string, string | undefined>): Record<string, string> {
  const merged: Record<string, string | undefined> = { ...process.env, ...extra };
  return Object.fromEntries(Object.entries(merged).filter((e): e is [string, string] => e[1] !== undefined));
}

/** The arguments `npm start` gives node (package.json's "start" script), so the checks run what production runs. */
export function npmStartArgs(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { scripts: { start: string } };
  const [node, ...args] = pkg.scripts.start.split(/\s+/);
  if (node !== 'node' || !args.includes('dist/src/server.js')) throw new Error(`unexpected start script: ${pkg.scripts.start}`);
  return args;
}

/** Starts the production build as `npm start` does (a primary and its workers) and waits until /healthz answers 200. */
export async function startServer(env: Record<string, string | undefined>, port: number, timeoutMs = 90_000): Promise<Running> {
  const proc = spawn(process.execPath, npmStartArgs(), {
    cwd: root,
    env: childEnv({ LOG_LEVEL: 'warn', ...env, PORT: String(port), HOST: '127.0.0.1' }),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  let gone = false;
  void exited.then(() => (gone = true));
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (gone) throw new Error(`server on ${port} exited during start:\n${out}`);
    const ok = await send(`${base}/healthz`).then((r) => r.status === 200, () => false);
    if (ok) break;
    if (Date.now() > until) {
      proc.kill('SIGKILL');
      throw new Error(`server on ${port} did not become healthy:\n${out}`);
    }
    await sleep(200);
  }
  return {
    proc,
    pid: proc.pid ?? 0,
    port,
    base,
    output: () => out,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      const started = Date.now();
      if (!gone) proc.kill(signal);
      const code = await exited;
      return { code, ms: Date.now() - started };
    },
  };
}

/** The node processes whose parent is `pid`: the workers of a primary (its embedded PostgreSQL is not node). */
export function workerPids(pid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && readlinkSync(`/proc/${entry}/exe`) === process.execPath) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found.sort((a, b) => a - b);
}

/** Resident memory of a process in MB, from /proc (0 once it is gone). */
export function rssMb(pid: number): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}
