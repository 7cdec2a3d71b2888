import type { Knex } from 'knex';
import { t } from '../i18n/index.js';
import { ForbiddenError } from '../lib/errors.js';
import { mergeErrors, parseForm, validFields, type FieldError, type FormResult } from '../lib/forms.js';
import { Group, Membership } from '../models/group.js';
import { User } from '../models/user.js';
import { can, type GroupContext } from '../policy/abilities.js';
import { lockVisibleGroup } from '../policy/locks.js';
import { mayBecomeOwner } from '../policy/membership-rules.js';
import { activeMembership, usersVisibleTo } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';
import { recordAudit } from './audit.js';
import { groupFields, groupSchema, parseAddressList } from './group-form.js';
import { groupFileKeys } from './file-storage.js';
import { removeGroupFiles } from './group-storage.js';
import { inviteUsers } from './invitations.js';
import { tasksOutsideDates } from './tasks.js';
import { getSettings } from './settings.js';
import { recordSubmission, type Submission } from './submissions.js';

/** A group the viewer may see, locked for this transaction (404 otherwise), on which it may do one thing (403). */
export async function groupForAction(trx: Knex.Transaction, viewer: Viewer, groupId: number, ability: 'group:edit' | 'group:archive' | 'group:unarchive' | 'group:delete' | 'group:change-owner'): Promise<GroupContext & { group: Group }> {
  const found = await lockVisibleGroup(trx, viewer, groupId);
  if (!can(viewer, ability, found)) throw new ForbiddenError();
  return found;
}

const GROUP_FIELDS = [...Object.keys(groupFields.shape), 'invite'];

async function extranetErrors(trx: Knex.Transaction, input: { isExtranet?: boolean }, existing?: Group): Promise<FieldError[]> {
  if (input.isExtranet && !existing?.isExtranet && !(await getSettings(trx)).extranetEnabled) {
    return [{ field: 'isExtranet', message: t('groups.form.extranetOff') }];
  }
  if (existing?.isExtranet && !input.isExtranet) {
    const external = await Membership.query(trx).join('users', 'users.id', 'memberships.userId').where('memberships.groupId', existing.id).where('users.isExtranet', true).first();
    if (external) return [{ field: 'isExtranet', message: t('groups.form.extranetHasExternal') }];
  }
  return [];
}

/** R-G1, R-G2, R-G3: creates a group with the creator as owner, inviting colleagues named by e-mail. */
export async function createGroup(db: Knex, viewer: Viewer, body: unknown, once: Submission<Group> | null = null): Promise<FormResult<Group>> {
  if (!viewer.signedIn || !can(viewer, 'group:create', null)) throw new ForbiddenError();
  const parsed = parseForm(groupSchema, body);
  const addresses = parseAddressList((body as Record<string, unknown> | null)?.invite);
  const invitees = addresses.length ? await usersVisibleTo(viewer).whereRaw('lower(users.email) = any(?)', [addresses]).whereNull('users.deactivatedAt').where('users.isExtranet', false).select('users.id', 'users.email') : [];
  const unknown = addresses.filter((a) => !invitees.some((u) => u.email.toLowerCase() === a));
  const inviteError = unknown.length ? { field: 'invite', message: t('groups.form.inviteUnknown', { list: unknown.slice(0, 10).join(', ') }) } : null;
  return db.transaction(async (trx) => {
    // Every check runs, so one round reports every error (issue 17, item 6).
    const errors = mergeErrors(GROUP_FIELDS, parsed.ok ? [] : parsed.errors, await extranetErrors(trx, validFields(groupFields.shape, body)), inviteError);
    if (!parsed.ok || errors.length) return { ok: false, errors };
    const input = parsed.value;
    const group = await Group.query(trx).insertAndFetch({ ...input, createdBy: viewer.id });
    await Membership.query(trx).insert({ groupId: group.id, userId: viewer.id, role: 'owner' });
    await inviteUsers(trx, group.id, viewer.id, invitees.map((u) => u.id).filter((id) => id !== viewer.id));
    await recordAudit(trx, { actorId: viewer.id, action: 'group.create', subjectType: 'group', subjectId: group.id, subjectLabel: group.name });
    await recordSubmission(trx, once, group);
    return { ok: true, value: group };
  });
}

/** R-G2, R-G3, R-G4: owner and moderators change the parameters; a workgroup becomes a project and back. */
export async function updateGroup(db: Knex, viewer: Viewer, groupId: number, body: unknown): Promise<FormResult<Group>> {
  return db.transaction(async (trx) => {
    const { group } = await groupForAction(trx, viewer, groupId, 'group:edit');
    const parsed = parseForm(groupSchema, body);
    const fields = validFields(groupFields.shape, body);
    // R-T3: the new dates must still hold every task deadline; the error names the tasks.
    const outside = fields.kind === 'project' && fields.startsOn && fields.endsOn && fields.startsOn <= fields.endsOn ? await tasksOutsideDates(trx, group.id, fields.startsOn, fields.endsOn) : [];
    const datesError = outside.length ? { field: 'startsOn', message: t('tasks.project.outside', { list: outside.join(', ') }) } : null;
    const errors = mergeErrors(GROUP_FIELDS, parsed.ok ? [] : parsed.errors, await extranetErrors(trx, fields, group), datesError);
    if (!parsed.ok || errors.length) return { ok: false, errors };
    const updated = await Group.query(trx).patchAndFetchById(group.id, { ...parsed.value, updatedAt: new Date() });
    return { ok: true, value: updated };
  });
}

/** R-G7: archive and unarchive keep everything; only the owner or admin mode. */
export async function setArchived(db: Knex, viewer: Viewer, groupId: number, archived: boolean): Promise<Group> {
  return db.transaction(async (trx) => {
    const { group } = await groupForAction(trx, viewer, groupId, archived ? 'group:archive' : 'group:unarchive');
    const updated = await Group.query(trx).patchAndFetchById(group.id, { archivedAt: archived ? new Date() : null, updatedAt: new Date() });
    await recordAudit(trx, { actorId: viewer.id, action: archived ? 'group.archive' : 'group.unarchive', subjectType: 'group', subjectId: group.id, subjectLabel: group.name });
    return updated;
  });
}

/** Tasks, posts, files, events and chat go with it by ON DELETE CASCADE; files on disk are removed after commit. */
export async function deleteGroup(db: Knex, viewer: Viewer, groupId: number, confirmation: unknown, storageDir: string): Promise<FormResult<Group>> {
  let fileKeys: string[] = [];
  const result = await db.transaction(async (trx): Promise<FormResult<Group>> => {
    const { group } = await groupForAction(trx, viewer, groupId, 'group:delete');
    if (typeof confirmation !== 'string' || confirmation.trim() !== group.name.trim()) {
      return { ok: false, errors: [{ field: 'confirmName', message: t('groups.delete.mismatch', { name: group.name }) }] };
    }
    fileKeys = await groupFileKeys(trx, group.id);
    await Group.query(trx).deleteById(group.id);
    await recordAudit(trx, { actorId: viewer.id, action: 'group.delete', subjectType: 'group', subjectId: group.id, subjectLabel: group.name });
    return { ok: true, value: group };
  });
  // Files leave the disk only once the deletion has committed.
  if (result.ok) await removeGroupFiles(storageDir, result.value, fileKeys);
  return result;
}

/** R-G4: the owner (or admin mode) hands the group to another employee member; the old owner becomes a moderator. */
export async function changeOwner(db: Knex, viewer: Viewer, groupId: number, newOwnerId: number): Promise<{ ok: true } | { ok: false; message: string }> {
  return db.transaction(async (trx) => {
    const { group } = await groupForAction(trx, viewer, groupId, 'group:change-owner');
    const target = await Membership.query(trx).alias('m').where({ 'm.groupId': group.id, 'm.userId': newOwnerId }).whereRaw(activeMembership('m')).first();
    const user = target ? await User.query(trx).findById(newOwnerId) : undefined;
    if (!target || !user || user.deactivatedAt) return { ok: false, message: t('members.owner.notMember') };
    // Handed over already (the same request twice): nothing changes, nothing is recorded.
    if (target.role === 'owner') return { ok: true };
    if (!mayBecomeOwner({ isExtranet: user.isExtranet, deactivated: false, role: target.role }, group)) return { ok: false, message: t('members.owner.external') };
    await Membership.query(trx).where({ groupId: group.id, role: 'owner' }).patch({ role: 'moderator' });
    await Membership.query(trx).findById(target.id).patch({ role: 'owner' });
    await recordAudit(trx, { actorId: viewer.id, action: 'group.change-owner', subjectType: 'group', subjectId: group.id, subjectLabel: group.name, details: { newOwnerId } });
    return { ok: true };
  });
}
