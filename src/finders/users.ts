import { likePattern } from '../lib/search.js';
import { decodeCursor, toPage, type Page } from '../lib/keyset.js';
import { personView, type PersonView } from '../models/user.js';
import { usersVisibleTo } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';

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
  const q = usersVisibleTo(viewer).select('users.id', 'users.name', 'users.email', 'users.jobTitle', 'users.isExtranet', 'users.isAdmin', 'users.deactivatedAt');
  // PostgreSQL text cannot hold NUL: a NUL in the query would be a 500, so it is dropped.
  const like = likePattern(params.q);
  if (like) {
    q.where((b) => b.whereRaw('lower(users.name) like ?', [like]).orWhereRaw('lower(users.email) like ?', [like]));
  }
  const cursor = decodeCursor(params.after, ['string', 'number']);
  if (cursor) q.whereRaw('(lower(users.name), users.id) > (?, ?)', cursor);
  const rows = await q.orderByRaw('lower(users.name), users.id').limit(pageSize + 1);
  const page = toPage(rows, pageSize, (u) => [u.name.toLowerCase(), u.id]);
  return { nextCursor: page.nextCursor, items: page.items.map((u) => ({ ...personView(u), isAdmin: u.isAdmin })) };
}

/** One person through the same scope: invisible and missing are the same undefined (R-X1). */
export async function findVisibleUser(viewer: Viewer, id: number) {
  return usersVisibleTo(viewer).findById(id);
}
