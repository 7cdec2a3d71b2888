import type { User } from '../models/user.js';

type Account = Pick<User, 'deactivatedAt' | 'isExtranet' | 'authSource'>;

/**
 * Issue 18: who may be sent mail about what happens in Atrium: someone who can sign in to follow
 * its links — not a deactivated account (R-U6), nor an external one while the extranet is off (R-U8).
 */
export function mayReceiveMail(user: Account, extranetEnabled: boolean): boolean {
  return user.deactivatedAt === null && (!user.isExtranet || extranetEnabled);
}

/**
 * Issue 18, item 2: who may set a new password through a link sent by mail: as for mail, and only an
 * account whose password Atrium keeps (a directory or OpenID account's password lives elsewhere).
 */
export function mayResetPassword(user: Account, extranetEnabled: boolean): boolean {
  return mayReceiveMail(user, extranetEnabled) && user.authSource === 'local';
}
