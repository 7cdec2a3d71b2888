import { PassThrough } from 'node:stream';

/**
 * One open text/event-stream response (the body fastify sends). Writes events and comments in
 * the SSE format; a closed stream ignores further writes.
 */
export class EventStream {
  readonly body = new PassThrough();
  private ended = false;

  constructor(retryMs: number) {
    // How long a browser waits before it reconnects a stream the server ended (a restart).
    this.body.write(`retry: ${retryMs}\n\n`);
  }

  get closed(): boolean {
    return this.ended || this.body.destroyed;
  }

  send(event: string, data: string, id?: number): void {
    if (this.closed) return;
    const lines = data.split(/\r\n|\r|\n/).map((line) => `data: ${line}\n`).join('');
    this.body.write(`event: ${event}\n${id === undefined ? '' : `id: ${id}\n`}${lines}\n`);
  }

  /** A comment line: ignored by browsers, keeps proxies from closing an idle stream. */
  comment(text: string): void {
    if (!this.closed) this.body.write(`: ${text}\n\n`);
  }

  /** Ends the response; `farewell` is an event the page reads as "do not reconnect" (data-sse-close). */
  close(farewell?: string): void {
    if (this.closed) return;
    if (farewell) this.send(farewell, '');
    this.ended = true;
    this.body.end();
  }
}
