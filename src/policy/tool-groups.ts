import type { QueryBuilder } from 'objection';
import { Group, Membership, TOOLS, type Role, type Tool, type WriteAccess } from '../models/group.js';
import { activeMembership } from './scopes.js';
import type { SignedInViewer } from './viewer.js';
import { isSuperuser } from './viewer.js';

/**
 * R-G3, R-X1: ids of the groups whose `tool` the viewer may read, as a subquery: groups it is an
 * active member of with that tool on; in admin mode, every group with the tool on. A tool that is
 * off hides its content from everyone (its pages answer 404).
 */
export function groupsWithToolFor(viewer: SignedInViewer, tool: Tool): QueryBuilder<Membership> | QueryBuilder<Group> {
  if (isSuperuser(viewer)) return Group.query().alias('tg').select('tg.id').whereRaw(toolOnSql(tool, 'tg'));
  return Membership.query()
    .alias('tm')
    .join('groups as tg', 'tg.id', 'tm.groupId')
    .select('tm.groupId')
    .where('tm.userId', viewer.id)
    .whereRaw(activeMembership('tm'))
    .whereRaw(toolOnSql(tool, 'tg'));
}

/**
 * SQL: the group under `alias` has `tool` on. The tool is written into the text, not bound: a prepared
 * statement's generic plan then knows which tool it asks for (bound, it guessed, and a composer's group
 * list ran in 7 ms instead of 0.2). Only names from TOOLS are ever written.
 */
export function toolOnSql(tool: Tool, alias: string): string {
  if (!TOOLS.includes(tool)) throw new Error(`not a tool: ${String(tool)}`);
  return `'${tool}' = any(${alias}.tools)`;
}

/** R-G3: files_write / calendar_write: all members, or the owner and moderators only. */
export function writesContent(role: Role | null, access: WriteAccess): boolean {
  if (role === null) return false;
  return access === 'members' || role === 'owner' || role === 'moderator';
}
