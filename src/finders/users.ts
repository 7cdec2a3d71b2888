import { likePattern } from '../lib/search.js';
import { decodeCursor, toPage, type Page } from '../lib/keyset.js';
import { QueryTemplate } from '../db/query-template.js';
import { User, personView, type PersonView } from '../models/user.js';
import { usersVisibleTo } from '../policy/scopes.js';
import { scopeShapeKey, scopeStandIn, type SignedInViewer, type Viewer } from '../policy/viewer.js';

export const USERS_PAGE_SIZE = 50;

export interface UserListParams {
  q?: string;
  after?: string;
}

export interface UserRow extends PersonView {
  isAdmin: boolean;
}

/** People the viewer may see, by name, searched by name or e-mail, keyset-paged on (lower(name), id). */
export async function findUsers(viewer: Viewer, params: UserListParams, pageSize = USERS_PAGE_SIZE): Promise<Page<UserRow>> {
  const like = likePattern(params.q);
  const cursor = decodeCursor(params.after, ['string', 'number']);
  const rows =
    viewer.signedIn && !like && !cursor
      ? await firstUsersPage.rows<ListedUser>(User.knex(), `${scopeShapeKey(viewer)}|${pageSize}`, { viewer, pageSize }, [viewer.id])
      : ((await userListQuery(viewer, like, cursor, pageSize)) as ListedUser[]);
  const page = toPage(rows, pageSize, (u) => [u.name.toLowerCase(), u.id]);
  return { nextCursor: page.nextCursor, items: page.items.map((u) => ({ ...personView(u), isAdmin: u.isAdmin })) };
}

type ListedUser = Pick<User, 'id' | 'name' | 'email' | 'jobTitle' | 'isExtranet' | 'isAdmin' | 'deactivatedAt'>;

function userListQuery(viewer: Viewer, like: string | null, cursor: (string | number)[] | null, pageSize: number) {
  const q = usersVisibleTo(viewer).select('users.id', 'users.name', 'users.email', 'users.jobTitle', 'users.isExtranet', 'users.isAdmin', 'users.deactivatedAt');
  // PostgreSQL text cannot hold NUL: a NUL in the query would be a 500, so it is dropped.
  if (like) q.where((b) => b.whereRaw('lower(users.name) like ?', [like]).orWhereRaw('lower(users.email) like ?', [like]));
  if (cursor) q.whereRaw('(lower(users.name), users.id) > (?, ?)', cursor);
  return q.orderByRaw('lower(users.name), users.id').limit(pageSize + 1);
}

/** The directory's first page, built once per kind of viewer (db/query-template.ts), read as rows. */
const firstUsersPage = new QueryTemplate((s: { viewer: SignedInViewer; pageSize: number }, [me]) => userListQuery(scopeStandIn(s.viewer, me ?? 0), null, null, s.pageSize).toKnexQuery());

/** One person through the same scope: invisible and missing are the same undefined (R-X1). */
export async function findVisibleUser(viewer: Viewer, id: number) {
  return usersVisibleTo(viewer).findById(id);
}
