import type { Session } from 'fastify';
import type { Knex } from 'knex';
import { runAsPgText } from '../db/native-query.js';
import type { Statement } from '../db/query-template.js';
import { scopeShapeKey, VIEWER_USER_COLUMNS, viewerFromUser, type ViewerKind, type ViewerUser } from './viewer.js';

/** A session that has not expired, with the person it belongs to (null: none, or deactivated: R-U6). */
export interface SessionRead {
  data: Session;
  expiresAt: Date;
  userId: number | null;
  user: ViewerUser | null;
  /** The person's unread notifications as the header counts them (null: not read with the session). */
  unread: number | null;
}

/** SQL computing a person's unread count from their row (alias `u`) and the session's admin mode (ADMIN_MODE_REQUESTED). */
export type UnreadCountColumn = Statement;

/** The session's admin-mode switch as an SQL boolean (viewerFromUser honours it for administrators only). */
export const ADMIN_MODE_REQUESTED = `coalesce((s.data->>'adminMode') = 'true', false)`;

/** The kind of viewer a session's person makes (viewerFromUser's rule for admin mode). */
export function viewerKindOf(user: ViewerUser, data: Session): ViewerKind {
  const { isExtranet, isAdmin, adminMode } = viewerFromUser(user, (data as { adminMode?: unknown }).adminMode === true);
  return { isExtranet, isAdmin, adminMode };
}

/**
 * The session's person, looked up by id. A plain join left PostgreSQL free to merge the sessions with the whole users
 * table in id order, which it chose when its statistics of the sessions had seen only low ids: every request then
 * read every person up to its own (9 ms for the highest id). The limit keeps the subquery a lookup per session.
 */
const PERSON_BY_ID = 'select * from users where users.id = s.user_id and users.deactivated_at is null limit 1';

interface Row extends Omit<ViewerUser, 'id'> {
  data: Session;
  expiresAt: Date;
  userId: number | null;
  id: number | null;
  unread: string | number | null;
}

/**
 * Reads a session with its person in one round trip, and with the person's unread count when the kind of viewer
 * they were is known (`unreadFor` gives the count's column for a kind): one statement per kind, each constant
 * (prepared once per connection). The person's columns are VIEWER_USER_COLUMNS, as viewerUserById reads them.
 */
export function sessionReader(unreadFor: ((kind: ViewerKind) => UnreadCountColumn) | null) {
  const statements = new Map<string, Statement>();
  const statementFor = (kind: ViewerKind | null): Statement => {
    const key = kind && unreadFor ? scopeShapeKey(kind) : '';
    let statement = statements.get(key);
    if (!statement) {
      const unread = kind && unreadFor ? unreadFor(kind) : null;
      statement = {
        sql: `select s.data, s.expires_at as "expiresAt", s.user_id as "userId",
  ${VIEWER_USER_COLUMNS('u')},
  ${unread ? unread.sql : 'null'} as unread
  from sessions s left join lateral (${PERSON_BY_ID}) u on true
  where s.sid = ? and s.expires_at > ?`,
        bindings: unread?.bindings ?? [],
      };
      statements.set(key, statement);
    }
    return statement;
  };
  return async (db: Knex, sid: string, now: Date, kind: ViewerKind | null): Promise<SessionRead | undefined> => {
    const { sql, bindings } = statementFor(kind);
    const result = await runAsPgText(db, sql, [...bindings, sid, now]);
    const row = result.rows[0] as Row | undefined;
    if (!row) return undefined;
    const { data, expiresAt, userId, id, name, email, timeZone, locale, isExtranet, isAdmin } = row;
    const user = id === null ? null : { id, name, email, timeZone, locale, isExtranet, isAdmin };
    return { data, expiresAt, userId, user, unread: user && row.unread !== null ? Number(row.unread) : null };
  };
}
