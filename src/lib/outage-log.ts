import type { FastifyBaseLogger } from 'fastify';

/**
 * A database outage in the log: one error line when the first request is refused, one line
 * when a query succeeds again, however many requests were answered 503 in between.
 */
export class OutageLog {
  private since: number | null = null;
  private refused = 0;

  constructor(private readonly log: FastifyBaseLogger) {}

  refused503(err: unknown): void {
    this.refused++;
    if (this.since !== null) return;
    this.since = Date.now();
    this.log.error({ err }, 'database unavailable: answering 503 until it is back');
  }

  reachable(): void {
    if (this.since === null) return;
    const seconds = ((Date.now() - this.since) / 1000).toFixed(1);
    this.log.info(`database reachable again after ${seconds} s; ${this.refused} requests were answered 503`);
    this.since = null;
    this.refused = 0;
  }
}
