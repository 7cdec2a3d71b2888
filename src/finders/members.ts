import { raw } from 'objection';
import { likePattern } from '../lib/search.js';
import { decodeCursor, toPage, type Page } from '../lib/keyset.js';
import type { Role } from '../models/group.js';
import { invitationsVisibleTo, joinRequestsVisibleTo, memberOrInviteeIds, membershipsVisibleTo, usersVisibleTo } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';

export const MEMBERS_PAGE_SIZE = 50;
export const INVITATIONS_PAGE_SIZE = 50;
/** Pending requests and invitations of one group are shown up to this many (R-G5). */
export const PENDING_LIMIT = 100;
export const CANDIDATE_LIMIT = 20;

/** A person as the views show it (R-U4: the extranet mark; R-U6: deactivated). */
interface Person {
  id: number;
  name: string;
  isExtranet: boolean;
  deactivated: boolean;
}

export interface MemberRow extends Person {
  email: string;
  role: Role;
  expiresAt: Date | null;
}

/** Owner first, then moderators, then members: the page's sort key starts with this rank. */
const ROLE_RANK = "(case memberships.role when 'owner' then 0 when 'moderator' then 1 else 2 end)";


/**
 * R-G6, R-X8: the active members of one group, through the memberships the viewer may see;
 * searchable by name or e-mail; keyset-paged on (role rank, lower(name), id); one query a page.
 */
export async function findMembers(viewer: Viewer, groupId: number, params: { q?: string; after?: unknown }, pageSize = MEMBERS_PAGE_SIZE): Promise<Page<MemberRow>> {
  const q = membershipsVisibleTo(viewer)
    .join('users', 'users.id', 'memberships.userId')
    .where('memberships.groupId', groupId)
    .select('users.id', 'users.name', 'users.email', 'users.isExtranet', 'users.deactivatedAt', 'memberships.role', 'memberships.expiresAt', raw(`${ROLE_RANK} as role_rank`));
  const like = likePattern(params.q);
  if (like) q.where((b) => b.whereRaw('lower(users.name) like ?', [like]).orWhereRaw('lower(users.email) like ?', [like]));
  const cursor = decodeCursor(params.after, ['number', 'string', 'number']);
  if (cursor) q.whereRaw(`(${ROLE_RANK}, lower(users.name), users.id) > (?, ?, ?)`, cursor);
  const rows = (await q.orderByRaw(`${ROLE_RANK}, lower(users.name), users.id`).limit(pageSize + 1)) as unknown as {
    id: number; name: string; email: string; isExtranet: boolean; deactivatedAt: Date | null; role: Role; expiresAt: Date | null; roleRank: number;
  }[];
  const page = toPage(rows, pageSize, (m) => [Number(m.roleRank), m.name.toLowerCase(), m.id]);
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((m) => ({ id: m.id, name: m.name, email: m.email, isExtranet: m.isExtranet, deactivated: m.deactivatedAt !== null, role: m.role, expiresAt: m.expiresAt })),
  };
}

/** One active member of a group, through the same scope; undefined when not visible. */
export async function findMember(viewer: Viewer, groupId: number, userId: number): Promise<{ id: number; name: string; role: Role; isExtranet: boolean; deactivatedAt: Date | null } | undefined> {
  const row = (await membershipsVisibleTo(viewer)
    .join('users', 'users.id', 'memberships.userId')
    .where({ 'memberships.groupId': groupId, 'memberships.userId': userId })
    .select('users.id', 'users.name', 'memberships.role', 'users.isExtranet', 'users.deactivatedAt')
    .first()) as unknown as { id: number; name: string; role: Role; isExtranet: boolean; deactivatedAt: Date | null } | undefined;
  return row ? { id: row.id, name: row.name, role: row.role, isExtranet: row.isExtranet, deactivatedAt: row.deactivatedAt } : undefined;
}

export interface MyInvitationRow {
  id: number;
  createdAt: Date;
  group: { id: number; name: string; isExtranet: boolean; archived: boolean };
  inviter: Person | null;
}

/** R-G5: the viewer's own pending invitations, newest first, keyset-paged on id; one query a page. */
export async function findMyInvitations(viewer: Viewer, params: { after?: unknown }, pageSize = INVITATIONS_PAGE_SIZE): Promise<Page<MyInvitationRow>> {
  if (!viewer.signedIn) return { items: [], nextCursor: null };
  const q = invitationsVisibleTo(viewer)
    .where('groupInvitations.userId', viewer.id)
    .join('groups', 'groups.id', 'groupInvitations.groupId')
    .leftJoin('users as inviter', 'inviter.id', 'groupInvitations.invitedBy')
    .select(
      'groupInvitations.id', 'groupInvitations.createdAt',
      'groups.id as groupId', 'groups.name as groupName', 'groups.isExtranet as groupIsExtranet', 'groups.archivedAt as groupArchivedAt',
      'inviter.id as inviterId', 'inviter.name as inviterName', 'inviter.isExtranet as inviterIsExtranet', 'inviter.deactivatedAt as inviterDeactivatedAt',
    );
  const cursor = decodeCursor(params.after, ['number']);
  if (cursor) q.where('groupInvitations.id', '<', cursor[0] as number);
  const rows = (await q.orderBy('groupInvitations.id', 'desc').limit(pageSize + 1)) as unknown as {
    id: number; createdAt: Date; groupId: number; groupName: string; groupIsExtranet: boolean; groupArchivedAt: Date | null;
    inviterId: number | null; inviterName: string | null; inviterIsExtranet: boolean | null; inviterDeactivatedAt: Date | null;
  }[];
  const page = toPage(rows, pageSize, (r) => [r.id]);
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((r) => ({
      id: r.id,
      createdAt: r.createdAt,
      group: { id: r.groupId, name: r.groupName, isExtranet: r.groupIsExtranet, archived: r.groupArchivedAt !== null },
      inviter: r.inviterId !== null && r.inviterName !== null ? { id: r.inviterId, name: r.inviterName, isExtranet: r.inviterIsExtranet === true, deactivated: r.inviterDeactivatedAt !== null } : null,
    })),
  };
}

export interface PendingList<T> {
  items: T[];
  /** More are pending than are shown. */
  more: boolean;
}

export interface JoinRequestRow {
  id: number;
  message: string;
  createdAt: Date;
  person: Person;
}

/** R-G5: requests to join one group, oldest first, as its owner and moderators see them; one query. */
export async function findGroupJoinRequests(viewer: Viewer, groupId: number): Promise<PendingList<JoinRequestRow>> {
  const rows = (await joinRequestsVisibleTo(viewer)
    .where('joinRequests.groupId', groupId)
    .join('users', 'users.id', 'joinRequests.userId')
    .select('joinRequests.id', 'joinRequests.message', 'joinRequests.createdAt', 'users.id as userId', 'users.name', 'users.isExtranet', 'users.deactivatedAt')
    .orderBy('joinRequests.id')
    .limit(PENDING_LIMIT + 1)) as unknown as { id: number; message: string; createdAt: Date; userId: number; name: string; isExtranet: boolean; deactivatedAt: Date | null }[];
  return {
    more: rows.length > PENDING_LIMIT,
    items: rows.slice(0, PENDING_LIMIT).map((r) => ({ id: r.id, message: r.message, createdAt: r.createdAt, person: { id: r.userId, name: r.name, isExtranet: r.isExtranet, deactivated: r.deactivatedAt !== null } })),
  };
}

export interface GroupInvitationRow {
  id: number;
  createdAt: Date;
  invitee: Person;
  inviter: Person | null;
}

/** R-G5: invitations of one group still waiting for an answer, as its owner and moderators see them; one query. */
export async function findGroupInvitations(viewer: Viewer, groupId: number): Promise<PendingList<GroupInvitationRow>> {
  const rows = (await invitationsVisibleTo(viewer)
    .where('groupInvitations.groupId', groupId)
    .join('users as invitee', 'invitee.id', 'groupInvitations.userId')
    .leftJoin('users as inviter', 'inviter.id', 'groupInvitations.invitedBy')
    .select(
      'groupInvitations.id', 'groupInvitations.createdAt',
      'invitee.id as inviteeId', 'invitee.name as inviteeName', 'invitee.isExtranet as inviteeIsExtranet', 'invitee.deactivatedAt as inviteeDeactivatedAt',
      'inviter.id as inviterId', 'inviter.name as inviterName', 'inviter.isExtranet as inviterIsExtranet', 'inviter.deactivatedAt as inviterDeactivatedAt',
    )
    .orderBy('groupInvitations.id')
    .limit(PENDING_LIMIT + 1)) as unknown as {
    id: number; createdAt: Date; inviteeId: number; inviteeName: string; inviteeIsExtranet: boolean; inviteeDeactivatedAt: Date | null;
    inviterId: number | null; inviterName: string | null; inviterIsExtranet: boolean | null; inviterDeactivatedAt: Date | null;
  }[];
  return {
    more: rows.length > PENDING_LIMIT,
    items: rows.slice(0, PENDING_LIMIT).map((r) => ({
      id: r.id,
      createdAt: r.createdAt,
      invitee: { id: r.inviteeId, name: r.inviteeName, isExtranet: r.inviteeIsExtranet, deactivated: r.inviteeDeactivatedAt !== null },
      inviter: r.inviterId !== null && r.inviterName !== null ? { id: r.inviterId, name: r.inviterName, isExtranet: r.inviterIsExtranet === true, deactivated: r.inviterDeactivatedAt !== null } : null,
    })),
  };
}

export interface CandidateRow {
  id: number;
  name: string;
  email: string;
  isExtranet: boolean;
  deactivated: boolean;
}

/**
 * R-G5: colleagues the viewer could invite to one group: active employees it may see who are
 * neither members nor invited yet, by name or e-mail, at most CANDIDATE_LIMIT; one query.
 */
export async function findInviteCandidates(viewer: Viewer, groupId: number, q: string | undefined): Promise<CandidateRow[]> {
  const query = usersVisibleTo(viewer)
    .where('users.isExtranet', false)
    .whereNull('users.deactivatedAt')
    .whereNotIn('users.id', memberOrInviteeIds(viewer, groupId))
    .select('users.id', 'users.name', 'users.email');
  const like = likePattern(q);
  if (like) query.where((b) => b.whereRaw('lower(users.name) like ?', [like]).orWhereRaw('lower(users.email) like ?', [like]));
  const rows = await query.orderByRaw('lower(users.name), users.id').limit(CANDIDATE_LIMIT);
  return rows.map((u) => ({ id: u.id, name: u.name, email: u.email, isExtranet: false, deactivated: false }));
}
