import { raw, type Model, type QueryBuilder, type RawBuilder } from 'objection';
import { QueryTemplate } from '../db/query-template.js';
import { decodeCursor, encodeCursor, type Page } from '../lib/keyset.js';
import { Group } from '../models/group.js';
import { postsVisibleTo } from '../policy/feed-scopes.js';
import { filesVisibleTo } from '../policy/file-scopes.js';
import { groupsVisibleTo, shownGroupColumns, usersVisibleTo } from '../policy/scopes.js';
import { taskCandidatesOf, taskIdsOf, tasksVisibleTo, type TaskCandidates } from '../policy/task-scopes.js';
import type { Task } from '../models/task.js';
import { scopeShapeKey, scopeStandIn, type SignedInViewer, type Viewer } from '../policy/viewer.js';
import { byName, hitPaths, matchSql, SEARCH_KINDS, SEARCH_TABLE, sortKey, type HitPath, type SearchKind } from './search-paths.js';

export { SEARCH_KINDS, type SearchKind } from './search-paths.js';
/** Results of each kind on the page of all kinds; one kind alone pages by this many too. */
export const SEARCH_CAP = 10;

export interface SearchHit {
  kind: SearchKind;
  id: number;
  /** What the hit is called: a group's, task's, file's or person's name, a post's first words. */
  title: string;
  groupId: number | null;
  /** Null when the hit has no group or the viewer may not see it (then groupHidden, R-X1). */
  groupName: string | null;
  groupIsExtranet: boolean | null;
  groupHidden: boolean;
  /** People: marked when external (R-U4). */
  isExtranet: boolean | null;
  deactivated: boolean | null;
  /** Posts: the author, only when the viewer may see it (R-X1). */
  authorName: string | null;
  authorIsExtranet: boolean | null;
  /** Keyset: groups and people by (lower(name), id); the rest newest first, by -id. */
  sortName: string;
  sortNum: number;
}

/** Every kind's query has the same columns; typed as one so the kinds can be united. */
type SearchQuery = QueryBuilder<Model, Model[]>;
const asSearch = <M extends Model>(q: QueryBuilder<M, M[]>): SearchQuery => q as unknown as SearchQuery;

/** R-F6, R-X1: the kind's scope, which a search only narrows. */
function kindScope(viewer: SignedInViewer, kind: SearchKind): SearchQuery {
  switch (kind) {
    case 'groups':
      return asSearch(groupsVisibleTo(viewer));
    case 'people':
      return asSearch(usersVisibleTo(viewer));
    case 'tasks':
      return asSearch(tasksVisibleTo(viewer));
    case 'posts':
      return asSearch(postsVisibleTo(viewer));
    case 'files':
      return asSearch(filesVisibleTo(viewer));
  }
}

/** Kinds whose rows an external user's walk reaches through their ids (externalIds()); its other kinds are sorted after. */
const WALKED_BY_IDS: readonly SearchKind[] = ['tasks', 'posts'];

/** The ids of an external user's own rows of a kind, read once from their indexes (its few groups, and tasks naming it). */
function externalIds(viewer: SignedInViewer, kind: SearchKind) {
  return kind === 'tasks' ? taskIdsOf(viewer) : postsVisibleTo(viewer).select('posts.id');
}

/**
 * The kind's scope along the path. An external user's walk goes through its own rows only, as an index condition on
 * their ids, in order: walking the whole table would look for its few rows among everyone's. Words looked up in the
 * index leave the ids out: there the index's few rows are tested, not each of these.
 */
function scopeOf(viewer: SignedInViewer, kind: SearchKind, path: HitPath): SearchQuery {
  const scope = kindScope(viewer, kind);
  if (viewer.isExtranet && path === 'walk' && WALKED_BY_IDS.includes(kind)) scope.whereRaw(`${SEARCH_TABLE[kind]}.id = any(array(?))`, [externalIds(viewer, kind)]);
  return scope;
}

/** The start of the newest tasks (the newest thirtieth of the ids), where a common word's hits are looked for first. */
const NEWEST_TASKS_FROM = '(select max(id) - max(id) / 30 from tasks)';

/**
 * A common word's task hits (R-F6), in two steps that each read only the viewer's own tasks (R-T2) from the indexes:
 * - the newest tasks first: its tasks among the newest thirtieth of the ids, from its groups', creator's,
 *   responsible's and named indexes (a bitmap), tested and sorted; for someone in many groups that fills the page;
 * - the older ones only when that left the page short: its tasks' ids in order, each tested until the page is full.
 * Walking the whole table newest first instead tested every task against the scope: for someone in one group,
 * whose few tasks held three hits, all 300,000 at scale 1 (55 ms of the database for one search).
 */
function taskWalkIds(viewer: SignedInViewer, candidates: TaskCandidates, words: number, cursor: readonly number[] | null, limit: number): RawBuilder {
  const match = matchSql('tasks', 'walk');
  const before = (q: QueryBuilder<Task>) => (cursor ? q.where('tasks.id', '<', cursor[0] ?? 0) : q);
  const newest = before(candidates.byIndex(tasksVisibleTo(viewer)))
    .whereRaw(`tasks.id > ${NEWEST_TASKS_FROM}`)
    .whereRaw(match, [words])
    .select('tasks.id')
    .orderByRaw('tasks.id + 0 desc')
    .limit(limit);
  const older = before(tasksVisibleTo(viewer))
    .whereRaw('tasks.id = any(array(?))', [candidates.ids])
    .whereRaw(`tasks.id <= ${NEWEST_TASKS_FROM}`)
    .whereRaw(match, [words])
    .whereRaw('(select count(*) from newest_task_hits) < ?', [limit])
    .select('tasks.id')
    .orderBy('tasks.id', 'desc')
    .limit(limit);
  // Both steps' hits, up to twice the page: the statement sorts them, and a page is the first of them (toKindPage).
  return raw('(with newest_task_hits as ? select id from newest_task_hits union all ?)', [newest, older]);
}

/**
 * The ids of one kind's hits in keyset order after the cursor (stand-ins: a name and an id, or an id), at most
 * `limit`: the scope narrowed by the match, along the kind's path (search-paths.ts). `words` is the words' stand-in.
 */
function hitIds(viewer: SignedInViewer, kind: SearchKind, path: HitPath, words: number, cursor: readonly number[] | null, limit: number): SearchQuery | RawBuilder {
  // An external user's few tasks are walked through their ids (scopeOf), as its posts are.
  const taskCandidates = kind === 'tasks' && path === 'walk' && !viewer.isExtranet ? taskCandidatesOf(viewer) : null;
  if (taskCandidates) return taskWalkIds(viewer, taskCandidates, words, cursor, limit);
  const table = SEARCH_TABLE[kind];
  const key = sortKey(kind, path, !viewer.isExtranet || WALKED_BY_IDS.includes(kind));
  const q = scopeOf(viewer, kind, path).whereRaw(matchSql(kind, path), [words]).select(`${table}.id`);
  if (byName(kind)) {
    if (cursor) q.whereRaw(`(${key}, ${table}.id) > (?, ?)`, [cursor[0] ?? 0, cursor[1] ?? 0]);
    q.orderByRaw(`${key}, ${table}.id`);
  } else {
    if (cursor) q.whereRaw(`${key} < ?`, [cursor[0] ?? 0]);
    q.orderByRaw(`${key} desc`);
  }
  return q.limit(limit);
}

/**
 * What the page shows of the hits in `ids`, read for those rows only (after the sort and the limit), through the
 * scope again like every read. Every kind names the same columns, so all kinds can be united.
 */
function hitColumns(viewer: SignedInViewer, kind: SearchKind, ids: SearchQuery | RawBuilder): SearchQuery {
  // A builder binds as a parenthesised subquery; a raw one (taskWalkIds) carries its own parentheses.
  const hits = kindScope(viewer, kind).whereRaw(`${SEARCH_TABLE[kind]}.id in ?`, [ids]);
  const label = raw('?::text', [kind]).as('kind');
  const none = { int: raw('null::int'), text: raw('null::text'), bool: raw('null::boolean') };
  const noGroup = [none.int.as('groupId'), none.text.as('groupName'), none.bool.as('groupIsExtranet'), raw('false').as('groupHidden')];
  const noPerson = [none.bool.as('isExtranet'), none.bool.as('deactivated')];
  const noAuthor = [none.text.as('authorName'), none.bool.as('authorIsExtranet')];
  const newestFirst = (table: string) => [raw("''").as('sortName'), raw(`-${table}.id`).as('sortNum')];
  const recordGroup = (table: string) => [`${table}.groupId as groupId`, ...shownGroupColumns(viewer, 'sg')];
  switch (kind) {
    case 'groups':
      return hits
        .select(label, 'groups.id', 'groups.name as title', none.int.as('groupId'), none.text.as('groupName'), 'groups.isExtranet as groupIsExtranet', raw('false').as('groupHidden'), ...noPerson, ...noAuthor, raw('lower(groups.name)').as('sortName'), raw('groups.id').as('sortNum'));
    case 'people':
      return hits
        .select(label, 'users.id', 'users.name as title', ...noGroup, 'users.isExtranet as isExtranet', raw('users.deactivated_at is not null').as('deactivated'), ...noAuthor, raw('lower(users.name)').as('sortName'), raw('users.id').as('sortNum'));
    case 'tasks':
      return hits
        .leftJoin('groups as sg', 'sg.id', 'tasks.groupId')
        .select(label, 'tasks.id', 'tasks.title as title', ...recordGroup('tasks'), ...noPerson, ...noAuthor, ...newestFirst('tasks'));
    case 'posts':
      return hits
        .leftJoin('groups as sg', 'sg.id', 'posts.groupId')
        .join('users as sa', 'sa.id', 'posts.authorId')
        .select(
          label,
          'posts.id',
          raw('left(posts.body, 200)').as('title'),
          ...recordGroup('posts'),
          ...noPerson,
          raw('case when exists ? then sa.name end', [usersVisibleTo(viewer).select(raw('1')).whereColumn('users.id', 'sa.id')]).as('authorName'),
          'sa.isExtranet as authorIsExtranet',
          ...newestFirst('posts'),
        );
    case 'files':
      return hits
        .leftJoin('groups as sg', 'sg.id', 'files.groupId')
        .select(label, 'files.id', 'files.name as title', ...recordGroup('files'), ...noPerson, ...noAuthor, ...newestFirst('files'));
  }
}

/** One kind's page of hits, after the cursor, at most `limit`, in keyset order. */
function page(viewer: SignedInViewer, kind: SearchKind, path: HitPath, words: number, cursor: readonly number[] | null, limit: number): SearchQuery {
  return hitColumns(viewer, kind, hitIds(viewer, kind, path, words, cursor, limit));
}

function cursorOf(hit: SearchHit): (string | number)[] {
  return byName(hit.kind) ? [hit.sortName, hit.id] : [hit.id];
}

function toKindPage(rows: SearchHit[], pageSize: number): Page<SearchHit> {
  const items = rows.slice(0, pageSize);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > pageSize && last ? encodeCursor(cursorOf(last)) : null };
}

/** What one kind's page is read with besides the values (the viewer's id, the words, the cursor). */
interface KindShape {
  viewer: SignedInViewer;
  kind: SearchKind;
  path: HitPath;
  cursor: boolean;
  limit: number;
}

/** One kind's page, built once per shape. Values: the viewer's id, the words, then the cursor's. */
const kindStatement = new QueryTemplate((s: KindShape, [me = 0, words = 0, ...cursor]: readonly number[]) =>
  page(scopeStandIn(s.viewer, me), s.kind, s.path, words, s.cursor ? cursor : null, s.limit).orderByRaw('sort_name, sort_num').toKnexQuery(),
);

/** One kind's hits, keyset-paged; one query (and, every ten minutes, the words' statistics). */
export async function searchKind(viewer: Viewer, kind: SearchKind, tsquery: string, after: unknown, pageSize = SEARCH_CAP): Promise<Page<SearchHit>> {
  if (!viewer.signedIn) return { items: [], nextCursor: null };
  const cursor = decodeCursor(after, byName(kind) ? ['string', 'number'] : ['number']);
  const db = Group.knex();
  const path = (await hitPaths(db, tsquery))[kind];
  const shape: KindShape = { viewer, kind, path, cursor: cursor !== null, limit: pageSize + 1 };
  const key = `${scopeShapeKey(viewer)}|${kind}|${path}|${shape.cursor}|${shape.limit}`;
  const rows = await kindStatement.rows<SearchHit>(db, key, shape, [viewer.id, tsquery, ...(cursor ?? [])]);
  return toKindPage(rows, pageSize);
}

/** What the page of all kinds is read with besides the viewer's id and the words. */
interface AllShape {
  viewer: SignedInViewer;
  paths: Record<SearchKind, HitPath>;
  cap: number;
}

/** R-F6: every kind at once, each capped, in one query: a UNION ALL of each kind's first page. */
const allStatement = new QueryTemplate((s: AllShape, [me = 0, words = 0]: readonly number[]) => {
  const viewer = scopeStandIn(s.viewer, me);
  const [first, ...rest] = SEARCH_KINDS.map((kind) => page(viewer, kind, s.paths[kind], words, null, s.cap + 1));
  const union = first!;
  for (const branch of rest) union.unionAll(branch, true);
  return union.orderByRaw('kind, sort_name, sort_num').toKnexQuery();
});

/** Every kind's first page; one query (and, every ten minutes, the words' statistics). */
export async function searchAll(viewer: Viewer, tsquery: string, cap = SEARCH_CAP): Promise<Record<SearchKind, Page<SearchHit>>> {
  const empty = Object.fromEntries(SEARCH_KINDS.map((k) => [k, { items: [], nextCursor: null }])) as unknown as Record<SearchKind, Page<SearchHit>>;
  if (!viewer.signedIn) return empty;
  const db = Group.knex();
  const paths = await hitPaths(db, tsquery);
  const key = `${scopeShapeKey(viewer)}|${SEARCH_KINDS.map((k) => paths[k]).join(',')}|${cap}`;
  const rows = await allStatement.rows<SearchHit>(db, key, { viewer, paths, cap }, [viewer.id, tsquery]);
  const result = empty;
  for (const kind of SEARCH_KINDS) result[kind] = toKindPage(rows.filter((r) => r.kind === kind), cap);
  return result;
}
