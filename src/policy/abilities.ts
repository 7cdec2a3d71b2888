import type { GroupKind, Role, Tool, WhoCanInvite } from '../models/group.js';
import type { Viewer } from './viewer.js';
import { isSuperuser } from './viewer.js';

export interface UserRecord {
  id: number;
  isAdmin: boolean;
  isExtranet: boolean;
  deactivatedAt: Date | null;
}

export interface GroupRecord {
  id: number;
  kind: GroupKind;
  visibleToAll: boolean;
  isOpen: boolean;
  isExtranet: boolean;
  whoCanInvite: WhoCanInvite;
  tools: Tool[];
  archivedAt: Date | null;
}

/** A group as one viewer meets it: the group and the viewer's role in it (null: not a member). */
export interface GroupContext {
  group: GroupRecord;
  role: Role | null;
  /** Set when the viewer already asked to join. */
  hasPendingRequest?: boolean;
}

/** A task as one viewer meets it (see findVisibleTask). */
export interface TaskContext {
  task: { creatorId: number; responsibleId: number; groupId: number | null };
  taskRole: 'participant' | 'observer' | null;
  groupRole: Role | null;
  groupArchived: boolean;
  /** Whether the task's group has the tasks tool on (R-G3). */
  groupTasksOn: boolean;
}

const taskManager = (v: Viewer, c: TaskContext) =>
  isSuperuser(v) || v.id === c.task.creatorId || v.id === c.task.responsibleId || isManager(c.groupRole);

/** A member as the target of a membership action. */
export interface MemberTarget extends GroupContext {
  target: { userId: number; role: Role; isExtranet: boolean };
}

const isManager = (role: Role | null) => role === 'owner' || role === 'moderator';
const live = (g: GroupRecord) => g.archivedAt === null;

/** R-G5: who may invite follows the group's setting. */
function mayInvite(ctx: GroupContext): boolean {
  const { role, group } = ctx;
  if (!role) return false;
  if (group.whoCanInvite === 'owner') return role === 'owner';
  if (group.whoCanInvite === 'moderators') return isManager(role);
  return true;
}

/**
 * One table of write rules. Each entry names the record it judges and cites the
 * spec. Group, task and tool abilities join this table as those areas land.
 */
interface Rules {
  /** SPEC §6 with R-U3: admin pages need admin mode. */
  'admin:access': null;
  /** R-U3: only admins have the switch. */
  'admin-mode:switch': null;
  'profile:edit': UserRecord;
  /** R-U6: an admin cannot lock themselves out. */
  'user:deactivate': UserRecord;
  'user:reactivate': UserRecord;
  'user:set-admin': UserRecord;
  'settings:edit': null;
  /** R-U5: an administrator moves people between intranet and extranet (not themselves). */
  'user:transfer': UserRecord;
  /** R-G1: any employee can create groups; extranet users cannot. */
  'group:create': null;
  /** R-G9, R-X1: members; employees for groups visible to all; admin mode. Mirrors groupsVisibleTo. */
  'group:view': GroupContext;
  /** Group content (home, tools) is for members; admin mode sees all. */
  'group:read-content': GroupContext;
  /** R-G4, R-G7: owner and moderators edit, not while archived. */
  'group:edit': GroupContext;
  /** R-G4, R-G7, R-G8: only the owner (or admin mode). */
  'group:archive': GroupContext;
  'group:unarchive': GroupContext;
  'group:delete': GroupContext;
  'group:change-owner': GroupContext;
  /** R-G5: invitations follow who-can-invite; none while archived. */
  'member:invite': GroupContext;
  /** R-G5: an employee joins an open group without approval. */
  'group:join': GroupContext;
  /** R-G5: an employee asks to join a group visible to all. */
  'group:request-join': GroupContext;
  'join-request:decide': GroupContext;
  /** R-G6: anyone but the owner can leave. */
  'member:leave': GroupContext;
  /** R-G6: owner and moderators remove members; a moderator cannot remove the owner or another moderator. */
  'member:remove': MemberTarget;
  /** Owner and moderators promote members; only the owner demotes a moderator. */
  'member:promote': MemberTarget;
  'member:demote': MemberTarget;
  /** R-X8: owner and moderators set an external member's expiry. */
  'member:set-expiry': MemberTarget;
  /** R-T2: mirrors tasksVisibleTo, checked against it by a consistency test. */
  'task:view': TaskContext;
  /** R-T8: creator, responsible, group owner/moderators (or admin mode); never in an archived group (R-G7). */
  'task:edit': TaskContext;
  'task:delete': TaskContext;
  /** R-T8: participants too change the status. */
  'task:change-status': TaskContext;
  /** R-T8: participants and observers too comment. */
  'task:comment': TaskContext;
}

export type Action = keyof Rules;

const rules: { [A in Action]: (viewer: Viewer, record: Rules[A]) => boolean } = {
  'admin:access': (v) => isSuperuser(v),
  'admin-mode:switch': (v) => v.signedIn && v.isAdmin,
  'profile:edit': (v, user) => v.signedIn && v.id === user.id,
  'user:deactivate': (v, user) => isSuperuser(v) && v.id !== user.id && user.deactivatedAt === null,
  'user:reactivate': (v, user) => isSuperuser(v) && user.deactivatedAt !== null,
  'user:set-admin': (v, user) => isSuperuser(v) && v.id !== user.id && !user.isExtranet,
  'settings:edit': (v) => isSuperuser(v),
  'user:transfer': (v, user) => isSuperuser(v) && v.id !== user.id,
  'group:create': (v) => v.signedIn && !v.isExtranet,
  'group:view': (v, c) => isSuperuser(v) || c.role !== null || (v.signedIn && !v.isExtranet && c.group.visibleToAll),
  'group:read-content': (v, c) => isSuperuser(v) || c.role !== null,
  'group:edit': (v, c) => live(c.group) && (isSuperuser(v) || isManager(c.role)),
  'group:archive': (v, c) => live(c.group) && (isSuperuser(v) || c.role === 'owner'),
  'group:unarchive': (v, c) => !live(c.group) && (isSuperuser(v) || c.role === 'owner'),
  'group:delete': (v, c) => isSuperuser(v) || c.role === 'owner',
  'group:change-owner': (v, c) => isSuperuser(v) || c.role === 'owner',
  'member:invite': (v, c) => live(c.group) && (isSuperuser(v) || mayInvite(c)),
  'group:join': (v, c) => v.signedIn && !v.isExtranet && live(c.group) && c.role === null && c.group.isOpen,
  'group:request-join': (v, c) => v.signedIn && !v.isExtranet && live(c.group) && c.role === null && c.group.visibleToAll && !c.group.isOpen && !c.hasPendingRequest,
  'join-request:decide': (v, c) => live(c.group) && (isSuperuser(v) || isManager(c.role)),
  'member:leave': (_v, c) => c.role !== null && c.role !== 'owner',
  'member:remove': (v, c) =>
    live(c.group) && c.target.role !== 'owner' && v.id !== c.target.userId && (isSuperuser(v) || c.role === 'owner' || (c.role === 'moderator' && c.target.role === 'member')),
  'member:promote': (v, c) => live(c.group) && c.target.role === 'member' && !c.target.isExtranet && (isSuperuser(v) || isManager(c.role)),
  'member:demote': (v, c) => live(c.group) && c.target.role === 'moderator' && (isSuperuser(v) || c.role === 'owner'),
  'member:set-expiry': (v, c) => live(c.group) && c.target.isExtranet && (isSuperuser(v) || isManager(c.role)),
  'task:view': (v, c) =>
    isSuperuser(v) || (v.signedIn && (v.id === c.task.creatorId || v.id === c.task.responsibleId || c.taskRole !== null || (c.groupRole !== null && c.groupTasksOn))),
  'task:edit': (v, c) => !c.groupArchived && taskManager(v, c),
  'task:delete': (v, c) => !c.groupArchived && taskManager(v, c),
  'task:change-status': (v, c) => !c.groupArchived && (taskManager(v, c) || c.taskRole === 'participant'),
  'task:comment': (v, c) => !c.groupArchived && (taskManager(v, c) || c.taskRole !== null),
};

export function can<A extends Action>(viewer: Viewer, action: A, record: Rules[A]): boolean {
  return rules[action](viewer, record);
}
