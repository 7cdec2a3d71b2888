import type { Knex } from 'knex';
import { z } from 'zod';
import { t } from '../../i18n/index.js';
import { ForbiddenError } from '../../lib/errors.js';
import { checkbox, fieldError, fieldMessage, type FieldLabel, type FormResult, optionalText, parseForm } from '../../lib/forms.js';
import { SignInSettings } from '../../models/sign-in-settings.js';
import { can } from '../../policy/abilities.js';
import type { Viewer } from '../../policy/viewer.js';
import { recordAudit } from '../audit.js';

export async function getSignInSettings(trx?: Knex | Knex.Transaction): Promise<SignInSettings> {
  const s = await SignInSettings.query(trx).findById(1);
  if (!s) throw new Error('sign_in_settings row missing');
  return s;
}

const invalid = (key: FieldLabel<'invalid'>) => fieldError('invalid', key);
const urlOf = (key: FieldLabel<'invalid'>, schemes: string[]) =>
  optionalText(key, 500).refine((s) => {
    if (s === '') return true;
    try {
      const u = new URL(s);
      return schemes.includes(u.protocol) && u.hostname !== '' && !u.username && !u.password;
    } catch {
      return false;
    }
  }, invalid(key));
const attribute = (key: FieldLabel<'invalid'>) => optionalText(key, 64).refine((s) => /^[A-Za-z][A-Za-z0-9-]*$/.test(s), invalid(key));
// A filter must be one parenthesised expression holding the user-name placeholder exactly where values go.
const userFilter = optionalText('signIn.ldap.userFilter', 500).refine((s) => /^\(.*\)$/.test(s) && s.includes('{{username}}'), invalid('signIn.ldap.userFilter'));

const ldapSchema = z
  .object({
    ldapEnabled: checkbox,
    ldapUrl: urlOf('signIn.ldap.url', ['ldap:', 'ldaps:']),
    ldapStartTls: checkbox,
    ldapBindDn: optionalText('signIn.ldap.bindDn', 500),
    ldapBaseDn: optionalText('signIn.ldap.baseDn', 500),
    ldapUserFilter: userFilter,
    ldapAttrEmail: attribute('signIn.ldap.attrEmail'),
    ldapAttrName: attribute('signIn.ldap.attrName'),
    ldapAttrJobTitle: attribute('signIn.ldap.attrJobTitle'),
    ldapAttrPhone: attribute('signIn.ldap.attrPhone'),
    ldapAdminGroupDn: optionalText('signIn.ldap.adminGroupDn', 500),
  })
  .superRefine((v, ctx) => {
    if (v.ldapEnabled && !v.ldapUrl) ctx.addIssue({ code: 'custom', path: ['ldapUrl'], message: fieldMessage('required', 'signIn.ldap.url') });
    if (v.ldapEnabled && !v.ldapBaseDn) ctx.addIssue({ code: 'custom', path: ['ldapBaseDn'], message: fieldMessage('required', 'signIn.ldap.baseDn') });
    if (v.ldapStartTls && v.ldapUrl.startsWith('ldaps:')) ctx.addIssue({ code: 'custom', path: ['ldapStartTls'], message: t('signIn.ldap.startTlsWithLdaps') });
  });

const oidcSchema = z
  .object({
    oidcEnabled: checkbox,
    oidcIssuer: urlOf('signIn.oidc.issuer', ['https:', 'http:']),
    oidcClientId: optionalText('signIn.oidc.clientId', 200),
    oidcCreateAccounts: checkbox,
  })
  .superRefine((v, ctx) => {
    if (v.oidcEnabled && !v.oidcIssuer) ctx.addIssue({ code: 'custom', path: ['oidcIssuer'], message: fieldMessage('required', 'signIn.oidc.issuer') });
    if (v.oidcEnabled && !v.oidcClientId) ctx.addIssue({ code: 'custom', path: ['oidcClientId'], message: fieldMessage('required', 'signIn.oidc.clientId') });
  });

const twoFactorSchema = z.object({ totpRequiredAdmins: checkbox, totpRequiredExternal: checkbox });

export const signInForms = { ldap: ldapSchema, oidc: oidcSchema, 'two-factor': twoFactorSchema } as const;
export type SignInForm = keyof typeof signInForms;

/** Saves one of the admin page's three forms; the audit entry keeps what changed, before and after. */
export async function updateSignInSettings(db: Knex, viewer: Viewer, form: SignInForm, body: unknown): Promise<FormResult<SignInSettings>> {
  if (!can(viewer, 'settings:edit', null)) throw new ForbiddenError();
  const parsed = parseForm(signInForms[form] as z.ZodType<Partial<SignInSettings>>, body);
  if (!parsed.ok) return parsed;
  const after = parsed.value;
  return db.transaction(async (trx) => {
    const current = await SignInSettings.query(trx).findById(1).forUpdate();
    if (!current) throw new Error('sign_in_settings row missing');
    const changed = Object.keys(after).filter((k) => current[k as keyof SignInSettings] !== after[k as keyof typeof after]) as (keyof typeof after)[];
    const updated = await SignInSettings.query(trx).patchAndFetchById(1, { ...after, updatedAt: new Date() });
    if (changed.length > 0) {
      await recordAudit(trx, {
        actorId: viewer.id,
        action: `sign-in.${form}.update`,
        subjectType: 'settings',
        details: { before: Object.fromEntries(changed.map((k) => [k, current[k]])), after: Object.fromEntries(changed.map((k) => [k, after[k]])) },
      });
    }
    return { ok: true, value: updated };
  });
}
