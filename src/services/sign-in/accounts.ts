import type { Knex } from 'knex';
import { User } from '../../models/user.js';
import { recordAudit } from '../audit.js';
import { seatAvailable } from '../settings.js';

/** A person vouched for by the directory or the OpenID provider. */
export interface VouchedPerson {
  source: 'ldap' | 'oidc';
  /** The LDAP entry's DN or the provider's issuer and subject: what links the account for good. */
  key: string;
  email: string;
  name: string;
  jobTitle?: string;
  phone?: string;
  /** Set only where the settings name an administrators' group (LDAP); otherwise untouched. */
  isAdmin?: boolean;
}

export type AccountRefusal = 'deactivated' | 'external' | 'linked-elsewhere' | 'seat-limit' | 'no-account' | 'no-email';
export type AccountOutcome = { ok: true; user: User; change: 'created' | 'linked' | 'updated' | 'unchanged' } | { ok: false; refusal: AccountRefusal };

/**
 * Finds, links or makes the account of a person another system vouched for (R-A1).
 * Accounts are made as employees, never external, never administrators unless the directory's
 * administrators' group says so; an external account's e-mail is never taken over (R-X3).
 * The settings row is locked so two first sign-ins cannot both take the last seat (R-U7).
 */
export async function accountForVouchedPerson(db: Knex, person: VouchedPerson, opts: { create: boolean }): Promise<AccountOutcome> {
  if (!person.email) return { ok: false, refusal: 'no-email' };
  return db.transaction(async (trx) => {
    await trx('settings').where({ id: 1 }).forUpdate().first();
    let user = await User.query(trx).where({ authSource: person.source, externalKey: person.key }).forUpdate().first();
    let change: 'created' | 'linked' | 'updated' | 'unchanged' = 'unchanged';
    if (!user) {
      const byEmail = await User.query(trx).whereRaw('lower(email) = ?', [person.email]).forUpdate().first();
      if (byEmail) {
        if (byEmail.isExtranet) return { ok: false, refusal: 'external' } as const;
        if (byEmail.externalKey !== null) return { ok: false, refusal: 'linked-elsewhere' } as const;
        if (byEmail.deactivatedAt) return { ok: false, refusal: 'deactivated' } as const;
        user = await User.query(trx).patchAndFetchById(byEmail.id, { authSource: person.source, externalKey: person.key, updatedAt: new Date() });
        await recordAudit(trx, { actorId: null, action: 'user.link', subjectType: 'user', subjectId: user.id, subjectLabel: user.name, details: { source: person.source, key: person.key } });
        change = 'linked';
      } else {
        if (!opts.create) return { ok: false, refusal: 'no-account' } as const;
        if (!(await seatAvailable(trx)).ok) return { ok: false, refusal: 'seat-limit' } as const;
        user = await User.query(trx).insertAndFetch({
          email: person.email,
          name: person.name || person.email,
          jobTitle: person.jobTitle ?? '',
          phone: person.phone ?? '',
          passwordHash: null,
          isAdmin: person.isAdmin ?? false,
          isExtranet: false,
          authSource: person.source,
          externalKey: person.key,
        });
        await recordAudit(trx, { actorId: null, action: 'user.create', subjectType: 'user', subjectId: user.id, subjectLabel: user.name, details: { email: user.email, source: person.source, isAdmin: user.isAdmin } });
        return { ok: true, user, change: 'created' } as const;
      }
    }
    if (user.deactivatedAt) return { ok: false, refusal: 'deactivated' } as const;
    const patch = await profilePatch(trx, user, person);
    if (Object.keys(patch).length > 0) {
      user = await User.query(trx).patchAndFetchById(user.id, { ...patch, updatedAt: new Date() });
      if ('isAdmin' in patch) {
        await recordAudit(trx, { actorId: null, action: patch.isAdmin ? 'user.grant-admin' : 'user.revoke-admin', subjectType: 'user', subjectId: user.id, subjectLabel: user.name, details: { source: person.source } });
      }
      if (change === 'unchanged') change = 'updated';
    }
    return { ok: true, user, change } as const;
  });
}

/** What the other system says differently; an e-mail another account already has is left alone. */
async function profilePatch(trx: Knex.Transaction, user: User, person: VouchedPerson): Promise<Partial<User>> {
  const patch: Partial<User> = {};
  if (person.name && person.name !== user.name) patch.name = person.name;
  if (person.jobTitle !== undefined && person.jobTitle !== user.jobTitle) patch.jobTitle = person.jobTitle;
  if (person.phone !== undefined && person.phone !== user.phone) patch.phone = person.phone;
  if (person.isAdmin !== undefined && person.isAdmin !== user.isAdmin && !user.isExtranet) patch.isAdmin = person.isAdmin;
  if (person.email !== user.email.toLowerCase()) {
    const taken = await User.query(trx).whereRaw('lower(email) = ?', [person.email]).whereNot('id', user.id).first();
    if (!taken) patch.email = person.email;
  }
  return patch;
}
