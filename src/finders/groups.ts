import { QueryTemplate } from '../db/query-template.js';
import { Group, type Role } from '../models/group.js';
import { likePattern } from '../lib/search.js';
import { decodeCursor, toPage, type Page } from '../lib/keyset.js';
import { groupsVisibleTo, memberCountOf, membershipsVisibleTo, myGroupIds, viewerRoleIn } from '../policy/scopes.js';
import { scopeShapeKey, scopeStandIn, type SignedInViewer, type Viewer } from '../policy/viewer.js';

export const GROUP_TABS = ['my', 'all', 'projects', 'extranet', 'archived'] as const;
export type GroupTab = (typeof GROUP_TABS)[number];
export const GROUPS_PAGE_SIZE = 50;

export interface GroupRow {
  id: number;
  name: string;
  kind: Group['kind'];
  isExtranet: boolean;
  visibleToAll: boolean;
  archived: boolean;
  startsOn: string | null;
  endsOn: string | null;
  memberCount: number;
  viewerRole: Role | null;
}

/**
 * R-G9: the group list tabs. Each starts from groupsVisibleTo and only narrows it;
 * searchable by name, keyset-paged on (lower(name), id), one query per page.
 */
export async function findGroups(viewer: Viewer, params: { tab: GroupTab; q?: string; after?: unknown }, pageSize = GROUPS_PAGE_SIZE): Promise<Page<GroupRow>> {
  const like = likePattern(params.q);
  const cursor = decodeCursor(params.after, ['string', 'number']);
  const rows =
    viewer.signedIn && !like && !cursor
      ? await firstGroupsPage.rows<ListedGroup>(Group.knex(), `${scopeShapeKey(viewer)}|${params.tab}|${pageSize}`, { viewer, tab: params.tab, pageSize }, [viewer.id])
      : ((await groupListQuery(viewer, params.tab, like, cursor, pageSize)) as unknown as ListedGroup[]);
  const page = toPage(rows, pageSize, (g) => [g.name.toLowerCase(), g.id]);
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((g) => ({
      id: g.id,
      name: g.name,
      kind: g.kind,
      isExtranet: g.isExtranet,
      visibleToAll: g.visibleToAll,
      archived: g.archivedAt !== null,
      startsOn: g.startsOn,
      endsOn: g.endsOn,
      memberCount: Number(g.memberCount),
      viewerRole: g.viewerRole ?? null,
    })),
  };
}

type ListedGroup = Group & { memberCount: number; viewerRole?: Role | null };

function groupListQuery(viewer: Viewer, tab: GroupTab, like: string | null, cursor: (string | number)[] | null, pageSize: number) {
  const q = groupsVisibleTo(viewer).select(
    'groups.id',
    'groups.name',
    'groups.kind',
    'groups.isExtranet',
    'groups.visibleToAll',
    'groups.archivedAt',
    'groups.startsOn',
    'groups.endsOn',
    memberCountOf(viewer, 'groups').as('memberCount'),
  );
  if (viewer.signedIn) q.select(viewerRoleIn(viewer.id, 'groups.id').as('viewerRole'));
  if (tab === 'archived') q.whereNotNull('groups.archivedAt');
  else q.whereNull('groups.archivedAt');
  if (tab === 'my') {
    if (viewer.signedIn) q.whereIn('groups.id', myGroupIds(viewer.id));
    else q.whereRaw('false');
  }
  if (tab === 'projects') q.where('groups.kind', 'project');
  if (tab === 'extranet') q.where('groups.isExtranet', true);
  // PostgreSQL text cannot hold NUL: a NUL in the query would be a 500, so it is dropped.
  if (like) q.whereRaw('lower(groups.name) like ?', [like]);
  if (cursor) q.whereRaw('(lower(groups.name), groups.id) > (?, ?)', cursor);
  return q.orderByRaw('lower(groups.name), groups.id').limit(pageSize + 1);
}

/** A tab's first page, built once per kind of viewer and tab (db/query-template.ts), read as rows. */
const firstGroupsPage = new QueryTemplate((s: { viewer: SignedInViewer; tab: GroupTab; pageSize: number }, [me]) =>
  groupListQuery(scopeStandIn(s.viewer, me ?? 0), s.tab, null, null, s.pageSize).toKnexQuery(),
);

export interface GroupOwner {
  id: number;
  name: string;
  isExtranet: boolean;
  deactivated: boolean;
}

/** The owner of one group, through the memberships the viewer may see; one query. */
export async function groupOwner(viewer: Viewer, groupId: number): Promise<GroupOwner | null> {
  const row = (await membershipsVisibleTo(viewer)
    .join('users', 'users.id', 'memberships.userId')
    .where({ 'memberships.groupId': groupId, 'memberships.role': 'owner' })
    .select('users.id', 'users.name', 'users.isExtranet', 'users.deactivatedAt')
    .first()) as unknown as { id: number; name: string; isExtranet: boolean; deactivatedAt: Date | null } | undefined;
  return row ? { id: row.id, name: row.name, isExtranet: row.isExtranet, deactivated: row.deactivatedAt !== null } : null;
}

/** Active members of one visible group that the viewer may see (R-X1: as many as its member list shows). */
export async function groupMemberCount(viewer: Viewer, groupId: number): Promise<number> {
  const row = (await groupsVisibleTo(viewer).findById(groupId).select(memberCountOf(viewer, 'groups').as('memberCount'))) as unknown as { memberCount: number } | undefined;
  return Number(row?.memberCount ?? 0);
}
