export interface Row {
  page: string;
  path: string;
  requestsPerSecond: number;
  requests: number;
  p50Ms: number;
  p99Ms: number;
  /** CPU ms per request of the app processes and of their PostgreSQL backends (from /proc); null when not measured. */
  appCpuMs: number | null;
  pgCpuMs: number | null;
  budgetMs: number | null;
  queries: number | null;
  /** Median ms of one request alone, in-process (see solo.ts). */
  soloMs: number | null;
  bytes: number;
  status: number;
  non2xx: number;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** App + PostgreSQL CPU ms per request, when both were measured. */
export function cpuMsPerRequest(r: Row): number | null {
  return r.appCpuMs === null || r.pgCpuMs === null ? null : round2(r.appCpuMs + r.pgCpuMs);
}

function budgetCell(r: Row): string {
  const total = cpuMsPerRequest(r);
  if (r.budgetMs === null || total === null) return '-';
  return `${r.budgetMs} ${total <= r.budgetMs ? 'met' : 'OVER'}`;
}

const dash = (n: number | null) => (n === null ? '-' : String(n));

/** One plain-text table: page, CPU per request (app, PostgreSQL, both, budget), req/s, p50, p99, one request alone, queries, bytes. */
export function table(rows: readonly Row[]): string {
  const head = ['page', 'cpu ms/req', 'app', 'pg', 'budget', 'req/s', 'p50 ms', 'p99 ms', 'solo ms', 'queries', 'bytes', 'non-2xx'];
  const lines = rows.map((r) => [
    r.page,
    dash(cpuMsPerRequest(r)),
    dash(r.appCpuMs),
    dash(r.pgCpuMs),
    budgetCell(r),
    String(r.requestsPerSecond),
    String(r.p50Ms),
    String(r.p99Ms),
    dash(r.soloMs),
    dash(r.queries),
    String(r.bytes),
    String(r.non2xx),
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ') + ' |';
  return [fmt(head), '|' + widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|') + '|', ...lines.map(fmt)].join('\n');
}

export { round2 };
