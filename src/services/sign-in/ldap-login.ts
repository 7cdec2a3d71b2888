import type { Knex } from 'knex';
import type { SignInSecrets } from '../../config.js';
import type { User } from '../../models/user.js';
import { clearLoginFailures, isThrottled, recordLoginFailure } from '../login.js';
import { accountForVouchedPerson, type AccountRefusal, type VouchedPerson } from './accounts.js';
import { classifyDirectoryError, normaliseDn, type DirectoryError, verifyDirectoryPassword, type DirectoryPerson } from './ldap-directory.js';
import { getSignInSettings } from './settings.js';
import type { SignInSettings } from '../../models/sign-in-settings.js';

export type DirectoryLoginOutcome =
  | { ok: true; user: User }
  | { ok: false; reason: 'off' | 'failed' | 'rate-limited' | AccountRefusal }
  | { ok: false; reason: 'unavailable'; cause: DirectoryError };

/** How the directory's person becomes an account: the admin flag only where a group decides it. */
export function vouchedByDirectory(person: DirectoryPerson, settings: Pick<SignInSettings, 'ldapAdminGroupDn'>): VouchedPerson {
  return {
    source: 'ldap',
    key: normaliseDn(person.dn),
    email: person.email,
    name: person.name,
    jobTitle: person.jobTitle,
    phone: person.phone,
    ...(settings.ldapAdminGroupDn ? { isAdmin: person.isAdmin } : {}),
  };
}

/**
 * Signs in with the company directory (R-A1): binds as the person, then finds, links or makes
 * their employee account. Failures count against the same throttle as passwords.
 */
export async function signInWithDirectory(db: Knex, secrets: SignInSecrets, usernameRaw: string, password: string, ip: string): Promise<DirectoryLoginOutcome> {
  const settings = await getSignInSettings(db);
  if (!settings.ldapEnabled) return { ok: false, reason: 'off' };
  const username = usernameRaw.trim();
  const throttleKey = `ldap:${username.toLowerCase()}`;
  if (await isThrottled(db, throttleKey, ip)) return { ok: false, reason: 'rate-limited' };
  let person: DirectoryPerson | null;
  try {
    person = await verifyDirectoryPassword(settings, secrets, username, password);
  } catch (err) {
    // The reason goes to the log for the administrator; the person sees only "unavailable".
    return { ok: false, reason: 'unavailable', cause: classifyDirectoryError(err) };
  }
  if (!person) {
    await recordLoginFailure(db, throttleKey, ip);
    return { ok: false, reason: 'failed' };
  }
  await clearLoginFailures(db, throttleKey);
  const account = await accountForVouchedPerson(db, vouchedByDirectory(person, settings), { create: true });
  return account.ok ? { ok: true, user: account.user } : { ok: false, reason: account.refusal };
}
