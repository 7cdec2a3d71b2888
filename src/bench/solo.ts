import type { FastifyInstance } from 'fastify';

/**
 * Median time of one request alone (in-process through app.inject, one after another): what a page
 * costs without queueing, so less sensitive than req/s to other work on a shared machine.
 */
export async function soloMs(app: FastifyInstance, path: string, cookie: string | null, runs = 15): Promise<number> {
  const headers = cookie ? { cookie } : {};
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    await app.inject({ url: path, headers });
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return Math.round((times[Math.floor(times.length / 2)] ?? 0) * 10) / 10;
}
