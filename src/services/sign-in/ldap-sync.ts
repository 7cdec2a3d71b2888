import type { Knex } from 'knex';
import type { SignInSecrets } from '../../config.js';
import { User } from '../../models/user.js';
import { recordAudit } from '../audit.js';
import { accountForVouchedPerson, type AccountRefusal } from './accounts.js';
import { listDirectoryPeople } from './ldap-directory.js';
import { vouchedByDirectory } from './ldap-login.js';
import { getSignInSettings } from './settings.js';

export interface SyncReport {
  directoryPeople: number;
  created: string[];
  updated: string[];
  linked: string[];
  deactivated: string[];
  refused: { who: string; reason: AccountRefusal }[];
  /** Set when nothing was deactivated on purpose (the directory listed nobody). */
  deactivationSkipped: boolean;
}

/**
 * `npm run cli -- ldap:sync`: makes, updates and deactivates accounts from the directory (R-A1).
 * New accounts respect the seat limit (R-U7) and the refusals are reported by name. An empty
 * listing deactivates nobody: a wrong filter must not lock the whole company out.
 */
export async function syncDirectory(db: Knex, secrets: SignInSecrets): Promise<SyncReport> {
  const settings = await getSignInSettings(db);
  if (!settings.ldapEnabled) throw new Error('LDAP sign-in is switched off (Admin → Sign-in)');
  const people = await listDirectoryPeople(settings, secrets);
  const report: SyncReport = { directoryPeople: people.length, created: [], updated: [], linked: [], deactivated: [], refused: [], deactivationSkipped: false };
  const seen = new Set<string>();
  for (const person of people) {
    const vouched = vouchedByDirectory(person, settings);
    seen.add(vouched.key);
    const outcome = await accountForVouchedPerson(db, vouched, { create: true });
    const who = person.email || person.dn;
    if (!outcome.ok) {
      // A deactivated account stays so: the directory does not overrule an administrator.
      if (outcome.refusal !== 'deactivated') report.refused.push({ who, reason: outcome.refusal });
    } else if (outcome.change !== 'unchanged') report[outcome.change].push(who);
  }
  if (people.length === 0) {
    report.deactivationSkipped = true;
    return report;
  }
  const gone = (await User.query(db).where({ authSource: 'ldap' }).whereNull('deactivatedAt').select('id', 'email', 'name', 'externalKey')).filter((u) => !seen.has(u.externalKey ?? ''));
  for (const user of gone) {
    await db.transaction(async (trx) => {
      await User.query(trx).patch({ deactivatedAt: new Date(), updatedAt: new Date() }).where({ id: user.id }).whereNull('deactivatedAt');
      await trx('sessions').where({ userId: user.id }).delete();
      await recordAudit(trx, { actorId: null, action: 'user.deactivate', subjectType: 'user', subjectId: user.id, subjectLabel: user.name, details: { source: 'ldap', reason: 'not in the directory' } });
    });
    report.deactivated.push(user.email);
  }
  return report;
}

export function formatSyncReport(r: SyncReport): string {
  const list = (xs: string[]) => (xs.length ? `: ${xs.join(', ')}` : '');
  const lines = [
    `Directory: ${r.directoryPeople} people match the user filter.`,
    `Created ${r.created.length}${list(r.created)}`,
    `Linked to existing accounts ${r.linked.length}${list(r.linked)}`,
    `Updated ${r.updated.length}${list(r.updated)}`,
    `Deactivated ${r.deactivated.length}${list(r.deactivated)}`,
  ];
  if (r.deactivationSkipped) lines.push('Nobody was deactivated: the directory listed no one (check the base DN and the user filter).');
  if (r.refused.length) {
    lines.push(`Not synchronised ${r.refused.length}:`);
    for (const x of r.refused) lines.push(`  ${x.who}: ${refusalText[x.reason]}`);
  }
  return lines.join('\n');
}

const refusalText: Record<AccountRefusal, string> = {
  'seat-limit': 'no seat left (raise the seat limit in Admin → Settings)',
  external: 'an external account has this e-mail address',
  'linked-elsewhere': 'the account with this e-mail address is linked to another sign-in method',
  'no-email': 'no e-mail address in the directory',
  deactivated: 'deactivated',
  'no-account': 'no account',
};
