import type { Knex } from 'knex';
import { z } from 'zod';
import { t } from '../i18n/index.js';
import { NotFoundError } from '../lib/errors.js';
import { optionalText, parseForm, type FormResult } from '../lib/forms.js';
import { Group, GroupInvitation, JoinRequest, Membership } from '../models/group.js';
import { User } from '../models/user.js';
import { activeMembership, invitationsVisibleTo, joinRequestsVisibleTo, usersVisibleTo } from '../policy/scopes.js';
import { lockVisibleGroup } from '../policy/locks.js';
import { mayBecomeMember } from '../policy/membership-rules.js';
import type { Viewer } from '../policy/viewer.js';
import { inviteUsers } from './invitations.js';
import { notify } from './notifications.js';
import { addMember, demand, type Outcome } from './membership-helpers.js';

export { demoteMember, promoteMember, removeMember } from './member-roles.js';

export const MAX_INVITEES = 50;

/** Ids as the form sends them: one string or a list; anything else is not an id. */
function parseIds(raw: unknown): number[] | null {
  const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
  const ids: number[] = [];
  for (const item of list) {
    if (typeof item !== 'string' || !/^[1-9]\d{0,9}$/.test(item) || Number(item) > 2147483647) return null;
    ids.push(Number(item));
  }
  return [...new Set(ids)];
}

/**
 * R-G5: invites colleagues chosen from the invite search. Who may invite follows the group's
 * setting; each invitee must be an active employee the inviter may see. A refused id gets
 * the same message whether it exists or not (R-X1), and then nothing is written.
 */
export async function inviteMembers(db: Knex, viewer: Viewer, groupId: number, userIds: unknown): Promise<FormResult<{ count: number; group: Group }>> {
  return db.transaction(async (trx) => {
    const ctx = await lockVisibleGroup(trx, viewer, groupId);
    demand(viewer, 'member:invite', ctx);
    const fail = (message: string) => ({ ok: false as const, errors: [{ field: 'userIds', message }] });
    const ids = parseIds(userIds);
    if (ids === null) return fail(t('members.invite.unknown'));
    if (ids.length === 0) return fail(t('members.invite.none'));
    if (ids.length > MAX_INVITEES) return fail(t('members.invite.tooMany', { max: MAX_INVITEES }));
    const found = await usersVisibleTo(viewer).transacting(trx).whereIn('users.id', ids).where('users.isExtranet', false).whereNull('users.deactivatedAt').select('users.id');
    if (found.length !== ids.length) return fail(t('members.invite.unknown'));
    const invited = await inviteUsers(trx, ctx.group.id, viewer.id, ids);
    return { ok: true, value: { count: invited.length, group: ctx.group } };
  });
}

/** The viewer's own invitation; anyone else's, or none, is a 404 (R-X1). */
async function myInvitation(trx: Knex.Transaction, viewer: Viewer, invitationId: number): Promise<GroupInvitation> {
  const invitation = await invitationsVisibleTo(viewer).transacting(trx).findById(invitationId);
  if (!invitation || !viewer.signedIn || invitation.userId !== viewer.id) throw new NotFoundError();
  return invitation;
}

/** R-G5: the invitee accepts and becomes a member; not into an archived group (R-G7). */
export async function acceptInvitation(db: Knex, viewer: Viewer, invitationId: number): Promise<Outcome<Group>> {
  return db.transaction(async (trx) => {
    const invitation = await myInvitation(trx, viewer, invitationId);
    const group = await Group.query(trx).findById(invitation.groupId).forUpdate();
    const user = await User.query(trx).findById(invitation.userId);
    if (!group || !user) throw new NotFoundError();
    if (group.archivedAt) return { ok: false, message: t('members.accept.archived', { name: group.name }) };
    if (!mayBecomeMember({ isExtranet: user.isExtranet, deactivated: user.deactivatedAt !== null }, group)) return { ok: false, message: t('members.accept.notAllowed', { name: group.name }) };
    // Answered in another tab meanwhile: the invitation is gone.
    if ((await GroupInvitation.query(trx).deleteById(invitation.id)) === 0) throw new NotFoundError();
    await addMember(trx, group.id, user.id);
    return { ok: true, value: group };
  });
}

/** R-G5: the invitee declines; the invitation goes away. Returns the group's name for the message. */
export async function declineInvitation(db: Knex, viewer: Viewer, invitationId: number): Promise<{ groupName: string }> {
  return db.transaction(async (trx) => {
    const invitation = await myInvitation(trx, viewer, invitationId);
    const group = await Group.query(trx).findById(invitation.groupId);
    if ((await GroupInvitation.query(trx).deleteById(invitation.id)) === 0) throw new NotFoundError();
    return { groupName: group?.name ?? '' };
  });
}

/** R-G5: an employee joins an open group without approval. */
export async function joinGroup(db: Knex, viewer: Viewer, groupId: number): Promise<Group> {
  return db.transaction(async (trx) => {
    const ctx = await lockVisibleGroup(trx, viewer, groupId);
    demand(viewer, 'group:join', ctx);
    if (viewer.signedIn) await addMember(trx, ctx.group.id, viewer.id);
    return ctx.group;
  });
}

const requestSchema = z.object({ message: optionalText('members.request.message', 500) });

/** R-G5: an employee asks to join a group visible to all; a moderator decides. */
export async function requestToJoin(db: Knex, viewer: Viewer, groupId: number, message: unknown): Promise<FormResult<Group>> {
  return db.transaction(async (trx) => {
    const ctx = await lockVisibleGroup(trx, viewer, groupId);
    const pending = viewer.signedIn ? await JoinRequest.query(trx).where({ groupId: ctx.group.id, userId: viewer.id }).first() : undefined;
    demand(viewer, 'group:request-join', { ...ctx, hasPendingRequest: pending !== undefined }, pending ? t('groups.requestPending') : undefined);
    const parsed = parseForm(requestSchema, { message: message ?? '' });
    if (!parsed.ok) return parsed;
    if (viewer.signedIn) {
      await JoinRequest.query(trx).insert({ groupId: ctx.group.id, userId: viewer.id, message: parsed.value.message }).onConflict(['groupId', 'userId']).ignore();
      // R-F5: the owner and moderators, who decide, are told in the same transaction.
      const managers = await Membership.query(trx).alias('m').where('m.groupId', ctx.group.id).whereIn('m.role', ['owner', 'moderator']).whereRaw(activeMembership('m')).select('m.userId');
      await notify(trx, managers.map((m) => ({ userId: m.userId, kind: 'join_request' as const, actorId: viewer.id, groupId: ctx.group.id })));
    }
    return { ok: true, value: ctx.group };
  });
}

/**
 * R-G5: the group's owner or a moderator approves (the person becomes a member) or rejects
 * a request; either way it goes away. The group is checked first (404 when not visible, 403
 * when the viewer may not decide); a request that is not one of this group's is a 404.
 */
export async function decideJoinRequest(db: Knex, viewer: Viewer, requestId: number, approve: boolean, groupId: number): Promise<Outcome<{ name: string; approved: boolean }>> {
  return db.transaction(async (trx) => {
    const ctx = await lockVisibleGroup(trx, viewer, groupId);
    demand(viewer, 'join-request:decide', ctx);
    const request = await joinRequestsVisibleTo(viewer).transacting(trx).findById(requestId).where('joinRequests.groupId', ctx.group.id);
    if (!request) throw new NotFoundError();
    const user = await User.query(trx).findById(request.userId);
    // Answered by another moderator meanwhile: the request is gone.
    if ((await JoinRequest.query(trx).deleteById(request.id)) === 0 || !user) return { ok: false, message: t('members.request.gone') };
    if (approve) {
      if (!mayBecomeMember({ isExtranet: user.isExtranet, deactivated: user.deactivatedAt !== null }, ctx.group)) return { ok: false, message: t('members.request.notAllowed', { name: user.name }) };
      await addMember(trx, ctx.group.id, user.id);
    }
    return { ok: true, value: { name: user.name, approved: approve } };
  });
}

/** R-G6: a member leaves; the owner cannot, until ownership is handed over. */
export async function leaveGroup(db: Knex, viewer: Viewer, groupId: number): Promise<Group> {
  return db.transaction(async (trx) => {
    const ctx = await lockVisibleGroup(trx, viewer, groupId);
    demand(viewer, 'member:leave', ctx, ctx.role === 'owner' ? t('members.leave.owner') : undefined);
    if (viewer.signedIn) await Membership.query(trx).where({ groupId: ctx.group.id, userId: viewer.id }).delete();
    return ctx.group;
  });
}
