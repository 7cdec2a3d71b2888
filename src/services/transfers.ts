import type { Knex } from 'knex';
import { t } from '../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import { Group, GroupInvitation, Membership } from '../models/group.js';
import { User } from '../models/user.js';
import { can } from '../policy/abilities.js';
import type { Viewer } from '../policy/viewer.js';
import { recordAudit } from './audit.js';
import { getSettings } from './settings.js';

export type TransferResult = { ok: true; user: User } | { ok: false; message: string };

/**
 * R-U5, R-X7: moves a person between intranet and extranet. Moving to the extranet is refused
 * while the person owns a group outside it (the message names them); their other memberships
 * outside the extranet end, as do admin rights. Open sessions see the change on their next
 * request, because the viewer is read from the database each time.
 */
export async function transferUser(db: Knex, viewer: Viewer, userId: number, to: 'extranet' | 'intranet'): Promise<TransferResult> {
  return db.transaction(async (trx) => {
    const user = await User.query(trx).findById(userId).forUpdate();
    if (!user) throw new NotFoundError();
    if (!can(viewer, 'user:transfer', user)) throw new ForbiddenError();
    if (to === 'intranet') {
      if (!user.isExtranet) return { ok: true, user };
      const updated = await User.query(trx).patchAndFetchById(user.id, { isExtranet: false, updatedAt: new Date() });
      await recordAudit(trx, { actorId: viewer.id, action: 'user.transfer-intranet', subjectType: 'user', subjectId: user.id, subjectLabel: user.name });
      return { ok: true, user: updated };
    }
    if (user.isExtranet) return { ok: true, user };
    if (!(await getSettings(trx)).extranetEnabled) return { ok: false, message: t('admin.transfer.extranetOff') };
    const owned = await Group.query(trx)
      .join('memberships', 'memberships.groupId', 'groups.id')
      .where({ 'memberships.userId': user.id, 'memberships.role': 'owner', 'groups.isExtranet': false })
      .select('groups.name')
      .orderBy('groups.name');
    if (owned.length > 0) return { ok: false, message: t('admin.transfer.ownsGroups', { name: user.name, groups: owned.map((g) => g.name).join(', ') }) };
    const internalGroups = Group.query(trx).select('groups.id').where('groups.isExtranet', false);
    const removed = await Membership.query(trx).where('userId', user.id).whereIn('groupId', internalGroups).delete();
    await GroupInvitation.query(trx).where('userId', user.id).whereIn('groupId', internalGroups).delete();
    const updated = await User.query(trx).patchAndFetchById(user.id, { isExtranet: true, isAdmin: false, updatedAt: new Date() });
    await recordAudit(trx, { actorId: viewer.id, action: 'user.transfer-extranet', subjectType: 'user', subjectId: user.id, subjectLabel: user.name, details: { membershipsEnded: removed } });
    return { ok: true, user: updated };
  });
}
