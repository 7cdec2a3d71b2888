export interface Row {
  page: string;
  path: string;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  queries: number | null;
  /** Median ms of one request alone, in-process (see solo.ts). */
  soloMs: number | null;
  bytes: number;
  status: number;
  non2xx: number;
}

/** One plain-text table: page, req/s, p50, p99, one request alone, queries per request, bytes. */
export function table(rows: readonly Row[]): string {
  const head = ['page', 'req/s', 'p50 ms', 'p99 ms', 'solo ms', 'queries', 'bytes', 'non-2xx'];
  const lines = rows.map((r) => [r.page, String(r.requestsPerSecond), String(r.p50Ms), String(r.p99Ms), r.soloMs === null ? '-' : String(r.soloMs), r.queries === null ? '-' : String(r.queries), String(r.bytes), String(r.non2xx)]);
  const widths = head.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const fmt = (cells: string[]) => '| ' + cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ') + ' |';
  return [fmt(head), '|' + widths.map((w, i) => (i === 0 ? ':' : '') + '-'.repeat(w + 1) + (i === 0 ? '' : ':')).join('|') + '|', ...lines.map(fmt)].join('\n');
}
