import { TOOLS, type GroupKind, type Role, type Tool, type WhoCanInvite } from '../models/group.js';
import type { CalendarContext } from './calendar-scopes.js';
import type { ConversationContext } from './chat-scopes.js';
import type { DriveContext } from './file-scopes.js';
import { writesContent } from './tool-groups.js';
import type { FeedTarget, PostContext } from './feed-scopes.js';
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

/** One of a group's tools as one viewer meets it. */
export interface ToolContext extends GroupContext {
  tool: Tool;
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
  /** R-G1: every employee can create groups; extranet users cannot. */
  'group:create': null;
  /** R-G9, R-X1: members; employees for groups visible to all; admin mode. Mirrors groupsVisibleTo. */
  'group:view': GroupContext;
  /** Group content (home, tools) is for members; admin mode sees all. */
  'group:read-content': GroupContext;
  /** R-G3: a tool that is off has no pages, for anyone. */
  'tool:enabled': ToolContext;
  /** R-G3, R-X1: a tool's pages are for those who read the group's content, while the tool is on. */
  'tool:read': ToolContext;
  /** R-G4, R-G7: owner and moderators edit, not while archived. */
  'group:edit': GroupContext;
  /** R-G4, R-G7, R-G8: only the owner (or admin mode). */
  'group:archive': GroupContext;
  'group:unarchive': GroupContext;
  'group:delete': GroupContext;
  'group:change-owner': GroupContext;
  /** R-G5: invitations follow who-can-invite; none while archived. */
  'member:invite': GroupContext;
  /** R-X3: invitations by e-mail go only into extranet groups, from those who may invite. */
  'member:invite-external': GroupContext;
  /** R-G5: pending invitations are listed to the group's owner and moderators (and admin mode). */
  'invitation:list': GroupContext;
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
  /** R-T9 with R-T8: those who edit the task add, reorder and remove checklist items … */
  'task:edit-checklist': TaskContext;
  /** … and participants tick them too (as they change the status); observers only read. */
  'task:tick': TaskContext;
  /** R-F2, R-G3, R-X1: mirrors filesVisibleTo/foldersVisibleTo, checked against them by a consistency test. */
  'file:view': DriveContext;
  /** R-F2, R-G3, R-G7: upload, new folder, rename, move, delete: files_write in a live group with the tool on; one's own drive. */
  'file:write': DriveContext;
  /** R-F2: public links are made by those who may write, never in an archived group (R-G7) … */
  'file:link': DriveContext;
  /** … and revoked by them even in an archived group (revoking only takes access away). */
  'file:unlink': DriveContext;
  /** R-F2, R-X4: only the owner shares a personal file or folder (with people it may contact). */
  'file:share': DriveContext;
  /** R-F3, R-X5: mirrors eventsVisibleTo: group members with the tool on; company events for employees. */
  'event:view': CalendarContext;
  /** R-F3, R-G3, R-G7: calendar_write in a live group with the tool on; company events by admin mode. */
  'event:write': CalendarContext;
  /** R-F4, R-U6: a direct conversation is offered with another active person the viewer may see. */
  'user:message': UserRecord;
  /** R-F4, R-X4: mirrors conversationsVisibleTo: group members with the tool on; the two people while they may contact each other. */
  'chat:view': ConversationContext;
  /** R-F4, R-X4, R-G7, R-U6: members of a live group; two distinct people who may contact each other, the other still active. */
  'chat:post': ConversationContext;
  /** R-F1, R-X5: mirrors postsVisibleTo: group members with the feed tool on; company-wide posts for employees only. */
  'post:view': PostContext;
  /** R-F1, R-X5, R-G7: members of a live group with the feed on; employees to all employees. */
  'post:create': FeedTarget;
  /** R-F1, R-X5: an employee thanks another active employee, publicly. */
  'post:appreciate': UserRecord;
  /** R-F1, R-X5: the appreciation form is offered to those who may thank someone (employees). */
  'post:appreciate-someone': null;
  /** R-F1, R-G7: those who may post where the post is may comment on it. */
  'post:comment': PostContext;
  /** R-F1, R-G7: the same people vote, once each, on a poll. */
  'post:vote': PostContext;
  /** R-F1, R-G4: the author, the group's owner and moderators, admin mode; not while archived (R-G7). */
  'post:delete': PostContext;
  /** R-F1: each member switches the group's notifications on or off for itself. */
  'notification:switch': GroupContext;
  /** R-F5: a notification is its recipient's alone. */
  'notification:read': { userId: number };
  /** R-C2: a calendar feed address is made, replaced and revoked by its person alone. */
  'calendar-feed:manage': { userId: number };
  /** Issue 18: only the author edits a post, while it may still post there (live group, feed on, member). */
  'post:edit': PostContext;
  /** Issue 18: those who may comment on a post like it and its comments. */
  'post:like': PostContext;
  /** Issue 18: only its author edits a comment, while it may still comment on the post. */
  'comment:edit': { post: PostContext; authorId: number };
  /** Issue 18: only its author edits a chat message, while it may still post there. */
  'chat:edit': { ctx: ConversationContext; authorId: number };
  /** Issue 17 item 7: its author while it still sees the post; the group's owner and moderators and admin mode moderate (R-G4); not while archived (R-G7). */
  'comment:delete': { post: PostContext; authorId: number };
  /** Issue 17 item 7 with R-T8: its author while it still sees the task, and those who manage the task; not while archived (R-G7). */
  'task-comment:delete': { task: TaskContext; authorId: number };
  /** Issue 17 item 7: its author while it still sees the chat; in a group its owner and moderators and admin mode too (R-G4); direct messages stay their author's (and private). */
  'chat:delete': { ctx: ConversationContext; authorId: number };
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
  'tool:enabled': (_v, c) => c.group.tools.includes(c.tool),
  'tool:read': (v, c) => c.group.tools.includes(c.tool) && (isSuperuser(v) || c.role !== null),
  'group:edit': (v, c) => live(c.group) && (isSuperuser(v) || isManager(c.role)),
  'group:archive': (v, c) => live(c.group) && (isSuperuser(v) || c.role === 'owner'),
  'group:unarchive': (v, c) => !live(c.group) && (isSuperuser(v) || c.role === 'owner'),
  'group:delete': (v, c) => isSuperuser(v) || c.role === 'owner',
  'group:change-owner': (v, c) => isSuperuser(v) || c.role === 'owner',
  'member:invite': (v, c) => live(c.group) && (isSuperuser(v) || mayInvite(c)),
  'member:invite-external': (v, c) => c.group.isExtranet && live(c.group) && (isSuperuser(v) || mayInvite(c)),
  'invitation:list': (v, c) => isSuperuser(v) || isManager(c.role),
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
  'task:edit-checklist': (v, c) => !c.groupArchived && taskManager(v, c),
  'task:tick': (v, c) => !c.groupArchived && (taskManager(v, c) || c.taskRole === 'participant'),
  'file:view': (v, c) => v.signedIn && (c.groupId !== null ? c.toolOn && (isSuperuser(v) || c.role !== null) : c.ownerId === v.id || c.sharedWithViewer),
  'file:write': (v, c) => v.signedIn && (c.groupId !== null ? c.toolOn && !c.archived && (isSuperuser(v) || writesContent(c.role, c.filesWrite)) : c.ownerId === v.id),
  'file:link': (v, c) => v.signedIn && (c.groupId !== null ? c.toolOn && !c.archived && (isSuperuser(v) || writesContent(c.role, c.filesWrite)) : c.ownerId === v.id),
  'file:unlink': (v, c) => v.signedIn && (c.groupId !== null ? c.toolOn && (isSuperuser(v) || writesContent(c.role, c.filesWrite)) : c.ownerId === v.id),
  'file:share': (v, c) => v.signedIn && c.groupId === null && c.ownerId === v.id,
  'event:view': (v, c) => v.signedIn && (c.groupId === null ? !v.isExtranet : c.toolOn && (isSuperuser(v) || c.role !== null)),
  'event:write': (v, c) => v.signedIn && (c.groupId === null ? isSuperuser(v) : c.toolOn && !c.archived && (isSuperuser(v) || writesContent(c.role, c.calendarWrite))),
  'user:message': (v, u) => v.signedIn && v.id !== u.id && u.deactivatedAt === null,
  'chat:view': (v, c) => v.signedIn && (c.kind === 'group' ? c.toolOn && (isSuperuser(v) || c.role !== null) : c.participantIds.includes(v.id) && c.otherVisible),
  'chat:post': (v, c) =>
    v.signedIn && (c.kind === 'group' ? c.toolOn && !c.archived && c.role !== null : new Set(c.participantIds).size === 2 && c.participantIds.includes(v.id) && c.otherVisible && c.otherActive),
  'post:view': (v, c) => v.signedIn && (c.post.groupId === null ? !v.isExtranet : c.toolOn && (isSuperuser(v) || c.role !== null)),
  'post:create': (v, c) => v.signedIn && (c.groupId === null ? !v.isExtranet : c.toolOn && !c.archived && c.role !== null),
  'post:appreciate': (v, u) => v.signedIn && !v.isExtranet && !u.isExtranet && u.deactivatedAt === null && u.id !== v.id,
  'post:appreciate-someone': (v) => v.signedIn && !v.isExtranet,
  'post:comment': (v, c) => v.signedIn && !c.archived && (c.post.groupId === null ? !v.isExtranet : c.toolOn && c.role !== null),
  'post:vote': (v, c) => c.post.kind === 'poll' && v.signedIn && !c.archived && (c.post.groupId === null ? !v.isExtranet : c.toolOn && c.role !== null),
  'post:delete': (v, c) =>
    v.signedIn && !c.archived && (c.post.groupId === null ? !v.isExtranet : c.toolOn) && (v.id === c.post.authorId || isSuperuser(v) || (c.post.groupId !== null && isManager(c.role))),
  'notification:switch': (v, c) => v.signedIn && c.role !== null,
  'notification:read': (v, n) => v.signedIn && v.id === n.userId,
  'calendar-feed:manage': (v, f) => v.signedIn && v.id === f.userId,
  'post:edit': (v, c) => v.signedIn && v.id === c.post.authorId && rules['post:comment'](v, c),
  'post:like': (v, c) => rules['post:comment'](v, c),
  'comment:edit': (v, c) => v.signedIn && v.id === c.authorId && rules['post:comment'](v, c.post),
  'chat:edit': (v, c) => v.signedIn && v.id === c.authorId && rules['chat:post'](v, c.ctx),
  'comment:delete': (v, c) =>
    !c.post.archived && rules['post:view'](v, c.post) && (v.id === c.authorId || isSuperuser(v) || (c.post.post.groupId !== null && isManager(c.post.role))),
  'task-comment:delete': (v, c) => !c.task.groupArchived && rules['task:view'](v, c.task) && (v.id === c.authorId || taskManager(v, c.task)),
  'chat:delete': (v, c) =>
    !c.ctx.archived && rules['chat:view'](v, c.ctx) && (v.id === c.authorId || (c.ctx.kind === 'group' && (isSuperuser(v) || isManager(c.ctx.role)))),
};

export function can<A extends Action>(viewer: Viewer, action: A, record: Rules[A]): boolean {
  return rules[action](viewer, record);
}

/** The administrator's buttons on one row of the users list (R-U3, R-U5, R-U6). */
export function adminUserActions(viewer: Viewer, user: UserRecord) {
  return {
    deactivate: can(viewer, 'user:deactivate', user),
    reactivate: can(viewer, 'user:reactivate', user),
    transfer: can(viewer, 'user:transfer', user),
    setAdmin: can(viewer, 'user:set-admin', user),
  };
}

/**
 * R-T2, R-F1 on a group's own pages: whoever may read a group's tool (an active member while it is on, or admin mode)
 * sees every record the tool holds there (every task, every post and shown event), so such a page's scope is the
 * group itself, with no test of each record against the viewer's groups (groupTasksVisibleTo, groupPostsVisibleTo).
 */
export function seesAllOfTool(viewer: Viewer, ctx: GroupContext, tool: Tool): boolean {
  return can(viewer, 'tool:read', { ...ctx, tool });
}

/** 'tool:read' for each tool, as `tool:<name>` keys of a template's `can` map. */
export function readableTools(viewer: Viewer, ctx: GroupContext): Record<`tool:${Tool}`, boolean> {
  return Object.fromEntries(TOOLS.map((tool) => [`tool:${tool}`, can(viewer, 'tool:read', { ...ctx, tool })])) as Record<`tool:${Tool}`, boolean>;
}
