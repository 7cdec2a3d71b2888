import type { Knex } from 'knex';
import { z } from 'zod';
import { t, type Locale } from '../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import { fieldError, type FormResult, parseForm } from '../lib/forms.js';
import { Membership } from '../models/group.js';
import { User } from '../models/user.js';
import { can } from '../policy/abilities.js';
import { lockVisibleGroup } from '../policy/locks.js';
import { activeMembership } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';
import { recordAudit } from './audit.js';
import { enqueueMail, mailLanguage } from './mail.js';

const expirySchema = z.object({
  expiresOn: z
    .string(fieldError('invalid', 'extranet.invite.expiresOn'))
    .trim()
    .refine((s) => s === '' || (/^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`))), fieldError('invalid', 'extranet.invite.expiresOn'))
    .refine((s) => s === '' || s > new Date().toISOString().slice(0, 10), { error: () => t('extranet.invite.datePast') }),
});

/** R-X8: owner and moderators set (or clear) the date an external member's access ends. */
export async function setMembershipExpiry(db: Knex, viewer: Viewer, groupId: number, userId: number, body: unknown): Promise<FormResult<Membership>> {
  const parsed = parseForm(expirySchema, body);
  return db.transaction(async (trx) => {
    const ctx = await lockVisibleGroup(trx, viewer, groupId);
    const target = await Membership.query(trx).alias('m').where({ 'm.groupId': groupId, 'm.userId': userId }).whereRaw(activeMembership('m')).first();
    const user = target ? await User.query(trx).findById(userId) : undefined;
    if (!target || !user) throw new NotFoundError();
    if (!can(viewer, 'member:set-expiry', { ...ctx, target: { userId, role: target.role, isExtranet: user.isExtranet } })) throw new ForbiddenError();
    if (!parsed.ok) return parsed;
    const expiresAt = parsed.value.expiresOn ? new Date(`${parsed.value.expiresOn}T00:00:00Z`) : null;
    // The same date again changes nothing, so nothing is recorded.
    if ((target.expiresAt?.getTime() ?? null) === (expiresAt?.getTime() ?? null)) return { ok: true, value: target };
    const updated = await Membership.query(trx).patchAndFetchById(target.id, { expiresAt });
    await recordAudit(trx, { actorId: viewer.id, action: 'membership.set-expiry', subjectType: 'group', subjectId: groupId, subjectLabel: ctx.group.name, details: { userId, expiresOn: parsed.value.expiresOn || null } });
    return { ok: true, value: updated };
  });
}

/**
 * R-X8: access already stops at the expiry instant, because every scope ignores expired
 * memberships. This job then tells the owner and removes the row, so the person also leaves
 * the members list. Rows are claimed with SKIP LOCKED, so several processes may run it.
 */
export async function endExpiredMemberships(db: Knex): Promise<number> {
  return db.transaction(async (trx) => {
    const claimed = await Membership.query(trx).whereNotNull('expiresAt').where('expiresAt', '<=', new Date()).select('id').limit(100).forUpdate().skipLocked();
    if (claimed.length === 0) return 0;
    const expired = (await Membership.query(trx)
      .join('groups', 'groups.id', 'memberships.groupId')
      .join('users', 'users.id', 'memberships.userId')
      .whereIn('memberships.id', claimed.map((c) => c.id))
      .select('memberships.id', 'memberships.groupId', 'groups.name as groupName', 'users.name as userName')) as unknown as { id: number; groupId: number; groupName: string; userName: string }[];
    for (const m of expired) {
      const owner = await Membership.query(trx).join('users', 'users.id', 'memberships.userId').where({ 'memberships.groupId': m.groupId, 'memberships.role': 'owner' }).select('users.email', 'users.locale').first();
      const { email, locale } = (owner as unknown as { email?: string; locale?: Locale | null } | undefined) ?? {};
      if (email) {
        const mail = mailLanguage(locale);
        await enqueueMail(trx, { to: email, subject: mail.t('members.expired.subject', { name: m.userName, group: m.groupName }), text: mail.t('members.expired.body', { name: m.userName, group: m.groupName }) });
      }
      await Membership.query(trx).deleteById(m.id);
      await recordAudit(trx, { actorId: null, action: 'membership.expire', subjectType: 'group', subjectId: m.groupId, subjectLabel: m.groupName, details: { member: m.userName } });
    }
    return expired.length;
  });
}
