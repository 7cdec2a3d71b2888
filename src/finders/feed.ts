import { raw, type Model, type QueryBuilder } from 'objection';
import { QueryTemplate } from '../db/query-template.js';
import { decodeCursor, toPage, type Page } from '../lib/keyset.js';
import type { Role } from '../models/group.js';
import { Post, type Mention, type PostKind } from '../models/post.js';
import { activityVisibleTo, groupActivityVisibleTo, groupPostsVisibleTo, newestActivityFor, postsVisibleTo, type PostContext } from '../policy/feed-scopes.js';
import { activeMembership, isVisiblePerson, usersVisibleTo } from '../policy/scopes.js';
import { scopeShapeKey, scopeStandIn, type SignedInViewer, type Viewer } from '../policy/viewer.js';

export const FEED_PAGE_SIZE = 20;

/** One group's feed: the group, and whether the viewer sees every post of it (policy: seesAllOfTool). */
export interface FeedGroup {
  groupId: number;
  everyPost: boolean;
}

/** One entry of a feed: a post (post, poll, appreciation) or an activity event. */
export interface FeedRow {
  src: 'post' | 'activity';
  id: number;
  createdAt: Date;
  sortKey: string;
  kind: string;
  groupId: number | null;
  groupName: string | null;
  groupIsExtranet: boolean | null;
  groupArchived: boolean | null;
  viewerRole: Role | null;
  actorId: number | null;
  actorName: string | null;
  actorIsExtranet: boolean | null;
  actorDeactivated: boolean | null;
  /** R-X1: a person the viewer may no longer see (e.g. a former member) is shown without a name. */
  actorVisible: boolean | null;
  body: string | null;
  taskId: number | null;
  taskTitle: string | null;
  subjectLabel: string | null;
  appreciatedId: number | null;
  appreciatedName: string | null;
  appreciatedIsExtranet: boolean | null;
  commentCount: number;
  /** The latest comments (all, up to COMMENTS_MAX, on a post's own page), oldest first. */
  comments: FeedComment[];
  /** A poll's answers in order, with counts and the viewer's own vote. */
  pollOptions: FeedPollOption[];
  /** When the author last changed the text (null: never). */
  editedAt: Date | null;
  /** The people the text names (issue 18). */
  mentions: Mention[];
  /** Likes by people the viewer may see (R-X1), and whether the viewer likes it. */
  likeCount: number;
  likedByMe: boolean;
}

export interface FeedComment {
  id: number;
  body: string;
  createdAt: string;
  authorId: number;
  authorName: string;
  authorIsExtranet: boolean;
  authorDeactivated: boolean;
  /** R-X1: a person the viewer may no longer see is shown without a name. */
  authorVisible: boolean;
  editedAt: string | null;
  mentions: Mention[];
  /** Likes by people the viewer may see (R-X1), and whether the viewer likes it. */
  likes: number;
  liked: boolean;
}

export interface FeedPollOption {
  id: number;
  label: string;
  votes: number;
  mine: boolean;
}

/** Comments shown under each post in a feed; the post's own page shows them all (up to COMMENTS_MAX). */
export const FEED_COMMENTS = 3;
export const COMMENTS_MAX = 500;

/** Sort key at full (microsecond) precision: a JavaScript Date would round it and skip or repeat rows. */
const sortKey = (table: string) => raw(`to_char(${table}.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`);

/** A sort key as sortKey() writes it, and a real instant (PostgreSQL would refuse anything else: a 500). */
function isSortKey(v: unknown): boolean {
  if (typeof v !== 'string' || !/^[1-9]\d{3}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/.test(v)) return false;
  const d = new Date(v);
  return !Number.isNaN(d.getTime()) && d.toISOString() === `${v.slice(0, 23)}Z`;
}

/** `users.id` of the person in `column` is one the viewer may see, as a boolean column. */
function visible(viewer: Viewer, column: string) {
  // One probe per row (a feed page has a few dozen people), never a set of everyone the viewer may see (issue 9).
  return isVisiblePerson(viewer, column);
}

/**
 * Keyset condition for one branch of the union. Entries are ordered by (created_at, src, id)
 * descending and `src` is constant within a branch, so each branch compares on (created_at, id).
 */
function after<M extends Model, Q extends QueryBuilder<M>>(q: Q, table: string, src: FeedRow['src'], cursor: (string | number)[] | null): Q {
  if (!cursor) return q;
  const [at, afterSrc, id] = cursor as [string, string, number];
  // 'post' > 'activity': at the cursor's instant, posts come before activity.
  if (src === afterSrc) q.whereRaw(`(${table}.created_at, ${table}.id) < (?::timestamptz, ?)`, [at, id]);
  else if (src > afterSrc) q.whereRaw(`${table}.created_at < ?::timestamptz`, [at]);
  else q.whereRaw(`${table}.created_at <= ?::timestamptz`, [at]);
  return q;
}

const postScope = (viewer: Viewer, group: FeedGroup | undefined) => (group ? groupPostsVisibleTo(viewer, group.groupId, group.everyPost) : postsVisibleTo(viewer));
const activityScope = (viewer: SignedInViewer, group: FeedGroup | undefined) => (group ? groupActivityVisibleTo(viewer, group.groupId, group.everyPost) : activityVisibleTo(viewer));

/**
 * The page's entries as keys only (src, id, created_at), newest first: each branch limited before the union, so
 * each reads at most a page. The columns (comments, likes, polls, names) are then read for these rows alone, not
 * for every candidate of both branches (half of them at most make the page).
 */
function pageKeys(viewer: SignedInViewer, group: FeedGroup | undefined, cursor: (string | number)[] | null, limit: number) {
  // The main feed's activity keys are its groups' newest shown rows themselves (read through the scope after, with their columns).
  const activity = group
    ? after(activityScope(viewer, group).select(raw("'activity' as src"), 'activity.id', 'activity.createdAt').orderByRaw('activity.created_at desc, activity.id desc').limit(limit), 'activity', 'activity', cursor)
    : raw("select 'activity' as src, k.id, k.created_at from (?) as k", [newestActivityFor(viewer, limit, (perGroup) => notOlderThanLastPost(after(perGroup, 'la', 'activity', cursor), limit))]);
  // A branch's own ORDER BY and LIMIT need its parentheses; the limit is a constant of the code, written into the text.
  return raw(`(select * from page_posts) union all (?) order by created_at desc, src desc, id desc limit ${Math.trunc(limit)}`, [activity]);
}

/** The newest `limit` posts' keys after the cursor (`page_posts`, read by pageKeys() and notOlderThanLastPost()). */
function pagePosts(viewer: SignedInViewer, group: FeedGroup | undefined, cursor: (string | number)[] | null, limit: number) {
  return after(postScope(viewer, group).select(raw("'post' as src"), 'posts.id', 'posts.createdAt').orderByRaw('posts.created_at desc, posts.id desc').limit(limit), 'posts', 'post', cursor);
}

/**
 * A post's latest comments as one JSON column (in the post's own row, so they are exactly as
 * visible as the post), each with whether the viewer may see its author (R-X1).
 */
function latestComments(viewer: Viewer, limit: number) {
  const me = viewer.signedIn ? viewer.id : 0;
  return raw(
    `(select coalesce(json_agg(json_build_object('id', c.id, 'body', c.body, 'createdAt', c.created_at, 'authorId', cu.id, 'authorName', cu.name,
        'authorIsExtranet', cu.is_extranet, 'authorDeactivated', cu.deactivated_at is not null, 'authorVisible', exists ?,
        'editedAt', c.edited_at, 'mentions', c.mentions,
        'likes', (select count(*) from comment_likes cl where cl.comment_id = c.id and exists ?),
        'liked', exists (select 1 from comment_likes cm where cm.comment_id = c.id and cm.user_id = ?)) order by c.id), '[]'::json)
      from (select * from post_comments pc where pc.post_id = posts.id order by pc.id desc limit ?) c join users cu on cu.id = c.author_id)`,
    [usersVisibleTo(viewer).select(raw('1')).whereColumn('users.id', 'cu.id'), usersVisibleTo(viewer).select(raw('1')).whereColumn('users.id', 'cl.user_id'), me, limit],
  );
}

/** R-X1: a post's likes, counting only people the viewer may see (the "who liked" list shows the same people). */
function likeCount(viewer: Viewer) {
  return raw('(select count(*) from post_likes pl where pl.post_id = posts.id and exists ?)', [usersVisibleTo(viewer).select(raw('1')).whereColumn('users.id', 'pl.user_id')]);
}

/** A poll's answers with their counts and the viewer's vote, as one JSON column. */
function pollAnswers(viewerId: number) {
  return raw(
    `(select coalesce(json_agg(json_build_object('id', o.id, 'label', o.label,
        'votes', (select count(*) from poll_votes v where v.option_id = o.id),
        'mine', exists (select 1 from poll_votes v where v.post_id = o.post_id and v.user_id = ? and v.option_id = o.id)) order by o.position), '[]'::json)
      from poll_options o where o.post_id = posts.id)`,
    [viewerId],
  );
}

/** Visible posts (`scope`, the viewer's posts unless told) as feed rows (the columns of the union's first branch). */
function postRows(viewer: Viewer, commentLimit: number, scope = postsVisibleTo(viewer)) {
  const me = viewer.signedIn ? viewer.id : 0;
  return scope
    .leftJoin('groups as fg', 'fg.id', 'posts.groupId')
    .join('users as fa', 'fa.id', 'posts.authorId')
    .leftJoin('users as fp', 'fp.id', 'posts.appreciatedId')
    .select(
      raw("'post'").as('src'),
      'posts.id',
      'posts.createdAt',
      sortKey('posts').as('sortKey'),
      'posts.kind',
      'posts.groupId',
      'fg.name as groupName',
      'fg.isExtranet as groupIsExtranet',
      raw('fg.archived_at is not null').as('groupArchived'),
      raw(`(select m.role from memberships m where m.user_id = ? and m.group_id = posts.group_id and ${activeMembership('m')})`, [me]).as('viewerRole'),
      'posts.authorId as actorId',
      'fa.name as actorName',
      'fa.isExtranet as actorIsExtranet',
      raw('fa.deactivated_at is not null').as('actorDeactivated'),
      visible(viewer, 'fa.id').as('actorVisible'),
      'posts.body',
      raw('null::int').as('taskId'),
      raw('null::text').as('taskTitle'),
      raw('null::text').as('subjectLabel'),
      'posts.appreciatedId',
      'fp.name as appreciatedName',
      'fp.isExtranet as appreciatedIsExtranet',
      raw('(select count(*) from post_comments pc where pc.post_id = posts.id)').as('commentCount'),
      latestComments(viewer, commentLimit).as('comments'),
      pollAnswers(me).as('pollOptions'),
      'posts.editedAt',
      'posts.mentions',
      likeCount(viewer).as('likeCount'),
      raw('exists (select 1 from post_likes pm where pm.post_id = posts.id and pm.user_id = ?)', [me]).as('likedByMe'),
    );
}

/** The page's activity rows (`page`, pageKeys()) as feed rows, read through the scope again (it joins the group as `ag`). */
function activityRows(viewer: SignedInViewer, group: FeedGroup | undefined) {
  return activityScope(viewer, group)
    .whereRaw("activity.id in (select page.id from page where page.src = 'activity')")
    .leftJoin('users as fa', 'fa.id', 'activity.actorId')
    .leftJoin('tasks as ft', 'ft.id', 'activity.taskId')
    .select(
      raw("'activity'"),
      'activity.id',
      'activity.createdAt',
      sortKey('activity'),
      'activity.kind',
      'activity.groupId',
      'ag.name',
      'ag.isExtranet',
      raw('ag.archived_at is not null'),
      raw('null::text'),
      'activity.actorId',
      'fa.name',
      'fa.isExtranet',
      raw('fa.deactivated_at is not null'),
      visible(viewer, 'fa.id'),
      raw('null::text'),
      'activity.taskId',
      'ft.title',
      'activity.subjectLabel',
      raw('null::int'),
      raw('null::text'),
      raw('null::boolean'),
      raw('0::bigint'),
      raw("'[]'::json"),
      raw("'[]'::json"),
      raw('null::timestamptz'),
      raw("'[]'::jsonb"),
      raw('0::bigint'),
      raw('false'),
    );
}

/**
 * The main feed's activity candidates, each group's newest, stop at the `limit`-th newest visible post after the
 * cursor (`page_posts`): anything older ranks below that many posts and cannot be on the page. Each of an employee's
 * 40 groups gave 21 index rows before; now a few (a quarter of the feed query's cost at scale 1).
 */
function notOlderThanLastPost<Q extends QueryBuilder<Model>>(perGroup: Q, limit: number): Q {
  // Not OFFSET: a bound offset leaves the generic plan guessing (a limit is written into the text, db/prepared-statements.ts).
  return perGroup.whereRaw("la.created_at >= coalesce((select case when count(*) >= ? then min(page_posts.created_at) end from page_posts), '-infinity'::timestamptz)", [limit]);
}

/**
 * R-F1, R-X5, R-X6: the main feed (everything the viewer may see) or one group's feed, newest
 * first, keyset-paged on (created_at, src, id): one query a page whatever the feed's size, comments
 * and poll answers included. Each branch is limited before the union, so each reads at most a page.
 */
export async function findFeed(viewer: Viewer, params: { group?: FeedGroup; after?: unknown }, pageSize = FEED_PAGE_SIZE): Promise<Page<FeedRow>> {
  if (!viewer.signedIn) return { items: [], nextCursor: null };
  const cursor = decodeCursor(params.after, ['string', 'string', 'number']);
  if (cursor && !(isSortKey(cursor[0]) && (cursor[1] === 'post' || cursor[1] === 'activity'))) return findFeed(viewer, { ...params, after: undefined }, pageSize);
  const rows = cursor
    ? ((await feedQuery(viewer, params.group, cursor, pageSize)) as unknown as FeedRow[])
    : await firstFeedPage.rows<FeedRow>(Post.knex(), firstPageKey(viewer, params.group, pageSize), { viewer, group: params.group ? { everyPost: params.group.everyPost } : null, pageSize }, [viewer.id, params.group?.groupId ?? 0]);
  const items = rows.map(normalise);
  return toPage(items, pageSize, (r) => [r.sortKey, r.src, r.id]);
}

function feedQuery(viewer: SignedInViewer, group: FeedGroup | undefined, cursor: (string | number)[] | null, pageSize: number) {
  return postRows(viewer, FEED_COMMENTS, postScope(viewer, group))
    .with('page_posts', pagePosts(viewer, group, cursor, pageSize + 1))
    .with('page', pageKeys(viewer, group, cursor, pageSize + 1))
    .whereRaw("posts.id in (select page.id from page where page.src = 'post')")
    .unionAll(activityRows(viewer, group), true)
    .orderByRaw('created_at desc, src desc, id desc')
    .limit(pageSize + 1);
}

interface FirstPageShape {
  viewer: SignedInViewer;
  /** One group's feed (its id is a value), or the main feed. */
  group: { everyPost: boolean } | null;
  pageSize: number;
}

const firstPageKey = (viewer: SignedInViewer, group: FeedGroup | undefined, pageSize: number) => `${scopeShapeKey(viewer)}|${group ? `group:${group.everyPost}` : 'all'}|${pageSize}`;

/**
 * A feed's first page (what a group home and /feed show) built once per kind of viewer (db/query-template.ts),
 * with the viewer's and the group's id as values, and read as rows: knex and objection took longer to build
 * the union and map its rows than PostgreSQL to answer it. Later pages are built each time.
 */
const firstFeedPage = new QueryTemplate((s: FirstPageShape, [me, groupId]) =>
  feedQuery(scopeStandIn(s.viewer, me ?? 0), s.group ? { groupId: groupId ?? 0, everyPost: s.group.everyPost } : undefined, null, s.pageSize).toKnexQuery(),
);

function normalise(r: FeedRow): FeedRow {
  return {
    ...r,
    commentCount: Number(r.commentCount),
    likeCount: Number(r.likeCount),
    likedByMe: r.likedByMe === true,
    mentions: r.mentions ?? [],
    comments: (r.comments ?? []).map((c) => ({ ...c, likes: Number(c.likes), mentions: c.mentions ?? [] })),
    pollOptions: (r.pollOptions ?? []).map((o) => ({ ...o, votes: Number(o.votes) })) };
}

/** The context the post abilities judge, from a feed row (the scope already let the viewer see it). */
export function feedPostContext(row: FeedRow): PostContext {
  return {
    post: { id: row.id, authorId: row.actorId ?? 0, groupId: row.groupId, kind: row.kind as PostKind },
    role: row.viewerRole,
    toolOn: true,
    archived: row.groupArchived === true,
  };
}

/** One visible post as a feed row (its own page); undefined when not visible (R-X1). */
export async function findPostRow(viewer: Viewer, postId: number): Promise<FeedRow | undefined> {
  if (!viewer.signedIn) return undefined;
  const row = (await postRows(viewer, COMMENTS_MAX).where('posts.id', postId).first()) as unknown as FeedRow | undefined;
  return row ? normalise(row) : undefined;
}
