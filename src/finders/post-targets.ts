import { groupsVisibleTo, myGroupIds } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';

export interface PostTarget {
  id: number;
  name: string;
  isExtranet: boolean;
}

/** Groups the viewer may post in from the main feed: its live groups with the feed tool on (R-F1, R-G7). */
export async function findPostTargets(viewer: Viewer, limit = 200): Promise<PostTarget[]> {
  if (!viewer.signedIn) return [];
  return (await groupsVisibleTo(viewer)
    .whereIn('groups.id', myGroupIds(viewer.id))
    .whereRaw("'feed' = any(groups.tools)")
    .whereNull('groups.archivedAt')
    .select('groups.id', 'groups.name', 'groups.isExtranet')
    .orderByRaw('lower(groups.name), groups.id')
    .limit(limit)) as unknown as PostTarget[];
}
