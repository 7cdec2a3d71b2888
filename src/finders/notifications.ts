import { raw } from 'objection';
import { decodeCursor, toPage, type Page } from '../lib/keyset.js';
import { Notification, type NotificationKind } from '../models/notification.js';
import { notificationsVisibleTo } from '../policy/feed-scopes.js';
import { scopeShapeKey, scopeStandIn, type SignedInViewer, type Viewer, type ViewerKind } from '../policy/viewer.js';
import { QueryTemplate, type Statement } from '../db/query-template.js';

export const NOTIFICATIONS_PAGE_SIZE = 30;
/** The header counts unread notifications up to this many ("99+"): a count never scans a whole history. */
export const UNREAD_CAP = 99;

export interface NotificationRow {
  id: number;
  kind: NotificationKind;
  detail: string;
  readAt: Date | null;
  createdAt: Date;
  actorName: string | null;
  actorIsExtranet: boolean | null;
  groupId: number | null;
  groupName: string | null;
  groupIsExtranet: boolean | null;
  taskId: number | null;
  taskTitle: string | null;
  postId: number | null;
  postExcerpt: string | null;
}

/**
 * R-F5, R-X1: the viewer's notifications it may still see, newest first, keyset-paged on the id;
 * one query a page. What they name is read through the same scope, so nothing else shows.
 */
export async function findNotifications(viewer: Viewer, params: { after?: unknown; unread?: boolean }, pageSize = NOTIFICATIONS_PAGE_SIZE): Promise<Page<NotificationRow>> {
  if (!viewer.signedIn) return { items: [], nextCursor: null };
  const q = notificationRows(viewer);
  if (params.unread) q.whereNull('notifications.readAt');
  const cursor = decodeCursor(params.after, ['number']);
  if (cursor) q.where('notifications.id', '<', cursor[0] as number);
  const rows = (await q.orderBy('notifications.id', 'desc').limit(pageSize + 1)) as unknown as NotificationRow[];
  return toPage(rows, pageSize, (r) => [r.id]);
}

/** The viewer's visible notifications with what they name (as NotificationRow): the list and the mail read this. */
export function notificationRows(viewer: Viewer) {
  return notificationsVisibleTo(viewer)
    .leftJoin('users as na', 'na.id', 'notifications.actorId')
    .leftJoin('groups as ng', 'ng.id', 'notifications.groupId')
    .leftJoin('tasks as nt', 'nt.id', 'notifications.taskId')
    .leftJoin('posts as np', 'np.id', 'notifications.postId')
    .select(
      'notifications.id',
      'notifications.kind',
      'notifications.detail',
      'notifications.readAt',
      'notifications.createdAt',
      'na.name as actorName',
      'na.isExtranet as actorIsExtranet',
      'notifications.groupId',
      'ng.name as groupName',
      'ng.isExtranet as groupIsExtranet',
      'notifications.taskId',
      'nt.title as taskTitle',
      'notifications.postId',
      raw('left(np.body, 140)').as('postExcerpt'),
    );
}

/**
 * R-F5: the unread count in every page header: one query over the partial unread index, through
 * the same scope as the list (R-X1: a count never counts what the viewer may not see), capped.
 */
export async function countUnreadNotifications(viewer: Viewer): Promise<number> {
  if (!viewer.signedIn) return 0;
  const result = (await unreadCount.run(Notification.knex(), scopeShapeKey(viewer), viewer, [viewer.id])) as { rows: { n: number | string }[] };
  return Number(result.rows[0]?.n ?? 0);
}

/** The count's text is built once per kind of viewer (db/query-template.ts): only the viewer's id changes. */
const unreadCount = new QueryTemplate((viewer: SignedInViewer, [id]: readonly number[]) => {
  const unread = notificationsVisibleTo(scopeStandIn(viewer, id ?? 0)).whereNull('notifications.readAt').select(raw('1')).orderBy('notifications.id', 'desc').limit(UNREAD_CAP + 1);
  return Notification.knex().count({ n: '*' }).from(unread.toKnexQuery().as('unread'));
});


/**
 * The unread count of a viewer of `kind` as a column of a query over `users` (alias `user`), with the session's
 * admin mode as the SQL boolean `adminModeRequested`: the count's own text for that kind, or null when the row is
 * not of that kind (a transfer, a new administrator: then the count is read on its own). Read with the session,
 * the header's count costs no round trip of its own (issue 16). One kind per statement: PostgreSQL prepares
 * every branch of a CASE when a statement starts, and six kinds' branches cost more than the round trip.
 */
export function unreadCountColumn(user: string, adminModeRequested: string, kind: ViewerKind): Statement {
  const viewer: SignedInViewer = { signedIn: true, id: 0, name: '', email: '', timeZone: 'UTC', locale: null, ...kind };
  const count = unreadCount.inline(scopeShapeKey(viewer), viewer, [`${user}.id`]);
  const mode = kind.isAdmin ? ` and (${adminModeRequested}) = ${kind.adminMode}` : '';
  return { sql: `case when ${user}.is_extranet = ${kind.isExtranet} and ${user}.is_admin = ${kind.isAdmin}${mode} then (${count.sql}) end`, bindings: count.bindings };
}
