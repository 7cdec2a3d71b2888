import { usersVisibleTo } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';

/** A "who liked" list is at most this long (a like count above it is rare in a company). */
export const LIKERS_MAX = 500;

export interface Liker {
  id: number;
  name: string;
  isExtranet: boolean;
  deactivated: boolean;
}

/**
 * Issue 18 item 5, R-X1: who liked a post or a comment (already found visible by the caller),
 * only people the viewer may see (usersVisibleTo), so the list is exactly what the count counts.
 */
export async function findLikers(viewer: Viewer, of: { postId: number } | { commentId: number }): Promise<Liker[]> {
  const likes = 'postId' in of ? ['users.id in (select user_id from post_likes where post_id = ?)', of.postId] as const : ['users.id in (select user_id from comment_likes where comment_id = ?)', of.commentId] as const;
  const rows = await usersVisibleTo(viewer)
    .whereRaw(likes[0], [likes[1]])
    .select('users.id', 'users.name', 'users.isExtranet', 'users.deactivatedAt')
    .orderBy('users.name')
    .orderBy('users.id')
    .limit(LIKERS_MAX);
  return rows.map((u) => ({ id: u.id, name: u.name, isExtranet: u.isExtranet, deactivated: u.deactivatedAt !== null }));
}
