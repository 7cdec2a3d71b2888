import type { Knex } from 'knex';
import { t } from '../i18n/index.js';
import { ForbiddenError } from '../lib/errors.js';
import { GroupInvitation, JoinRequest, Membership } from '../models/group.js';
import { can, type GroupContext } from '../policy/abilities.js';
import { expiredMembership } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';
import { recordMemberJoined, wroteRow } from './feed-events.js';

/** A refusal the person can understand and act on, shown as a flash message. */
export type Outcome<T> = { ok: true; value: T } | { ok: false; message: string };

/** A 403 that says why: the given reason, else the archive (R-G7), else the plain refusal. */
export function refuse(ctx: GroupContext, message?: string): never {
  throw new ForbiddenError(message ?? (ctx.group.archivedAt ? t('groups.archivedBanner') : t('error.403.body')));
}

type GroupAbility = 'member:invite' | 'group:join' | 'group:request-join' | 'join-request:decide' | 'member:leave';

export function demand(viewer: Viewer, action: GroupAbility, ctx: GroupContext, message?: string): void {
  if (!can(viewer, action, ctx)) refuse(ctx, message);
}

/**
 * Adds a plain member (R-G5); already a member: nothing changes. An expired row is no
 * membership (R-X8), so it is replaced. Answered invitations and requests go away.
 */
export async function addMember(trx: Knex.Transaction, groupId: number, userId: number): Promise<void> {
  await Membership.query(trx).where({ groupId, userId }).whereRaw(expiredMembership('memberships')).delete();
  const added: unknown = await Membership.query(trx).insert({ groupId, userId, role: 'member' }).onConflict(['groupId', 'userId']).ignore().returning('id');
  if (wroteRow(added, 'id')) await recordMemberJoined(trx, groupId, userId);
  await GroupInvitation.query(trx).where({ groupId, userId }).delete();
  await JoinRequest.query(trx).where({ groupId, userId }).delete();
}
