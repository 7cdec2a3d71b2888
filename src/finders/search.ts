import { raw, type Model, type QueryBuilder } from 'objection';
import { PLAN_EACH_TIME } from '../db/prepared-statements.js';
import { decodeCursor, encodeCursor, type Page } from '../lib/keyset.js';
import { postsVisibleTo } from '../policy/feed-scopes.js';
import { filesVisibleTo } from '../policy/file-scopes.js';
import { groupsVisibleTo, shownGroupColumns, usersVisibleTo } from '../policy/scopes.js';
import { taskIdsOfExternal, tasksVisibleTo } from '../policy/task-scopes.js';
import type { Viewer } from '../policy/viewer.js';

export const SEARCH_KINDS = ['groups', 'tasks', 'posts', 'files', 'people'] as const;
export type SearchKind = (typeof SEARCH_KINDS)[number];
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

const MATCH = (vector: string) => `${vector} @@ to_tsquery('simple', ?)`;
const byName = (kind: SearchKind) => kind === 'groups' || kind === 'people';
type Cursor = (string | number)[] | null;
/** Every kind's query has the same columns; typed as one so the kinds can be united. */
type SearchQuery = QueryBuilder<Model, Model[]>;
const asSearch = <M extends Model>(q: QueryBuilder<M, M[]>): SearchQuery => q as unknown as SearchQuery;

/**
 * R-F6, R-X1: each kind starts from its scope and only narrows it by the full-text match; every
 * kind selects the same columns, so all of them can be read in one query.
 */
function matches(viewer: Viewer, kind: SearchKind, tsquery: string): SearchQuery {
  const label = raw('?::text', [kind]).as('kind');
  const none = { int: raw('null::int'), text: raw('null::text'), bool: raw('null::boolean') };
  // Every branch names every column: a kind's own page is read alone, not only under the union.
  const noGroup = [none.int.as('groupId'), none.text.as('groupName'), none.bool.as('groupIsExtranet'), raw('false').as('groupHidden')];
  const noPerson = [none.bool.as('isExtranet'), none.bool.as('deactivated')];
  const noAuthor = [none.text.as('authorName'), none.bool.as('authorIsExtranet')];
  const newestFirst = (table: string) => [raw("''").as('sortName'), raw(`-${table}.id`).as('sortNum')];
  const recordGroup = (table: string) => [`${table}.groupId as groupId`, ...shownGroupColumns(viewer, 'sg')];
  switch (kind) {
    case 'groups':
      return asSearch(
        groupsVisibleTo(viewer)
          .whereRaw(MATCH('groups.search_vector'), [tsquery])
          .select(label, 'groups.id', 'groups.name as title', none.int.as('groupId'), none.text.as('groupName'), 'groups.isExtranet as groupIsExtranet', raw('false').as('groupHidden'), ...noPerson, ...noAuthor, raw('lower(groups.name)').as('sortName'), raw('groups.id').as('sortNum')),
      );
    case 'people':
      return asSearch(
        usersVisibleTo(viewer)
          .whereRaw(MATCH('users.search_vector'), [tsquery])
          .select(label, 'users.id', 'users.name as title', ...noGroup, 'users.isExtranet as isExtranet', raw('users.deactivated_at is not null').as('deactivated'), ...noAuthor, raw('lower(users.name)').as('sortName'), raw('users.id').as('sortNum')),
      );
    case 'tasks': {
      const visible = tasksVisibleTo(viewer);
      // An external user's few groups' tasks first (an index condition), then the match.
      if (viewer.signedIn && viewer.isExtranet) visible.whereRaw('tasks.id = any(array(?))', [taskIdsOfExternal(viewer)]);
      return asSearch(
        visible
          .whereRaw(MATCH('tasks.search_vector'), [tsquery])
          .leftJoin('groups as sg', 'sg.id', 'tasks.groupId')
          .select(label, 'tasks.id', 'tasks.title as title', ...recordGroup('tasks'), ...noPerson, ...noAuthor, ...newestFirst('tasks')),
      );
    }
    case 'posts':
      return asSearch(
        postsVisibleTo(viewer)
          .whereRaw(MATCH('posts.search_vector'), [tsquery])
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
          ),
      );
    case 'files':
      // File names have no stored vector (the files table comes with 0006_tools): the expression is indexed (0016).
      return asSearch(
        filesVisibleTo(viewer)
          .whereRaw(MATCH("to_tsvector('simple', files.name)"), [tsquery])
          .leftJoin('groups as sg', 'sg.id', 'files.groupId')
          .select(label, 'files.id', 'files.name as title', ...recordGroup('files'), ...noPerson, ...noAuthor, ...newestFirst('files')),
      );
  }
}

/** The table whose rows a kind's hits are. */
const TABLE: Record<SearchKind, string> = { groups: 'groups', people: 'users', tasks: 'tasks', posts: 'posts', files: 'files' };

/** One kind's hits in keyset order after the cursor, at most `limit`. */
function page(viewer: Viewer, kind: SearchKind, tsquery: string, cursor: Cursor, limit: number) {
  const table = TABLE[kind];
  const q = matches(viewer, kind, tsquery);
  if (byName(kind)) {
    if (cursor) q.whereRaw(`(lower(${table}.name), ${table}.id) > (?, ?)`, cursor);
    q.orderByRaw(`lower(${table}.name), ${table}.id`);
  } else {
    if (cursor) q.where(`${table}.id`, '<', cursor[0] as number);
    q.orderBy(`${table}.id`, 'desc');
  }
  return q.limit(limit);
}

function cursorOf(hit: SearchHit): (string | number)[] {
  return byName(hit.kind) ? [hit.sortName, hit.id] : [hit.id];
}

function toKindPage(rows: SearchHit[], pageSize: number): Page<SearchHit> {
  const items = rows.slice(0, pageSize);
  const last = items[items.length - 1];
  return { items, nextCursor: rows.length > pageSize && last ? encodeCursor(cursorOf(last)) : null };
}

/** One kind's hits, keyset-paged; one query. */
export async function searchKind(viewer: Viewer, kind: SearchKind, tsquery: string, after: unknown, pageSize = SEARCH_CAP): Promise<Page<SearchHit>> {
  if (!viewer.signedIn) return { items: [], nextCursor: null };
  const cursor = decodeCursor(after, byName(kind) ? ['string', 'number'] : ['number']);
  const rows = (await page(viewer, kind, tsquery, cursor, pageSize + 1).toKnexQuery().options(PLAN_EACH_TIME)) as unknown as SearchHit[];
  return toKindPage(rows, pageSize);
}

/**
 * R-F6: every kind at once, each capped, in one query: a UNION ALL of each kind's first page. The
 * first branch of a union cannot carry its own ORDER BY and LIMIT, so its page is picked by id.
 */
export async function searchAll(viewer: Viewer, tsquery: string, cap = SEARCH_CAP): Promise<Record<SearchKind, Page<SearchHit>>> {
  const empty = Object.fromEntries(SEARCH_KINDS.map((k) => [k, { items: [], nextCursor: null }])) as unknown as Record<SearchKind, Page<SearchHit>>;
  if (!viewer.signedIn) return empty;
  const [first, ...rest] = SEARCH_KINDS;
  const firstIds = page(viewer, first, tsquery, null, cap + 1).clearSelect().select(`${TABLE[first]}.id`);
  const union = matches(viewer, first, tsquery).whereIn(`${TABLE[first]}.id`, firstIds);
  for (const kind of rest) union.unionAll(page(viewer, kind, tsquery, null, cap + 1), true);
  const rows = (await union.orderByRaw('kind, sort_name, sort_num').toKnexQuery().options(PLAN_EACH_TIME)) as unknown as SearchHit[];
  const result = empty;
  for (const kind of SEARCH_KINDS) result[kind] = toKindPage(rows.filter((r) => r.kind === kind), cap);
  return result;
}
