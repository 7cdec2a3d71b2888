import type { Session } from 'fastify';
import type { Knex } from 'knex';
import { sessionReader, viewerKindOf, type SessionRead, type UnreadCountColumn } from '../policy/session-read.js';
import type { ViewerKind, ViewerUser } from '../policy/viewer.js';

type Callback<T = void> = (err?: Error | null, value?: T) => void;

/** A session ends after this long without use (its stored expiry and its cookie's). */
export const SESSION_IDLE_MS = 8 * 60 * 60 * 1000;
/** The person read with a session is handed to the same request's viewer hook, a moment later, or not at all. */
const USER_HANDOFF_MS = 2000;
const USER_HANDOFF_MAX = 1000;

/**
 * @fastify/session store in PostgreSQL: sessions survive restarts and are shared by
 * every app process (R-U2). Rows carry user_id so an account's sessions can be ended at once.
 */
export class PgSessionStore {
  private readonly read: ReturnType<typeof sessionReader>;
  private readPeople = new Map<string, { read: SessionRead; at: number }>();
  /** The kind of viewer each session's person was at its last read here: the next read asks for that kind's count. */
  private kinds = new Map<string, ViewerKind>();
  private pruneTimer: NodeJS.Timeout;

  constructor(
    private readonly db: Knex,
    private readonly onCallbackError: (err: unknown) => void,
    unreadCountFor: ((kind: ViewerKind) => UnreadCountColumn) | null = null,
  ) {
    this.read = sessionReader(unreadCountFor);
    this.pruneTimer = setInterval(() => void this.prune().catch(() => {}), 15 * 60 * 1000);
    this.pruneTimer.unref();
  }

  get(sid: string, cb: Callback<Session | null>): void {
    this.read(this.db, sid, new Date(), this.kinds.get(sid) ?? null)
      .then((row) => {
        if (!row) return null;
        if (row.user) {
          if (this.kinds.size >= 10_000) this.kinds.clear();
          this.kinds.set(sid, viewerKindOf(row.user, row.data));
        }
        if (this.readPeople.size >= USER_HANDOFF_MAX) this.readPeople.clear();
        this.readPeople.set(sid, { read: row, at: Date.now() });
        return row.data;
      })
      .then(...settle(cb, this.onCallbackError));
  }

  /**
   * The person read with session `sid` just now (null: deactivated or gone) and their unread count, if the session
   * is `userId`'s; undefined when there is none to hand over (another request of the session took it, or it is
   * stale): then ask the database.
   */
  takePerson(sid: string, userId: number): { user: ViewerUser | null; unread: number | null } | undefined {
    const found = this.readPeople.get(sid);
    if (!found) return undefined;
    this.readPeople.delete(sid);
    if (found.read.userId !== userId || Date.now() - found.at > USER_HANDOFF_MS) return undefined;
    return { user: found.read.user, unread: found.read.unread };
  }

  /** Called when the session changed, or its expiry moved on (plugins/session.ts); never for an unchanged reply. */
  set(sid: string, session: Session, cb: Callback): void {
    const expires = session.cookie?.expires ? new Date(session.cookie.expires) : new Date(Date.now() + SESSION_IDLE_MS);
    this.db('sessions')
      .insert({ sid, data: JSON.stringify(session), userId: typeof session.userId === 'number' ? session.userId : null, expiresAt: expires })
      .onConflict('sid')
      .merge()
      .then(() => undefined)
      .then(...settle(cb, this.onCallbackError));
  }

  destroy(sid: string, cb: Callback): void {
    this.readPeople.delete(sid);
    this.kinds.delete(sid);
    this.db('sessions')
      .where({ sid })
      .delete()
      .then(() => undefined)
      .then(...settle(cb, this.onCallbackError));
  }

  close(): void {
    clearInterval(this.pruneTimer);
  }

  async prune(): Promise<void> {
    await this.db('sessions').where('expiresAt', '<', new Date()).delete();
  }
}

/**
 * The callbacks continue the request (fastify writes the reply from the save callback); a throw
 * there must not become an unhandled rejection, which ends the process: it is caught and logged.
 */
function settle<T>(cb: Callback<T>, onThrow: (err: unknown) => void): [(value: T) => void, (err: Error) => void] {
  const call = (err: Error | null, value?: T) => {
    try {
      cb(err, value);
    } catch (thrown) {
      onThrow(thrown);
    }
  };
  return [(value) => call(null, value), (err) => call(err)];
}
