import pg from 'pg';

export interface ListenerOptions {
  url: string;
  channel: string;
  onNotification(payload: string): void;
  /** After a lost connection is back: whatever was sent since `lostAt` was missed. */
  onReconnect(lostAt: Date): void;
  log(level: 'info' | 'warn', message: string, err?: unknown): void;
}

const FIRST_DELAY_MS = 250;
const MAX_DELAY_MS = 10_000;

/**
 * One dedicated LISTEN connection (never from the request pool: a pooled connection is handed to
 * others and LISTEN is per connection). A lost connection is opened again with exponential backoff
 * and jitter; each time it is back, `onReconnect` lets the streams catch up.
 */
export class LiveListener {
  private client: pg.Client | null = null;
  private started = false;
  private stopped = false;
  private everConnected = false;
  private attempt = 0;
  /** When the connection was lost, until it is back. */
  private lostAt: Date | null = null;
  private timer: NodeJS.Timeout | null = null;
  private waiters: (() => void)[] = [];

  constructor(private readonly opts: ListenerOptions) {}

  get listening(): boolean {
    return this.client !== null;
  }

  /** Starts listening (once); resolves when LISTEN is in place, or false after `timeoutMs`. */
  async ready(timeoutMs: number): Promise<boolean> {
    if (!this.started) {
      this.started = true;
      void this.connect();
    }
    if (this.client) return true;
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== onReady);
        resolve(ok);
      };
      const onReady = () => done(true);
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.push(onReady);
    });
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => {});
  }

  private async connect(): Promise<void> {
    this.timer = null;
    if (this.stopped) return;
    const client = new pg.Client({ connectionString: this.opts.url, keepAlive: true, connectionTimeoutMillis: 3_000, application_name: 'atrium-live' });
    let lost = false;
    const onLost = (err?: unknown) => {
      if (lost) return;
      lost = true;
      this.lostAt ??= new Date();
      if (this.client === client) this.client = null;
      client.end().catch(() => {});
      this.retry(err);
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (msg) => {
      if (msg.channel === this.opts.channel && typeof msg.payload === 'string') this.opts.onNotification(msg.payload);
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${this.opts.channel}`);
    } catch (err) {
      onLost(err);
      return;
    }
    if (lost) return;
    if (this.stopped) {
      await client.end().catch(() => {});
      return;
    }
    this.client = client;
    this.attempt = 0;
    const lostAt = this.lostAt;
    this.lostAt = null;
    if (this.everConnected) {
      this.opts.log('info', 'live updates: listening again');
      this.opts.onReconnect(lostAt ?? new Date());
    }
    this.everConnected = true;
    for (const w of this.waiters) w();
  }

  private retry(err?: unknown): void {
    if (this.stopped || this.timer) return;
    const delay = Math.min(MAX_DELAY_MS, FIRST_DELAY_MS * 2 ** this.attempt) * (0.5 + Math.random() / 2);
    if (this.attempt === 0) this.opts.log('warn', 'live updates: LISTEN connection lost; reconnecting', err);
    this.attempt++;
    this.timer = setTimeout(() => void this.connect(), delay);
  }
}
