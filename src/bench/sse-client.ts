import http from 'node:http';

export interface SseEvent {
  event: string;
  data: string;
  id: string | null;
  /** performance.now() when it arrived. */
  at: number;
}

type Waiter = { event: string; from: number; resolve: (e: SseEvent | null) => void; timer: NodeJS.Timeout };

/**
 * A minimal EventSource over node:http for tests and the bench: one connection per stream, events
 * parsed as a browser would (comments skipped, data lines joined), no reconnecting.
 */
export class SseClient {
  readonly events: SseEvent[] = [];
  /** Resolves when the server ends the stream (or it is closed here). */
  readonly ended: Promise<void>;
  private buffer = '';
  private waiters: Waiter[] = [];
  private finish: () => void = () => {};
  private constructor(
    readonly status: number,
    readonly headers: http.IncomingHttpHeaders,
    private readonly request: http.ClientRequest,
    response: http.IncomingMessage,
  ) {
    this.ended = new Promise((resolve) => {
      this.finish = resolve;
    });
    response.setEncoding('utf8');
    response.on('data', (chunk: string) => this.take(chunk));
    response.on('close', () => this.end());
    response.on('error', () => this.end());
  }

  /** Opens a stream; resolves once the response's headers are in (any status). */
  static open(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
    return new Promise((resolve, reject) => {
      const request = http.get(url, { agent: false, headers: { accept: 'text/event-stream', ...headers } }, (response) => resolve(new SseClient(response.statusCode ?? 0, response.headers, request, response)));
      request.on('error', reject);
    });
  }

  /** The first event named `event` at or after index `from` (default: the next one to come), or null after `timeoutMs`. */
  next(event: string, timeoutMs: number, from = this.events.length): Promise<SseEvent | null> {
    const found = this.events.slice(from).find((e) => e.event === event);
    if (found) return Promise.resolve(found);
    return new Promise((resolve) => {
      const waiter: Waiter = { event, from, resolve, timer: setTimeout(() => this.settle(waiter, null), timeoutMs) };
      this.waiters.push(waiter);
    });
  }

  close(): void {
    this.request.destroy();
    this.end();
  }

  private settle(waiter: Waiter, value: SseEvent | null): void {
    clearTimeout(waiter.timer);
    this.waiters = this.waiters.filter((w) => w !== waiter);
    waiter.resolve(value);
  }

  private end(): void {
    for (const w of [...this.waiters]) this.settle(w, null);
    this.finish();
  }

  private take(chunk: string): void {
    this.buffer += chunk.replace(/\r\n?/g, '\n');
    let cut: number;
    while ((cut = this.buffer.indexOf('\n\n')) >= 0) {
      const block = this.buffer.slice(0, cut);
      this.buffer = this.buffer.slice(cut + 2);
      let event = 'message';
      let id: string | null = null;
      const data: string[] = [];
      let any = false;
      for (const line of block.split('\n')) {
        if (line === '' || line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon < 0 ? line : line.slice(0, colon);
        const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') {
          data.push(value);
          any = true;
        } else if (field === 'id') id = value;
      }
      if (!any) continue;
      const e: SseEvent = { event, data: data.join('\n'), id, at: performance.now() };
      this.events.push(e);
      for (const w of [...this.waiters]) if (w.event === event && this.events.length - 1 >= w.from) this.settle(w, e);
    }
  }
}
