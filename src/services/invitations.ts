import type { Knex } from 'knex';
import { GroupInvitation, Membership } from '../models/group.js';
import { activeMembership } from '../policy/scopes.js';
import { notify } from './notifications.js';

/**
 * Records invitations for people who are neither members nor already invited.
 * Returns the ids actually invited. The caller has checked `member:invite` and
 * that each person is visible to the inviter.
 */
export async function inviteUsers(trx: Knex.Transaction, groupId: number, inviterId: number | null, userIds: number[]): Promise<number[]> {
  if (userIds.length === 0) return [];
  // An expired membership (R-X8) is no membership: such a person can be invited again.
  const members = await Membership.query(trx).alias('m').where('m.groupId', groupId).whereIn('m.userId', userIds).whereRaw(activeMembership('m')).select('m.userId');
  const memberIds = new Set(members.map((m) => m.userId));
  const fresh = userIds.filter((id) => !memberIds.has(id));
  if (fresh.length === 0) return [];
  // Only the rows really written come back (objection would hand back every model it was given,
  // so a person invited already would be told again).
  const inserted: { userId: number }[] = await trx(GroupInvitation.tableName)
    .insert(fresh.map((userId) => ({ groupId, userId, invitedBy: inviterId })))
    .onConflict(['groupId', 'userId'])
    .ignore()
    .returning('userId');
  const invited = inserted.map((r) => r.userId);
  // R-F5: the invitee is told in the same transaction (no actor: the group is what matters, R-X1).
  await notify(trx, invited.map((userId) => ({ userId, kind: 'invitation' as const, actorId: null, groupId })));
  return invited;
}
