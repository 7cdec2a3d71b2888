import type { Knex } from 'knex';
import { User } from '../models/user.js';
import { VIEWER_USER_COLUMNS, type ViewerUser } from '../policy/viewer.js';
import { getSettings } from './settings.js';
import { timingDecoy, verifyPassword } from './passwords.js';

const WINDOW_MS = 15 * 60 * 1000;
export const MAX_FAILURES_PER_ACCOUNT = 5;
export const MAX_FAILURES_PER_ADDRESS = 20;

export type LoginOutcome =
  | { ok: true; user: User }
  | { ok: false; reason: 'failed' | 'deactivated' | 'extranet-off' | 'rate-limited' };

/**
 * Checks a sign-in attempt. Failures are counted in PostgreSQL per address and per
 * account, so the limit holds across app processes.
 */
export async function authenticate(db: Knex, emailRaw: string, password: string, ip: string): Promise<LoginOutcome> {
  const email = emailRaw.trim().toLowerCase();
  if (await isThrottled(db, email, ip)) return { ok: false, reason: 'rate-limited' };

  // No address holds a NUL, and PostgreSQL text cannot: such an attempt simply fails (and is counted).
  const user = email.includes('\u0000') ? undefined : await User.query(db).whereRaw('lower(email) = ?', [email]).first();
  const valid = user ? await verifyPassword(user.passwordHash, password) : await timingDecoy(password);
  if (!user || !valid) {
    await recordLoginFailure(db, email, ip);
    return { ok: false, reason: 'failed' };
  }
  // R-U6, R-U8: told apart only once the password is right, so nothing leaks to a guesser.
  if (user.deactivatedAt) return { ok: false, reason: 'deactivated' };
  if (user.isExtranet && !(await getSettings()).extranetEnabled) return { ok: false, reason: 'extranet-off' };
  await clearLoginFailures(db, email);
  return { ok: true, user };
}

/** The address failures are counted under: as typed, lower case, without NUL (which PostgreSQL text cannot hold). */
const countedEmail = (raw: string) => raw.trim().toLowerCase().replaceAll('\u0000', '');

/**
 * True once an address or an account has had too many failures in the window. Every way of
 * proving who one is (password, directory password, second factor) counts against the same limit.
 */
export async function isThrottled(db: Knex, emailRaw: string, ip: string): Promise<boolean> {
  const email = countedEmail(emailRaw);
  const since = new Date(Date.now() - WINDOW_MS);
  const [counts] = (await db('login_failures')
    .where('createdAt', '>', since)
    .select(
      db.raw('count(*) filter (where ip = ?)::int as by_ip', [ip]),
      db.raw('count(*) filter (where email = ?)::int as by_email', [email]),
    )) as { byIp: number; byEmail: number }[];
  return !!counts && (counts.byIp >= MAX_FAILURES_PER_ADDRESS || counts.byEmail >= MAX_FAILURES_PER_ACCOUNT);
}

export async function recordLoginFailure(db: Knex, emailRaw: string, ip: string): Promise<void> {
  await db('login_failures').insert({ ip: ip.slice(0, 64), email: countedEmail(emailRaw).slice(0, 254) });
}

export async function clearLoginFailures(db: Knex, emailRaw: string): Promise<void> {
  await db('login_failures').where({ email: countedEmail(emailRaw) }).delete();
}

/**
 * The signed-in person of a request, as a viewer is built from it; deactivated or missing is no one (R-U6).
 * One constant statement, read as a row: this runs on every request, where the models' query builder cost more
 * than PostgreSQL's answer.
 */
export async function viewerUserById(id: number): Promise<ViewerUser | undefined> {
  const result = (await User.knex().raw(
    `select ${VIEWER_USER_COLUMNS('users')} from users where id = ? and deactivated_at is null`,
    [id],
  )) as { rows: ViewerUser[] };
  return result.rows[0];
}

/** Loads the signed-in user for a request; a deactivated or missing user is no user (R-U6). */
export async function activeUserById(id: number): Promise<User | undefined> {
  return User.query().findById(id).whereNull('deactivatedAt');
}

export async function pruneLoginFailures(db: Knex): Promise<void> {
  await db('login_failures').where('createdAt', '<', new Date(Date.now() - WINDOW_MS)).delete();
}
