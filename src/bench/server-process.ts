import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { projectRoot } from '../config.js';

export interface RunningServer {
  pid: number;
  baseUrl: string;
  /** Peak resident memory so far (VmHWM), in MB. */
  peakRssMb(): number;
  stop(): Promise<void>;
}

/** VmHWM of a process from /proc (Linux), in MB; 0 when unreadable. */
export function peakRssOf(pid: number): number {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}

/** The direct children of a process (Linux), from /proc. */
function childPids(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Starts `node <script>` with `env` and waits until `readyPath` answers 200. */
export async function startProcess(script: string, env: NodeJS.ProcessEnv, port: number, readyPath: string): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, [path.join(projectRoot, script)], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit'] });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${script}`);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const baseUrl = `http://127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    try {
      if ((await fetch(baseUrl + readyPath)).ok) break;
    } catch {
      // not listening yet
    }
    if (i > 300) throw new Error(`${script} did not start within 30 s`);
    await sleep(100);
  }
  return {
    pid,
    baseUrl,
    // The server is a primary and its worker(s): the figure is the largest of them.
    peakRssMb: () => Math.max(peakRssOf(pid), ...childPids(pid).map(peakRssOf)),
    async stop() {
      // autocannon returns at its deadline with requests still in flight; let them finish first.
      await sleep(2000);
      child.kill('SIGTERM');
      await exited;
    },
  };
}
