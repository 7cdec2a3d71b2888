import type { Session } from 'fastify';
import type { Knex } from 'knex';
import type { ViewerUser } from './viewer.js';

/** A session that has not expired, with the person it belongs to (null: none, or deactivated: R-U6). */
export interface SessionRead {
  data: Session;
  expiresAt: Date;
  userId: number | null;
  user: ViewerUser | null;
}

// One constant statement (prepared once per connection): the session and its person in one round trip
// instead of two on every signed-in request. The person's columns are the ones viewerUserById reads.
const SESSION_WITH_USER = `select s.data, s.expires_at as "expiresAt", s.user_id as "userId",
  u.id, u.name, u.email, u.time_zone as "timeZone", u.locale, u.is_extranet as "isExtranet", u.is_admin as "isAdmin"
  from sessions s left join users u on u.id = s.user_id and u.deactivated_at is null
  where s.sid = ? and s.expires_at > ?`;

interface Row extends Omit<ViewerUser, 'id'> {
  data: Session;
  expiresAt: Date;
  userId: number | null;
  id: number | null;
}

export async function readSessionWithUser(db: Knex, sid: string, now: Date): Promise<SessionRead | undefined> {
  const result = (await db.raw(SESSION_WITH_USER, [sid, now])) as { rows: Row[] };
  const row = result.rows[0];
  if (!row) return undefined;
  const { data, expiresAt, userId, id, name, email, timeZone, locale, isExtranet, isAdmin } = row;
  return { data, expiresAt, userId, user: id === null ? null : { id, name, email, timeZone, locale, isExtranet, isAdmin } };
}
