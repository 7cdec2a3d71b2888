import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
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

/** Starts the production build (`node dist/src/server.js`) and waits until /healthz answers 200. */
export async function startServer(env: Record<string, string | undefined>, port: number, timeoutMs = 90_000): Promise<Running> {
  const proc = spawn(process.execPath, ['--max-old-space-size=128', path.join(root, 'dist/src/server.js')], {
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

/** Resident memory of a process in MB, from /proc (0 once it is gone). */
export function rssMb(pid: number): number {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
    return Math.round(kb / 1024);
  } catch {
    return 0;
  }
}
