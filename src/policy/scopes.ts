import { raw, type QueryBuilder, type RawBuilder } from 'objection';
import type { Knex } from 'knex';
import { AuditEntry } from '../models/audit-entry.js';
import { OutboxMessage } from '../models/outbox-message.js';
import { Group, GroupInvitation, JoinRequest, Membership, type Role } from '../models/group.js';
import { User } from '../models/user.js';
import { isSuperuser, type Viewer } from './viewer.js';
import { viewerQuery } from './viewer-query.js';

/**
 * Scopes: every read starts here. Each returns a query already narrowed to what the
 * viewer may see; "not visible" and "does not exist" are the same empty result (R-X1).
 */

/** R-X8: an expired membership is no membership, wherever memberships are read. */
export function activeMembership(alias: string): string {
  return `(${alias}.expires_at is null or ${alias}.expires_at > now())`;
}

/** R-X8: the opposite of activeMembership(): a row whose end has passed, kept only until maintenance removes it. */
export function expiredMembership(alias: string): string {
  return `(${alias}.expires_at is not null and ${alias}.expires_at <= now())`;
}

/** Ids of the groups the viewer is an active member of, as a subquery. */
export function myGroupIds(viewerId: number): QueryBuilder<Membership> {
  return Membership.query().alias('mine').select('mine.groupId').where('mine.userId', viewerId).whereRaw(activeMembership('mine'));
}

/**
 * R-G9, R-X1: members see their groups; employees also see groups visible to all;
 * an admin in admin mode sees every group.
 */
export function groupsVisibleTo(viewer: Viewer): QueryBuilder<Group> {
  const q = Group.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  if (isSuperuser(viewer)) return q;
  const member = myGroupIds(viewer.id);
  if (viewer.isExtranet) return q.whereIn('groups.id', member);
  // Constants are written, not bound, here and below: a prepared statement's generic plan then knows them.
  return q.where((b) => b.whereRaw('groups.visible_to_all').orWhereIn('groups.id', member));
}

/**
 * SQL: may the viewer see the group row under `alias`? The rule of groupsVisibleTo() as an
 * expression, for records that carry their group: a task, a notification, a search hit can be
 * visible while its group is not (R-T2 with R-X1, R-X8).
 */
export function groupVisibleSql(viewer: Viewer, alias: string): RawBuilder {
  if (!viewer.signedIn) return raw('false');
  if (isSuperuser(viewer)) return raw('true');
  const member = raw(`exists (select 1 from memberships gv where gv.user_id = ? and gv.group_id = ??.id and ${activeMembership('gv')})`, [viewer.id, alias]);
  if (viewer.isExtranet) return member;
  return raw('(??.visible_to_all or ?)', [alias, member]);
}

/**
 * The group a record names, as shown to the viewer: `groupName` and `groupIsExtranet` only when
 * the group is visible, else null and false, with `groupHidden` true ("a group you are not in":
 * no name, link or extranet mark). `alias` is the record's left-joined `groups` row.
 */
export function shownGroupColumns(viewer: Viewer, alias: string): RawBuilder[] {
  const visible = groupVisibleSql(viewer, alias);
  return [
    raw('case when ? then ??.name end', [visible, alias]).as('groupName'),
    raw('coalesce(? and ??.is_extranet, false)', [visible, alias]).as('groupIsExtranet'),
    raw('(??.id is not null and not ?)', [alias, visible]).as('groupHidden'),
  ];
}

/**
 * R-X1, R-X2: extranet users see only their contacts (people who share an active
 * group with them); employees see all employees and the extranet users they share a group with.
 */
export function usersVisibleTo(viewer: Viewer): QueryBuilder<User> {
  const q = User.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  if (isSuperuser(viewer)) return q;
  const contacts = Membership.query()
    .alias('theirs')
    .select('theirs.userId')
    .whereIn('theirs.groupId', myGroupIds(viewer.id))
    .whereRaw(activeMembership('theirs'));
  // An external user's contacts are the members of its few groups: a small set, read once.
  if (viewer.isExtranet) return q.where((b) => b.where('users.id', viewer.id).orWhereRaw('users.id = any(array(?))', [contacts]));
  // An employee's would be everyone in all its groups, built as a hash each time the scope is used (1.2 ms
  // at scale 1, three times on a group home), though it matters only for external people: ask it per
  // external person instead, as a correlated EXISTS that employees never reach. OFFSET 0 keeps it one:
  // PostgreSQL turns a plain EXISTS into an IN it may hash, and its estimate of how many rows reach the
  // test (every row of users) always chose the hash.
  const isContact = contacts.clone().clearSelect().select(raw('1')).whereColumn('theirs.userId', 'users.id');
  return q.where((b) => b.whereRaw('not users.is_extranet').orWhere('users.id', viewer.id).orWhereRaw('exists (? offset 0)', [isContact]));
}

/**
 * SQL true when the person in `column` is one the viewer may see (usersVisibleTo), asked once per row. OFFSET 0 keeps
 * it a probe: PostgreSQL may otherwise answer the EXISTS by hashing everyone the viewer may see, and did for an
 * external user's 315 contacts to test the actors of three unread notifications, on every page (0.5 ms), and for
 * 344 contacts to name 21 actors on a group home (issue 16).
 */
export function isVisiblePerson(viewer: Viewer, column: string) {
  return raw('exists (? offset 0)', [usersVisibleTo(viewer).select(raw('1')).whereColumn('users.id', column)]);
}

/**
 * Active memberships the viewer may see: in groups it may see, of people it may see
 * (so a visible group never reveals an external user who is not the viewer's contact).
 */
export function membershipsVisibleTo(viewer: Viewer): QueryBuilder<Membership> {
  return Membership.query()
    .whereRaw(activeMembership('memberships'))
    .whereIn('memberships.groupId', groupsVisibleTo(viewer).select('groups.id'))
    .whereIn('memberships.userId', usersVisibleTo(viewer).select('users.id'));
}

/**
 * The viewer's own active memberships. The same rows membershipsVisibleTo() gives for the viewer's
 * own user id (its groups are visible to it, and so is it), without building everyone it may see.
 */
export function ownMemberships(viewer: Viewer): QueryBuilder<Membership> {
  const q = Membership.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  return q.where('memberships.userId', viewer.id).whereRaw(activeMembership('memberships'));
}

/**
 * Correlated subquery: how many of the active members of the group in table alias `groups` the viewer may
 * see, so a count never exceeds the list it summarises (R-X1): the rows of membershipsVisibleTo().
 * In a group the viewer belongs to it sees every member (R-G6), so there the count is a plain one
 * and each member is not checked against the viewer's contacts (10 ms of PostgreSQL on /groups):
 * the group's memberships that never end, kept on the group (migration 0017), plus those still running.
 */
export function memberCountOf(viewer: Viewer, groups: string): RawBuilder {
  const groupId = `${groups}.id`;
  const ending = Membership.query().alias('mc').count('*').whereColumn('mc.groupId', groupId).whereRaw('mc.expires_at > now()');
  const all = raw(`(${groups}.permanent_members + (?))`, [ending]);
  if (!viewer.signedIn) return raw('0::bigint');
  if (isSuperuser(viewer)) return all;
  const visible = Membership.query()
    .alias('mc')
    .count('*')
    .whereColumn('mc.groupId', groupId)
    .whereRaw(activeMembership('mc'))
    .whereExists(usersVisibleTo(viewer).select(raw('1')).whereColumn('users.id', 'mc.userId'));
  const inGroup = Membership.query().alias('mg').select(raw('1')).where('mg.userId', viewer.id).whereColumn('mg.groupId', groupId).whereRaw(activeMembership('mg'));
  return raw('case when exists (?) then (?) else (?) end', [inGroup, all, visible]);
}

/** Correlated subquery: the viewer's notification switch in the group in `groupIdColumn`, or null. */
function viewerNotifyIn(viewerId: number, groupIdColumn: string): QueryBuilder<Membership> {
  return Membership.query().alias('mn').select('mn.notify').where('mn.userId', viewerId).whereColumn('mn.groupId', groupIdColumn).whereRaw(activeMembership('mn'));
}

/** Correlated subquery: the viewer's role in the group in `groupIdColumn`, or null. */
export function viewerRoleIn(viewerId: number, groupIdColumn: string): QueryBuilder<Membership> {
  return Membership.query().alias('me').select('me.role').where('me.userId', viewerId).whereColumn('me.groupId', groupIdColumn).whereRaw(activeMembership('me'));
}

/** Groups where the viewer is owner or moderator, as an id subquery. */
function managedGroupIds(viewerId: number): QueryBuilder<Membership> {
  return myGroupIds(viewerId).whereIn('mine.role', ['owner', 'moderator']);
}

/** R-G5: a request is seen by the person who asked and by the group's owner and moderators. */
export function joinRequestsVisibleTo(viewer: Viewer): QueryBuilder<JoinRequest> {
  const q = JoinRequest.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  if (isSuperuser(viewer)) return q;
  return q.where((b) => b.where('joinRequests.userId', viewer.id).orWhereIn('joinRequests.groupId', managedGroupIds(viewer.id)));
}

/** R-G5: an invitation is seen by the invitee and by the group's owner and moderators. */
export function invitationsVisibleTo(viewer: Viewer): QueryBuilder<GroupInvitation> {
  const q = GroupInvitation.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  if (isSuperuser(viewer)) return q;
  return q.where((b) => b.where('groupInvitations.userId', viewer.id).orWhereIn('groupInvitations.groupId', managedGroupIds(viewer.id)));
}

/**
 * R-G5: ids of the people who already belong to, or are invited to, one group, so an
 * invite search can leave them out. Only for a group the viewer is an active member of
 * (or admin mode); otherwise empty, so it can never tell a stranger who is in a group.
 */
export function memberOrInviteeIds(viewer: Viewer, groupId: number): QueryBuilder<Membership> {
  const seats = Membership.query().alias('seat').select('seat.userId').where('seat.groupId', groupId);
  if (!viewer.signedIn) return seats.whereRaw('false');
  const invited = GroupInvitation.query().alias('inv').select('inv.userId').where('inv.groupId', groupId);
  if (!isSuperuser(viewer)) {
    seats.whereIn('seat.groupId', myGroupIds(viewer.id));
    invited.whereIn('inv.groupId', myGroupIds(viewer.id));
  }
  return seats.union(invited);
}

/** SPEC §6: the audit log is for administrators in admin mode. */
export function auditEntriesVisibleTo(viewer: Viewer): QueryBuilder<AuditEntry> {
  const q = AuditEntry.query();
  return isSuperuser(viewer) ? q : q.whereRaw('false');
}

export interface VisibleGroup {
  group: Group;
  /** The viewer's role in the group, or null when the viewer is not an active member. */
  role: Role | null;
  /** The member's notification switch for the group (R-F1), or null when the viewer is not an active member. */
  notify: boolean | null;
}

type VisibleGroupRow = Group & { viewerRole?: Role | null; viewerNotify?: boolean | null };

/** Every group page starts here: built once per kind of viewer (viewer-query.ts). */
const visibleGroupById = viewerQuery<VisibleGroupRow>((viewer, [groupId]) =>
  groupsVisibleTo(viewer)
    .findById(groupId ?? 0)
    .select('groups.*', viewerRoleIn(viewer.id, 'groups.id').as('viewerRole'), viewerNotifyIn(viewer.id, 'groups.id').as('viewerNotify'))
    .toKnexQuery(),
);

/** One group through the scope, with the viewer's role and switch, in one query; undefined when not visible. */
export async function findVisibleGroup(viewer: Viewer, id: number, trx?: Knex.Transaction): Promise<VisibleGroup | undefined> {
  // Nobody signed out sees a group (groupsVisibleTo).
  if (!viewer.signedIn) return undefined;
  const [row] = await visibleGroupById(trx ?? Group.knex(), viewer, [id]);
  if (!row) return undefined;
  const { viewerRole = null, viewerNotify = null, ...group } = row;
  return { group: group as Group, role: viewerRole, notify: viewerRole === null ? null : viewerNotify };
}

/** SPEC §6: the mail outbox holds invitation links; administrators in admin mode only. */
export function outboxVisibleTo(viewer: Viewer): QueryBuilder<OutboxMessage> {
  const q = OutboxMessage.query();
  return isSuperuser(viewer) ? q : q.whereRaw('false');
}
