import type { QueryBuilder } from 'objection';
import { Group, Membership, type Role, type Tool, type WriteAccess } from '../models/group.js';
import { activeMembership } from './scopes.js';
import type { SignedInViewer } from './viewer.js';
import { isSuperuser } from './viewer.js';

/**
 * R-G3, R-X1: ids of the groups whose `tool` the viewer may read, as a subquery: groups it is an
 * active member of with that tool on; in admin mode, every group with the tool on. A tool that is
 * off hides its content from everyone (its pages answer 404).
 */
export function groupsWithToolFor(viewer: SignedInViewer, tool: Tool): QueryBuilder<Membership> | QueryBuilder<Group> {
  if (isSuperuser(viewer)) return Group.query().alias('tg').select('tg.id').whereRaw('? = any(tg.tools)', [tool]);
  return Membership.query()
    .alias('tm')
    .join('groups as tg', 'tg.id', 'tm.groupId')
    .select('tm.groupId')
    .where('tm.userId', viewer.id)
    .whereRaw(activeMembership('tm'))
    .whereRaw('? = any(tg.tools)', [tool]);
}

/** R-G3: files_write / calendar_write: all members, or the owner and moderators only. */
export function writesContent(role: Role | null, access: WriteAccess): boolean {
  if (role === null) return false;
  return access === 'members' || role === 'owner' || role === 'moderator';
}
