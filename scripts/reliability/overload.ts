// Overload: 200 connections held against the busiest page (/tasks, signed in) of one app worker
// for RELIABILITY_LOAD_SECONDS (60; 15 when CI=true), after a 5 s warm-up at the same load (the
// heap and the pool fill up). No 5xx, no connection errors, and resident memory levels off: after
// the warm-up it grows by less than GROWTH_MB over the whole run.
import autocannon from 'autocannon';
import type { Checks } from './check.js';
import { rssMb, sleep } from './server.js';

export const LOAD_CONNECTIONS = 200;
export const loadSeconds = Number(process.env.RELIABILITY_LOAD_SECONDS ?? (process.env.CI === 'true' ? 15 : 60));
const WARM_UP_SECONDS = 5;
/** Growth allowed from the end of the warm-up to the end of the run, and the ceiling at any time (issue 16: < 300 MB per worker). */
const GROWTH_MB = 96;
const CEILING_MB = 300;

export async function overloadCheck(checks: Checks, target: { url: string; cookie: string; pid: number }): Promise<void> {
  const idle = rssMb(target.pid);
  const load = (duration: number) => autocannon({ url: target.url, connections: LOAD_CONNECTIONS, duration, timeout: 30, headers: { cookie: target.cookie } });
  const warm = await load(WARM_UP_SECONDS);
  const mid = rssMb(target.pid);
  const samples: number[] = [];
  const sampler = setInterval(() => samples.push(rssMb(target.pid)), 500);
  let result: autocannon.Result;
  try {
    result = await load(loadSeconds);
  } finally {
    clearInterval(sampler);
  }
  await sleep(2000);
  const after = rssMb(target.pid);
  const end = samples[samples.length - 1] ?? 0;
  const peak = Math.max(...samples, 0);
  const total = result.requests.total;
  checks.ok(warm['5xx'] === 0 && warm.errors === 0, `warm-up (${WARM_UP_SECONDS} s): no 5xx, no errors`, `${warm.requests.total} requests`);
  checks.ok(result['5xx'] === 0, `no 5xx under ${LOAD_CONNECTIONS} connections for ${loadSeconds} s`, `${result['5xx']} of ${total}`);
  checks.ok(result.errors === 0 && result.timeouts === 0, 'no connection errors or timeouts', `errors ${result.errors}, timeouts ${result.timeouts}`);
  checks.ok(result['2xx'] === total && total > 0, 'every response is the page (200)', `2xx ${result['2xx']}, 3xx ${result['3xx']}, 4xx ${result['4xx']}`);
  checks.ok(end - mid < GROWTH_MB && peak < CEILING_MB, `memory levels off, below ${CEILING_MB} MB`, `RSS idle ${idle} MB, after warm-up ${mid} MB, end ${end} MB, peak ${peak} MB, 2 s after ${after} MB`);
  checks.figure(
    `overload: ${LOAD_CONNECTIONS} connections × ${loadSeconds} s on /tasks: ${total} requests (${Math.round(result.requests.average)}/s), ` +
      `latency p50 ${result.latency.p50} ms p99 ${result.latency.p99} ms, 5xx ${result['5xx']}, errors ${result.errors}, ` +
      `RSS idle ${idle} → after warm-up ${mid} → end ${end} MB (peak ${peak}, 2 s later ${after})`,
  );
}
