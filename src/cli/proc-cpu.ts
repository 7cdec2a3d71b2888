import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import type { Knex } from 'knex';

/**
 * CPU time of processes from /proc (Linux), for the benches (issue 16): sum of user and system
 * time (utime + stime, fields 14 and 15 of /proc/<pid>/stat) of a set of processes, sampled twice;
 * the difference over the wall time between is the share of one core they used.
 */

/** Clock ticks per second (the unit of /proc/<pid>/stat times); 100 where getconf is missing. */
export function clockTicksPerSecond(): number {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
}

/** utime + stime of one process, in clock ticks; null when it is gone (or not readable). */
export function processTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // fields[0] is field 3 (state): utime is field 14, stime field 15.
    return Number(fields[11]) + Number(fields[12]);
  } catch {
    return null;
  }
}

/** A process and all its descendants (a cluster primary and its workers), from /proc/<pid>/task/<tid>/children. */
export function processTree(pid: number): number[] {
  const found = [pid];
  for (let i = 0; i < found.length; i++) {
    const p = found[i] as number;
    try {
      const children = readFileSync(`/proc/${p}/task/${p}/children`, 'utf8').trim();
      if (children) found.push(...children.split(/\s+/).map(Number));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** The server processes serving one database (pg_stat_activity): its backends, not the postmaster's helpers. */
export async function postgresBackendPids(db: Knex, database?: string): Promise<number[]> {
  const rows = (await db.raw('select pid from pg_stat_activity where datname = coalesce(?, current_database())', [database ?? null])).rows as { pid: number }[];
  return rows.map((r) => r.pid);
}

export interface CpuSample {
  /** performance.now() when taken. */
  at: number;
  ticks: Map<number, number>;
}

export function sampleCpu(pids: Iterable<number>): CpuSample {
  const ticks = new Map<number, number>();
  for (const pid of new Set(pids)) {
    const n = processTicks(pid);
    if (n !== null) ticks.set(pid, n);
  }
  return { at: performance.now(), ticks };
}

/**
 * Share of one core (100 = one core busy) used between two samples by the processes of `end`; a
 * process that appeared meanwhile counts from zero, one that ended meanwhile is not counted.
 */
export function cpuPercent(start: CpuSample, end: CpuSample, ticksPerSecond = clockTicksPerSecond()): number {
  let used = 0;
  for (const [pid, ticks] of end.ticks) used += ticks - (start.ticks.get(pid) ?? 0);
  const seconds = (end.at - start.at) / 1000;
  return seconds > 0 ? (100 * used) / ticksPerSecond / seconds : 0;
}
