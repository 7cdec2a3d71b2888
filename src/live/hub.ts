import { CHANGE_MARGIN_MS } from '../services/chat-changes.js';
import type { LiveEvent } from './channel.js';
import type { Delivery, Subscriber } from './delivery.js';

/** Open streams one session may hold in one process (browser tabs); the next one is refused (429). */
export const STREAMS_PER_SESSION = 10;
/** Open streams one person may hold in one process, all sessions together. */
export const STREAMS_PER_USER = 50;
/** A comment this often keeps proxies from closing an idle stream; sessions are checked as often. */
export const HEARTBEAT_MS = 25_000;

type Log = (level: 'info' | 'warn', message: string, err?: unknown) => void;

function addTo<K>(map: Map<K, Set<Subscriber>>, key: K, sub: Subscriber): void {
  const set = map.get(key);
  if (set) set.add(sub);
  else map.set(key, new Set([sub]));
}

function removeFrom<K>(map: Map<K, Set<Subscriber>>, key: K, sub: Subscriber): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(sub);
  if (set.size === 0) map.delete(key);
}

/**
 * The open streams of one process, in memory, and the fan-out from one NOTIFY to them. Work is
 * serialised per conversation and per person: an event that arrives while the same work runs
 * makes it run once more afterwards (coalesced), so a burst of messages costs a few reads and no
 * stream is sent a message twice.
 */
export class LiveHub {
  private readonly all = new Set<Subscriber>();
  private readonly byConversation = new Map<number, Set<Subscriber>>();
  private readonly byPair = new Map<string, Set<Subscriber>>();
  private readonly byUser = new Map<number, Set<Subscriber>>();
  private readonly bySession = new Map<string, Set<Subscriber>>();
  /** Work running, by key; true when it must run once more. */
  private readonly running = new Map<string, boolean>();
  /** Since when deliveries have failed (the database away), until a resync. */
  private stale: Date | null = null;
  private replays = 0;
  private closing = false;
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly delivery: Delivery,
    private readonly log: Log,
    heartbeatMs = HEARTBEAT_MS,
  ) {
    this.heartbeat = setInterval(() => this.beat(), heartbeatMs);
    this.heartbeat.unref();
  }

  get size(): number {
    return this.all.size;
  }

  /** Takes a new stream in, unless its session or person already holds the most allowed. */
  admit(sub: Subscriber): boolean {
    if (this.closing) return false;
    if ((this.bySession.get(sub.sid)?.size ?? 0) >= STREAMS_PER_SESSION) return false;
    if ((this.byUser.get(sub.userId)?.size ?? 0) >= STREAMS_PER_USER) return false;
    this.all.add(sub);
    addTo(this.bySession, sub.sid, sub);
    addTo(this.byUser, sub.userId, sub);
    if (sub.conversationId !== null) addTo(this.byConversation, sub.conversationId, sub);
    else if (sub.pair !== null) addTo(this.byPair, sub.pair, sub);
    // Whatever happened between the page and its stream: caught up at once.
    if (sub.conversationId !== null) this.chat(sub.conversationId);
    const { conversationId, since } = sub;
    if (conversationId !== null && since !== null) this.run(`r:${conversationId}:${++this.replays}`, () => this.delivery.replay(conversationId, new Date(since.getTime() - CHANGE_MARGIN_MS), [sub]));
    this.users([sub.userId]);
    return true;
  }

  remove(sub: Subscriber): void {
    if (!this.all.delete(sub)) return;
    removeFrom(this.bySession, sub.sid, sub);
    removeFrom(this.byUser, sub.userId, sub);
    if (sub.conversationId !== null) removeFrom(this.byConversation, sub.conversationId, sub);
    if (sub.pair !== null) removeFrom(this.byPair, sub.pair, sub);
  }

  handle(event: LiveEvent): void {
    if (event.kind === 'users') {
      this.users(event.userIds.filter((id) => this.byUser.has(id)));
      return;
    }
    if (event.kind === 'chat-deleted' || event.kind === 'chat-edited') {
      const { conversationId, messageId } = event;
      const subs = this.byConversation.get(conversationId);
      if (!subs) return;
      if (event.kind === 'chat-deleted') this.run(`d:${messageId}`, () => this.delivery.deleted(conversationId, messageId, [...subs]));
      else this.run(`e:${messageId}`, () => this.delivery.edited(conversationId, messageId, [...subs]));
      return;
    }
    // A direct conversation's first message: pages opened before it existed follow it from now on.
    const waiting = event.pair === null ? undefined : this.byPair.get(event.pair);
    if (waiting && event.pair !== null) {
      this.byPair.delete(event.pair);
      for (const sub of waiting) {
        sub.conversationId = event.conversationId;
        addTo(this.byConversation, event.conversationId, sub);
      }
    }
    if (this.byConversation.has(event.conversationId)) this.chat(event.conversationId);
  }

  /**
   * After the LISTEN connection was lost at `lostAt` (or a delivery failed then): every stream catches up, with the
   * edits and deletions made since (a few seconds more: a NOTIFY in flight when the connection went is lost too).
   */
  resync(lostAt: Date): void {
    this.stale = null;
    const since = new Date(lostAt.getTime() - CHANGE_MARGIN_MS);
    for (const id of this.byConversation.keys()) {
      this.chat(id);
      this.run(`r:${id}`, () => this.delivery.replay(id, since, [...(this.byConversation.get(id) ?? [])]));
    }
    this.users([...this.byUser.keys()]);
  }

  /** Shutdown: every stream ends now (browsers reconnect, to another process), none is taken in. */
  closeAll(): void {
    this.closing = true;
    clearInterval(this.heartbeat);
    for (const sub of [...this.all]) {
      sub.stream.close();
      this.remove(sub);
    }
  }

  private chat(conversationId: number): void {
    this.run(`c:${conversationId}`, () => this.delivery.chat(conversationId, [...(this.byConversation.get(conversationId) ?? [])]));
  }

  private users(userIds: number[]): void {
    for (const id of userIds) this.run(`u:${id}`, () => this.delivery.unread([...(this.byUser.get(id) ?? [])]));
  }

  private run(key: string, job: () => Promise<void>): void {
    if (this.running.has(key)) {
      this.running.set(key, true);
      return;
    }
    this.running.set(key, false);
    const once = async (): Promise<void> => {
      try {
        await job();
      } catch (err) {
        // The database is away: the next heartbeat (or the LISTEN reconnect) catches everyone up.
        if (!this.stale) this.log('warn', 'live updates: delivery failed; retrying with the next heartbeat', err);
        this.stale ??= new Date();
      }
      if (this.running.get(key) === true && !this.closing) {
        this.running.set(key, false);
        return once();
      }
      this.running.delete(key);
    };
    void once();
  }

  /** Comments keep the streams open; ended sessions lose theirs (one query for all streams). */
  private beat(): void {
    if (this.all.size === 0) return;
    for (const sub of this.all) sub.stream.comment('heartbeat');
    if (this.stale) {
      this.resync(this.stale);
      return;
    }
    this.run('sessions', async () => {
      await this.delivery.alive([...this.all]);
    });
  }
}
