import autocannon from 'autocannon';

export interface LoadResult {
  requestsPerSecond: number;
  /** Requests answered during the run. */
  requests: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

/** Loads one URL with autocannon (16 connections by default) for `duration` seconds. */
export async function loadUrl(url: string, cookie: string | null, duration: number, connections = 16): Promise<LoadResult> {
  const result = await autocannon({ url, connections, duration, headers: cookie ? { cookie } : {} });
  return {
    requestsPerSecond: Math.round(result.requests.average),
    requests: result.requests.total,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}
