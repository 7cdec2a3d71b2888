import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import type { Knex } from 'knex';
import { HttpError } from '../lib/errors.js';
import { LIVE_CHANNEL, parseLiveEvent } from '../live/channel.js';
import { Delivery, type Subscriber } from '../live/delivery.js';
import { EventStream } from '../live/event-stream.js';
import { LiveHub } from '../live/hub.js';
import { LiveListener } from '../live/listener.js';

/** What a stream follows besides the header's unread count: nothing, or one conversation. */
export interface Follow {
  conversationId?: number | null;
  /** A direct chat with no message yet: the two people (channel.ts pairKey). */
  pair?: string | null;
  /** The newest message the page shows. */
  after?: number;
  /** When the page was made (its edits and deletions since then are replayed). */
  since?: Date | null;
}

export interface Live {
  /** Answers the request with an event stream (text/event-stream), or refuses it (406, 429, 503). */
  open(request: FastifyRequest, reply: FastifyReply, follow: Follow): Promise<FastifyReply>;
  readonly hub: LiveHub;
}

declare module 'fastify' {
  interface FastifyInstance {
    live: Live;
  }
}

/** How long a stream request waits for the LISTEN connection before it is answered 503. */
const LISTEN_WAIT_MS = 3_000;

/** The connection string of a knex instance (the listener opens its own connection to the same database). */
function connectionString(db: Knex): string {
  const connection = (db.client as { config: { connection?: { connectionString?: string } } }).config.connection;
  if (!connection?.connectionString) throw new Error('live updates need a knex instance made from a connection string');
  return connection.connectionString;
}

/** Last-Event-ID (a browser reconnecting): the newest message it has; anything else is ignored. */
function lastEventId(request: FastifyRequest): number {
  const raw = request.headers['last-event-id'];
  return typeof raw === 'string' && /^\d{1,15}$/.test(raw) ? Number(raw) : 0;
}

/**
 * Issue 16, "Idle cost": chat and the header's unread count pushed by server-sent events, fed by
 * PostgreSQL LISTEN/NOTIFY. Each app instance (one per worker process) holds one LISTEN connection
 * of its own and fans out to its open streams in memory (live/hub.ts).
 */
export default fp(
  async function livePlugin(app: FastifyInstance, opts: { db: Knex; heartbeatMs?: number }) {
    const log = (level: 'info' | 'warn', message: string, err?: unknown) => app.log[level]({ err }, message);
    const delivery = new Delivery(opts.db, (template, data) => app.view(template, data));
    const hub = new LiveHub(delivery, log, opts.heartbeatMs);
    const listener = new LiveListener({
      url: connectionString(opts.db),
      channel: LIVE_CHANNEL,
      onNotification: (payload) => {
        const event = parseLiveEvent(payload);
        if (event) hub.handle(event);
      },
      onReconnect: (lostAt) => hub.resync(lostAt),
      log,
    });

    async function open(request: FastifyRequest, reply: FastifyReply, follow: Follow): Promise<FastifyReply> {
      const viewer = request.viewer;
      if (!viewer.signedIn) throw new HttpError(404);
      // Only EventSource asks for this; a plain visit (or a crawler) is not held open.
      if (!/\btext\/event-stream\b/.test(String(request.headers.accept ?? ''))) throw new HttpError(406);
      if (!(await listener.ready(LISTEN_WAIT_MS))) throw new HttpError(503);
      const stream = new EventStream(2_000 + Math.floor(Math.random() * 3_000));
      const sub: Subscriber = {
        stream,
        sid: request.session.sessionId,
        userId: viewer.id,
        conversationId: follow.conversationId ?? null,
        pair: follow.conversationId ? null : (follow.pair ?? null),
        lastMessageId: Math.max(follow.after ?? 0, lastEventId(request)),
        since: follow.since ?? null,
      };
      if (!hub.admit(sub)) {
        stream.close();
        throw new HttpError(429);
      }
      reply.raw.on('close', () => {
        hub.remove(sub);
        stream.close();
      });
      return reply
        .header('Content-Type', 'text/event-stream; charset=utf-8')
        .header('Cache-Control', 'no-store')
        .header('X-Accel-Buffering', 'no')
        .send(stream.body);
    }

    app.decorate('live', { open, hub } satisfies Live);
    // Open streams would hold the HTTP server's close (and the graceful shutdown) forever.
    app.addHook('preClose', async () => hub.closeAll());
    app.addHook('onClose', async () => listener.stop());
  },
  { name: 'live', dependencies: ['views'] },
);
