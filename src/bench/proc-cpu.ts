import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Knex } from 'knex';

/**
 * CPU time of processes from /proc (Linux): what a request costs the machine, stable even when
 * other work makes req/s and latency noisy. Samples are milliseconds of user + system time.
 */

let ticksPerSecond: number | null = null;
function clockTicks(): number {
  if (ticksPerSecond === null) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
    } catch {
      ticksPerSecond = 100;
    }
  }
  return ticksPerSecond;
}

/** utime + stime of one process in ms; null when it is gone. */
export function cpuMsOf(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return ((utime + stime) * 1000) / clockTicks();
  } catch {
    return null;
  }
}

/** A process and all its descendants (a cluster primary and its workers). */
export function processTree(pid: number): number[] {
  const all = [pid];
  for (let i = 0; i < all.length; i++) {
    const parent = all[i] as number;
    try {
      for (const child of readFileSync(`/proc/${parent}/task/${parent}/children`, 'utf8').trim().split(/\s+/)) {
        if (child) all.push(Number(child));
      }
    } catch {
      // gone meanwhile
    }
  }
  return all;
}

/** PostgreSQL backends serving `database`, except connections that name themselves `exceptApplication`. */
export async function backendPids(db: Knex, database: string, exceptApplication: string): Promise<number[]> {
  const rows = (await db.raw(
    `select pid from pg_stat_activity where datname = ? and backend_type = 'client backend' and coalesce(application_name, '') <> ? and pid <> pg_backend_pid()`,
    [database, exceptApplication],
  )).rows as { pid: number }[];
  return rows.map((r) => r.pid);
}

/** CPU ms so far of each process, and when it was read. */
export interface CpuSample {
  at: number;
  ms: Map<number, number>;
}

export function sample(pids: Iterable<number>): CpuSample {
  const ms = new Map<number, number>();
  for (const pid of new Set(pids)) {
    const used = cpuMsOf(pid);
    if (used !== null) ms.set(pid, used);
  }
  return { at: performance.now(), ms };
}

/**
 * CPU ms spent between two samples. A process that appeared in between counts from zero (it started
 * during the run); one that ended in between is lost, so runs should be shorter than the pool's idle timeout.
 */
export function spentBetween(before: CpuSample, after: CpuSample): number {
  let total = 0;
  for (const [pid, ms] of after.ms) total += ms - (before.ms.get(pid) ?? 0);
  return total;
}

/** Share of one core (100 = one core busy) the processes used between two samples. */
export function cpuPercent(before: CpuSample, after: CpuSample): number {
  const wallMs = after.at - before.at;
  return wallMs > 0 ? (100 * spentBetween(before, after)) / wallMs : 0;
}
