import { createHash } from 'node:crypto';
import { User } from '../models/user.js';
import { Settings } from '../models/settings.js';
import { viewerFromUser, type SignedInViewer } from './viewer.js';

/** 256 random bits as base64url: the whole secret of a feed address. */
export const FEED_TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

/** Feed addresses are kept only as their SHA-256 (R-C2), found by that hash. */
export function hashFeedToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * R-C2: whom a feed address reads for, as that person would sign in now: without admin mode,
 * so the feed shows their own groups' and (employees) the company's events. Undefined (404) for an
 * unknown or revoked address, a deactivated person (R-U6), and an external person while the
 * extranet is off (who could not sign in either). One query; the address is compared by its hash.
 */
export async function feedViewerForToken(token: unknown): Promise<SignedInViewer | undefined> {
  if (typeof token !== 'string' || !FEED_TOKEN_SHAPE.test(token)) return undefined;
  const user = await User.query()
    .join('calendarFeeds as cf', 'cf.userId', 'users.id')
    .where('cf.tokenHash', hashFeedToken(token))
    .whereNull('users.deactivatedAt')
    .where((b) => b.where('users.isExtranet', false).orWhereExists(Settings.query().where('settings.id', 1).where('settings.extranetEnabled', true)))
    .select('users.*')
    .first();
  return user ? viewerFromUser(user, false) : undefined;
}
