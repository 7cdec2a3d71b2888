import type { Knex } from 'knex';
import { t } from '../i18n/index.js';
import { Membership, type Role } from '../models/group.js';
import { can } from '../policy/abilities.js';
import { lockVisibleGroup } from '../policy/locks.js';
import { membershipsVisibleTo } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';
import { recordAudit } from './audit.js';
import { refuse, type Outcome } from './membership-helpers.js';

type RoleAction = 'member:remove' | 'member:promote' | 'member:demote';

/**
 * One change to another member, under the group's row lock so two managers acting at once
 * cannot break the one-owner rule (R-G4). The ability table decides (R-G6); the audit log records it.
 */
async function changeMember(db: Knex, viewer: Viewer, groupId: number, userId: number, action: RoleAction, goal: Role | null, apply: (trx: Knex.Transaction, membershipId: number) => Promise<void>): Promise<Outcome<{ name: string }>> {
  return db.transaction(async (trx) => {
    const ctx = await lockVisibleGroup(trx, viewer, groupId);
    const target = (await membershipsVisibleTo(viewer)
      .transacting(trx)
      .join('users', 'users.id', 'memberships.userId')
      .where({ 'memberships.groupId': ctx.group.id, 'memberships.userId': userId })
      .select('memberships.id', 'memberships.role', 'users.name', 'users.isExtranet')
      .first()) as unknown as { id: number; role: Role; name: string; isExtranet: boolean } | undefined;
    if (!target) {
      // Only someone who sees the member list learns that a person is not (or no longer) in it.
      if (!can(viewer, 'group:read-content', ctx)) refuse(ctx);
      return { ok: false, message: t('members.notMember') };
    }
    // Done already (the same request twice): the answer is the same, and nothing is recorded again.
    if (target.role === goal) return { ok: true, value: { name: target.name } };
    if (!can(viewer, action, { ...ctx, target: { userId, role: target.role, isExtranet: target.isExtranet } })) refuse(ctx);
    await apply(trx, target.id);
    await recordAudit(trx, { actorId: viewer.id, action: action.replace(':', '.'), subjectType: 'group', subjectId: ctx.group.id, subjectLabel: ctx.group.name, details: { userId, name: target.name, role: target.role } });
    return { ok: true, value: { name: target.name } };
  });
}

/** R-G6: owner and moderators remove members; a moderator cannot remove the owner or another moderator. */
export async function removeMember(db: Knex, viewer: Viewer, groupId: number, userId: number): Promise<Outcome<{ name: string }>> {
  return changeMember(db, viewer, groupId, userId, 'member:remove', null, async (trx, id) => {
    await Membership.query(trx).deleteById(id);
  });
}

/** R-G4: owner and moderators make an employee member a moderator. */
export async function promoteMember(db: Knex, viewer: Viewer, groupId: number, userId: number): Promise<Outcome<{ name: string }>> {
  return changeMember(db, viewer, groupId, userId, 'member:promote', 'moderator', async (trx, id) => {
    await Membership.query(trx).findById(id).patch({ role: 'moderator' });
  });
}

/** R-G4: only the owner makes a moderator a plain member again. */
export async function demoteMember(db: Knex, viewer: Viewer, groupId: number, userId: number): Promise<Outcome<{ name: string }>> {
  return changeMember(db, viewer, groupId, userId, 'member:demote', 'member', async (trx, id) => {
    await Membership.query(trx).findById(id).patch({ role: 'member' });
  });
}
