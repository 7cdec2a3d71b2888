import type { Knex } from 'knex';
import type { QueryBuilder } from 'objection';
import { Group, GroupInvitation, Membership, type Role, type Tool } from '../models/group.js';
import { Notification } from '../models/notification.js';
import { Post, type PostKind } from '../models/post.js';
import { Activity } from '../models/task.js';
import { activeMembership, groupsVisibleTo, isVisiblePerson, usersVisibleTo } from './scopes.js';
import { tasksVisibleTo } from './task-scopes.js';
import { groupsWithToolFor, toolOnSql } from './tool-groups.js';
import type { SignedInViewer, Viewer } from './viewer.js';

/**
 * R-F1, R-G3, R-X1, R-X5: posts in the feeds of the viewer's groups that have the feed tool on
 * (every such group in admin mode), and, for employees only, the company-wide posts and
 * appreciations (group_id null). Extranet users never see company-wide content.
 */
export function postsVisibleTo(viewer: Viewer): QueryBuilder<Post> {
  const q = Post.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  // An external user's few groups as an index condition (computed once), as in tasksVisibleTo().
  if (viewer.isExtranet) return q.whereRaw('posts.group_id = any(array(?))', [groupsWithToolFor(viewer, 'feed')]);
  return q.where((b) => b.whereIn('posts.groupId', groupsWithToolFor(viewer, 'feed')).orWhereNull('posts.groupId'));
}

/** The posts of group `groupId` the viewer sees (R-F1); `everyPost` is seesAllOfTool(…, 'feed') for that group. */
export function groupPostsVisibleTo(viewer: Viewer, groupId: number, everyPost: boolean): QueryBuilder<Post> {
  return (everyPost ? Post.query() : postsVisibleTo(viewer)).where('posts.groupId', groupId);
}

/** The activity of group `groupId` the viewer sees, its group joined as `ag`; `everyPost` as for groupPostsVisibleTo. */
export function groupActivityVisibleTo(viewer: Viewer, groupId: number, everyPost: boolean): QueryBuilder<Activity> {
  if (!everyPost) return activityVisibleTo(viewer).where('activity.groupId', groupId);
  return Activity.query().join('groups as ag', 'ag.id', 'activity.groupId').where('activity.groupId', groupId).whereRaw(activityShownSql('activity', 'ag'));
}

/**
 * SQL: the activity row under `activity` is shown in its group under `group` (R-F1, R-G3): task events
 * only while the group shows them (not *hide tasks*) and has the tasks tool; file events only with the
 * files tool (R-X1: a tool that is off hides its content from everyone).
 */
export function activityShownSql(activity: string, group: string): string {
  return `(${activity}.kind not in ('task.created', 'task.completed') or (${toolOnSql('tasks', group)} and not ${group}.hide_tasks))
    and (${activity}.kind <> 'file.uploaded' or ${toolOnSql('files', group)})`;
}

/**
 * R-F1, R-G3: the activity stream of the viewer's groups with the feed tool on, each row as
 * activityShownSql() allows. Joined with its group as `ag`, whose tools decide per row (two sets of
 * every group with a tool were built for each page).
 */
export function activityVisibleTo(viewer: Viewer): QueryBuilder<Activity> {
  const q = Activity.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  return q
    .join('groups as ag', 'ag.id', 'activity.groupId')
    .whereIn('activity.groupId', groupsWithToolFor(viewer, 'feed'))
    .whereRaw(activityShownSql('activity', 'ag'));
}

/**
 * Candidates for the main feed's activity: each feed group's newest shown rows (`la`, narrowed by
 * `narrow`, e.g. a keyset cursor) through the (group_id, created_at, id) index, then the newest of
 * those. Reading the whole stream newest first and keeping the viewer's groups read about 9,000 rows
 * for an external user at scale 1. Ids and instants (the feed's page keys); the feed reads the rows it shows through activityVisibleTo().
 */
export function newestActivityFor(viewer: SignedInViewer, limit: number, narrow: (perGroup: QueryBuilder<Activity>) => void): QueryBuilder<Group> {
  const perGroup = Activity.query()
    .alias('la')
    .select('la.id', 'la.createdAt')
    .whereColumn('la.groupId', 'lg.id')
    .whereRaw(activityShownSql('la', 'lg'))
    .orderByRaw('la.created_at desc, la.id desc')
    .limit(limit);
  narrow(perGroup);
  return Group.query()
    .alias('lg')
    .select('na.id', 'na.createdAt')
    .whereIn('lg.id', groupsWithToolFor(viewer, 'feed'))
    .joinRaw('cross join lateral ? as na', [perGroup])
    .orderByRaw('na.created_at desc, na.id desc')
    .limit(limit);
}

/**
 * R-F5, R-X1: the viewer's own notifications, and only while it may still see what each one
 * names: the person who caused it, the task, the post, and for invitations and join requests the
 * group (or, for an invitation, the pending invitation itself). Checked per row with correlated
 * EXISTS, so the header's capped unread count stays a few index probes per row.
 */
export function notificationsVisibleTo(viewer: Viewer): QueryBuilder<Notification> {
  const q = Notification.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  return q
    .where('notifications.userId', viewer.id)
    .where((b) => b.whereNull('notifications.actorId').orWhere(isVisiblePerson(viewer, 'notifications.actorId')))
    .where((b) => b.whereNull('notifications.taskId').orWhereExists(tasksVisibleTo(viewer).select(Notification.raw('1')).whereColumn('tasks.id', 'notifications.taskId')))
    .where((b) => b.whereNull('notifications.postId').orWhereExists(postsVisibleTo(viewer).select(Notification.raw('1')).whereColumn('posts.id', 'notifications.postId')))
    // Issue 18: a mention in a group's chat, while the viewer still reads that chat.
    .where((b) => b.whereNot('notifications.detail', 'chat').orWhereIn('notifications.groupId', groupsWithToolFor(viewer, 'chat')))
    .where((b) =>
      b
        .whereNotIn('notifications.kind', ['invitation', 'join_request'])
        .orWhereExists(groupsVisibleTo(viewer).select(Notification.raw('1')).whereColumn('groups.id', 'notifications.groupId'))
        .orWhere((i) =>
          i.where('notifications.kind', 'invitation').whereExists(GroupInvitation.query().alias('ni').select(Notification.raw('1')).where('ni.userId', viewer.id).whereColumn('ni.groupId', 'notifications.groupId')),
        ),
    );
}

/** A post as one viewer meets it (what the post abilities judge). */
export interface PostContext {
  post: { id: number; authorId: number; groupId: number | null; kind: PostKind };
  /** The viewer's role in the post's group (null: none, or a company-wide post). */
  role: Role | null;
  /** Whether the post's group has the feed tool on (true for company-wide posts). */
  toolOn: boolean;
  archived: boolean;
}

/** Where a new post goes: a group (as the viewer meets it) or, groupId null, all employees. */
export interface FeedTarget {
  groupId: number | null;
  role: Role | null;
  toolOn: boolean;
  archived: boolean;
}

/** The company-wide feed as a place to post (R-F1, R-X5): no group. */
export const COMPANY_FEED: FeedTarget = { groupId: null, role: null, toolOn: true, archived: false };

export interface VisiblePost {
  post: Post;
  ctx: PostContext;
  group: { id: number; name: string; isExtranet: boolean; archivedAt: Date | null } | null;
}

type PostRow = Post & { gName: string | null; gIsExtranet: boolean | null; gArchivedAt: Date | null; gTools: Tool[] | null; viewerRole?: Role | null };

/** One post through the scope, with its context, in one query; undefined when not visible (R-X1). */
export async function findVisiblePost(viewer: Viewer, id: number, trx?: Knex.Transaction): Promise<VisiblePost | undefined> {
  const q = postsVisibleTo(viewer)
    .findById(id)
    .leftJoin('groups as pg', 'pg.id', 'posts.groupId')
    .select('posts.*', 'pg.name as gName', 'pg.isExtranet as gIsExtranet', 'pg.archivedAt as gArchivedAt', 'pg.tools as gTools');
  if (trx) q.transacting(trx);
  if (viewer.signedIn) {
    q.select(Membership.query().alias('pm').select('pm.role').where('pm.userId', viewer.id).whereColumn('pm.groupId', 'posts.groupId').whereRaw(activeMembership('pm')).as('viewerRole'));
  }
  const row = (await q) as PostRow | undefined;
  if (!row) return undefined;
  const { gName, gIsExtranet, gArchivedAt, gTools, viewerRole, ...rest } = row;
  const post = Object.assign(new Post(), rest);
  return {
    post,
    ctx: {
      post: { id: post.id, authorId: post.authorId, groupId: post.groupId, kind: post.kind },
      role: viewerRole ?? null,
      toolOn: post.groupId === null || (gTools?.includes('feed') ?? false),
      archived: gArchivedAt !== null && gArchivedAt !== undefined,
    },
    group: post.groupId !== null && gName !== null ? { id: post.groupId, name: gName, isExtranet: gIsExtranet === true, archivedAt: gArchivedAt } : null,
  };
}
