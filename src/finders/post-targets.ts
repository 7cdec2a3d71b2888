import { groupsVisibleTo, myGroupIds } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';
import { viewerQuery } from '../policy/viewer-query.js';
import { Group } from '../models/group.js';

export interface PostTarget {
  id: number;
  name: string;
  isExtranet: boolean;
}

/** The form offers this many at most (a person in more groups posts from the group's page). */
const POST_TARGETS_MAX = 200;

const postTargets = viewerQuery<PostTarget>((viewer) =>
  groupsVisibleTo(viewer)
    .whereIn('groups.id', myGroupIds(viewer.id))
    .whereRaw("'feed' = any(groups.tools)")
    .whereNull('groups.archivedAt')
    .select('groups.id', 'groups.name', 'groups.isExtranet')
    .orderByRaw('lower(groups.name), groups.id')
    .limit(POST_TARGETS_MAX)
    .toKnexQuery(),
);

/** Groups the viewer may post in from the main feed: its live groups with the feed tool on (R-F1, R-G7). */
export async function findPostTargets(viewer: Viewer): Promise<PostTarget[]> {
  return viewer.signedIn ? postTargets(Group.knex(), viewer, []) : [];
}
