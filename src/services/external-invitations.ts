import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { z } from 'zod';
import { t } from '../i18n/index.js';
import { ForbiddenError } from '../lib/errors.js';
import { formatDate } from '../lib/format.js';
import { fieldError, type FieldError, type FormResult, optionalText, parseForm, password, requiredText } from '../lib/forms.js';
import { ExternalInvitation } from '../models/external-invitation.js';
import { Group, Membership } from '../models/group.js';
import { User } from '../models/user.js';
import { can } from '../policy/abilities.js';
import { lockVisibleGroup } from '../policy/locks.js';
import type { SignedInViewer, Viewer } from '../policy/viewer.js';
import { recordMemberJoined } from './feed-events.js';
import { inviteUsers } from './invitations.js';
import { enqueueMail, mailLanguage } from './mail.js';
import { countActiveUsers, getSettings } from './settings.js';
import { recordSubmission, type Submission } from './submissions.js';
import { createUser } from './users.js';

export const INVITATION_DAYS = 7;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

const emailShape = z.email();

const inviteSchema = z.object({
  emails: z.string({ error: () => t('extranet.invite.none') }).max(20_000),
  expiresOn: z
    .string()
    .trim()
    .optional()
    .default('')
    .refine((s) => s === '' || (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`))), fieldError('invalid', 'extranet.invite.expiresOn'))
    .refine((s) => s === '' || s > new Date().toISOString().slice(0, 10), { error: () => t('extranet.invite.datePast') }),
});

/**
 * R-X3, R-U7, R-U8: invites people by e-mail into an extranet group. New addresses get a
 * single-use link (stored as a hash, 7 days, re-sending replaces it); an address that already
 * has an account invites that account. Mail leaves only after the transaction commits.
 */
export async function inviteExternal(db: Knex, viewer: Viewer, groupId: number, body: unknown, publicUrl: string, once: Submission<{ count: number }> | null = null): Promise<FormResult<{ count: number }>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  const parsed = parseForm(inviteSchema, body);
  if (!parsed.ok) return parsed;
  const addresses = [...new Set(parsed.value.emails.split(/[\s,;]+/).map((s) => s.trim().toLowerCase()).filter(Boolean))];
  const fail = (field: string, message: string): FormResult<{ count: number }> => ({ ok: false, errors: [{ field, message }] });
  if (addresses.length === 0) return fail('emails', t('extranet.invite.none'));
  if (addresses.length > 50) return fail('emails', t('extranet.invite.tooMany'));
  const invalid = addresses.filter((a) => !emailShape.safeParse(a).success || a.length > 254);
  if (invalid.length) return fail('emails', t('extranet.invite.invalid', { list: invalid.slice(0, 10).join(', ') }));

  return db.transaction(async (trx) => {
    const ctx = await lockVisibleGroup(trx, viewer, groupId);
    if (!can(viewer, 'member:invite', ctx)) throw new ForbiddenError();
    const settings = await getSettings(trx);
    if (!settings.extranetEnabled) return fail('emails', t('extranet.invite.off'));
    if (!ctx.group.isExtranet) return fail('emails', t('extranet.invite.notExtranet'));

    const accounts = await User.query(trx).whereRaw('lower(email) = any(?)', [addresses]);
    const deactivated = accounts.filter((u) => u.deactivatedAt);
    if (deactivated.length) return fail('emails', t('extranet.invite.deactivated', { list: deactivated.map((u) => u.email).join(', ') }));
    const fresh = addresses.filter((a) => !accounts.some((u) => u.email.toLowerCase() === a));
    if (settings.seatLimit !== null && (await countActiveUsers(trx)) + fresh.length > settings.seatLimit) {
      return fail('emails', t('extranet.invite.seatLimit', { limit: settings.seatLimit, count: fresh.length }));
    }

    const invited = await inviteUsers(trx, ctx.group.id, viewer.id, accounts.map((u) => u.id));
    for (const user of accounts.filter((u) => invited.includes(u.id))) {
      const mail = mailLanguage(user.locale);
      await enqueueMail(trx, {
        to: user.email,
        subject: mail.t('extranet.mail.existingSubject', { group: ctx.group.name }),
        text: mail.t('extranet.mail.existingBody', { inviter: viewer.name, group: ctx.group.name, link: `${publicUrl}/invitations` }),
      });
    }
    for (const email of fresh) await createInvitation(trx, viewer, ctx.group, email, parsed.value.expiresOn || null, publicUrl);
    const value = { count: invited.length + fresh.length };
    await recordSubmission(trx, once, value);
    return { ok: true, value };
  });
}

async function createInvitation(trx: Knex.Transaction, viewer: SignedInViewer, group: Group, email: string, membershipExpiresOn: string | null, publicUrl: string): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + INVITATION_DAYS * 24 * 60 * 60 * 1000);
  await ExternalInvitation.query(trx).where('groupId', group.id).whereRaw('lower(email) = ?', [email]).whereNull('usedAt').delete();
  await ExternalInvitation.query(trx).insert({ groupId: group.id, email, tokenHash: hashToken(token), invitedBy: viewer.id, membershipExpiresOn, expiresAt });
  // Nobody has an account for this address yet: the invitation is written in the inviter's language.
  const mail = mailLanguage(null);
  await enqueueMail(trx, {
    to: email,
    subject: mail.t('extranet.mail.subject', { inviter: viewer.name, group: group.name }),
    text: mail.t('extranet.mail.body', { inviter: viewer.name, group: group.name, expires: formatDate(expiresAt, viewer.timeZone, mail.locale), link: `${publicUrl}/join/${token}` }),
  });
}

export interface OpenInvitation {
  invitation: ExternalInvitation;
  groupName: string;
  inviterName: string;
}

/** The link's token is the capability: an unused, unexpired invitation into a live group, or nothing. */
export async function findOpenInvitation(token: string, trx?: Knex.Transaction): Promise<OpenInvitation | undefined> {
  if (!/^[A-Za-z0-9_-]{20,100}$/.test(token)) return undefined;
  // Inside a transaction, lock the invitation first so it can be used only once.
  if (trx) await ExternalInvitation.query(trx).where('tokenHash', hashToken(token)).forUpdate().first();
  const q = ExternalInvitation.query(trx)
    .join('groups', 'groups.id', 'externalInvitations.groupId')
    .leftJoin('users', 'users.id', 'externalInvitations.invitedBy')
    .where('externalInvitations.tokenHash', hashToken(token))
    .whereNull('externalInvitations.usedAt')
    .where('externalInvitations.expiresAt', '>', new Date())
    .whereNull('groups.archivedAt')
    .where('groups.isExtranet', true)
    .select('externalInvitations.*', 'groups.name as groupName', 'users.name as inviterName')
    .first();
  const row = (await q) as (ExternalInvitation & { groupName: string; inviterName: string | null }) | undefined;
  if (!row) return undefined;
  return { invitation: row, groupName: row.groupName, inviterName: row.inviterName ?? '' };
}

const acceptSchema = z.object({
  name: requiredText('extranet.join.name', 120),
  jobTitle: optionalText('extranet.join.jobTitle', 120),
  password: password('extranet.join.password'),
});

/** R-X3: following the link, the person sets a password and a profile, and lands in the group. */
export async function acceptExternalInvitation(db: Knex, token: string, body: unknown): Promise<FormResult<{ user: User; groupId: number }> | null> {
  const parsed = parseForm(acceptSchema, body);
  return db.transaction(async (trx) => {
    const open = await findOpenInvitation(token, trx);
    if (!open) return null;
    if (!parsed.ok) return parsed;
    const { invitation } = open;
    const existing = await User.query(trx).whereRaw('lower(email) = ?', [invitation.email.toLowerCase()]).first();
    if (existing) return { ok: false, errors: [{ field: 'name', message: t('extranet.join.accountExists') }] };
    const created = await createUser(trx, { email: invitation.email, name: parsed.value.name, password: parsed.value.password, isAdmin: false, isExtranet: true }, null);
    if (!created.ok) {
      const message = created.refusal === 'seat-limit' ? t('admin.create.seatLimit', { limit: created.limit ?? 0 }) : created.refusal === 'extranet-off' ? t('extranet.invite.off') : t('extranet.join.accountExists');
      const errors: FieldError[] = [{ field: 'name', message }];
      return { ok: false, errors };
    }
    await User.query(trx).findById(created.user.id).patch({ jobTitle: parsed.value.jobTitle });
    await Membership.query(trx).insert({
      groupId: invitation.groupId,
      userId: created.user.id,
      role: 'member',
      expiresAt: invitation.membershipExpiresOn ? new Date(`${invitation.membershipExpiresOn}T00:00:00Z`) : null,
    });
    await recordMemberJoined(trx, invitation.groupId, created.user.id);
    await ExternalInvitation.query(trx).findById(invitation.id).patch({ usedAt: new Date() });
    return { ok: true, value: { user: created.user, groupId: invitation.groupId } };
  });
}
