import type { Knex } from 'knex';
import { User } from '../models/user.js';
import { viewerFromUser, type SignedInViewer } from './viewer.js';

/**
 * The viewers of open sessions, by session id, by the viewer plugin's rule (a session that has not
 * ended or expired, of an account that is not deactivated; admin mode from the session): what an
 * open event stream checks before each delivery, so a session that ended loses its stream (R-U6).
 * Two queries whatever the number of sessions.
 */
export async function viewersOfSessions(db: Knex, sids: string[]): Promise<Map<string, SignedInViewer>> {
  const found = new Map<string, SignedInViewer>();
  if (sids.length === 0) return found;
  const sessions = (await db('sessions')
    .whereIn('sid', [...new Set(sids)])
    .where('expiresAt', '>', new Date())
    .whereNotNull('userId')
    .select('sid', 'userId', db.raw(`(data->>'adminMode') = 'true' as "adminMode"`))) as { sid: string; userId: number; adminMode: boolean | null }[];
  if (sessions.length === 0) return found;
  const users = await User.query(db).whereIn('id', [...new Set(sessions.map((s) => s.userId))]).whereNull('deactivatedAt');
  const byId = new Map(users.map((u) => [u.id, u]));
  for (const s of sessions) {
    const user = byId.get(s.userId);
    if (user) found.set(s.sid, viewerFromUser(user, s.adminMode === true));
  }
  return found;
}
