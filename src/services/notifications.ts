import type { Knex } from 'knex';
import { z } from 'zod';
import { t } from '../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import { Membership } from '../models/group.js';
import { Notification, type NotificationKind } from '../models/notification.js';
import { User } from '../models/user.js';
import { publishUsers } from '../live/channel.js';
import { can } from '../policy/abilities.js';
import { notificationsVisibleTo } from '../policy/feed-scopes.js';
import { activeMembership, findVisibleGroup } from '../policy/scopes.js';
import { viewerFromUser, type Viewer } from '../policy/viewer.js';
import type { FormResult } from '../lib/forms.js';
import { mailKindOf, queueMail, type MailCause } from './mail-notifications/preferences.js';

export interface NotificationDraft {
  userId: number;
  kind: NotificationKind;
  actorId: number | null;
  groupId?: number | null;
  taskId?: number | null;
  postId?: number | null;
  /** The comment or chat message it is about, so that it goes when that is deleted (issue 17 item 7). */
  commentId?: number | null;
  chatMessageId?: number | null;
  detail?: string;
}

/** These ask the person to act, so a group's switch (R-F1) does not silence them. */
const UNMUTABLE = new Set<NotificationKind>(['invitation', 'join_request']);

/**
 * R-F5: writes notifications in the caller's transaction, so they exist exactly when their cause
 * does. Nobody is told about their own action; a deactivated person is told nothing; a member who
 * switched a group's notifications off hears nothing from it (R-F1). Then R-X1: each recipient
 * keeps only what notificationsVisibleTo — the same scope its list and count read — lets it see,
 * so an external user is never told about something it may not see. Returns how many were kept.
 */
export async function notify(trx: Knex.Transaction, drafts: NotificationDraft[]): Promise<number> {
  const seen = new Set<string>();
  const wanted = drafts.filter((d) => {
    const key = `${d.userId}|${d.kind}|${d.groupId ?? ''}|${d.taskId ?? ''}|${d.postId ?? ''}|${d.commentId ?? ''}|${d.chatMessageId ?? ''}`;
    if (d.userId === d.actorId || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  if (wanted.length === 0) return 0;
  const userIds = [...new Set(wanted.map((d) => d.userId))];
  const groupIds = [...new Set(wanted.map((d) => d.groupId).filter((g): g is number => typeof g === 'number'))];
  const [users, muted] = await Promise.all([
    User.query(trx).whereIn('id', userIds).whereNull('deactivatedAt'),
    groupIds.length ? Membership.query(trx).whereIn('userId', userIds).whereIn('groupId', groupIds).where('notify', false).select('userId', 'groupId') : Promise.resolve([]),
  ]);
  const active = new Map(users.map((u) => [u.id, u]));
  const silenced = new Set(muted.map((m) => `${m.userId}|${m.groupId}`));
  const rows = wanted
    .filter((d) => active.has(d.userId) && (UNMUTABLE.has(d.kind) || !silenced.has(`${d.userId}|${d.groupId ?? ''}`)))
    .map((d) => ({ userId: d.userId, kind: d.kind, actorId: d.actorId, groupId: d.groupId ?? null, taskId: d.taskId ?? null, postId: d.postId ?? null, commentId: d.commentId ?? null, chatMessageId: d.chatMessageId ?? null, detail: d.detail ?? '' }));
  if (rows.length === 0) return 0;
  const inserted = (await Notification.query(trx).insert(rows).returning(['id', 'userId', 'kind'])) as unknown as { id: number; userId: number; kind: NotificationKind }[];
  let kept = 0;
  const mail: MailCause[] = [];
  const told: number[] = [];
  for (const userId of new Set(inserted.map((r) => r.userId))) {
    const user = active.get(userId);
    if (!user) continue;
    const ids = inserted.filter((r) => r.userId === userId).map((r) => r.id);
    const visible = await notificationsVisibleTo(viewerFromUser(user, false)).transacting(trx).whereIn('notifications.id', ids).select('notifications.id');
    const keep = new Set(visible.map((v) => v.id));
    const drop = ids.filter((id) => !keep.has(id));
    if (drop.length) await Notification.query(trx).whereIn('id', drop).delete();
    kept += keep.size;
    for (const r of inserted) {
      const kind = mailKindOf(r.kind);
      if (kind && keep.has(r.id)) mail.push({ userId: r.userId, kind, notificationId: r.id });
    }
    if (keep.size > 0) told.push(userId);
  }
  // Issue 18: and by e-mail, as each person chose (built later, through the same scope).
  await queueMail(trx, mail);
  // Issue 16: the header's unread count of their open pages, on commit.
  await publishUsers(trx, told);
  return kept;
}

/**
 * Issue 17 item 7: a deleted comment or chat message takes back what it told people (the foreign keys
 * would cascade anyway); the people whose unread count drops hear of it on commit (issue 16).
 */
export async function withdrawNotifications(trx: Knex.Transaction, cause: { commentId: number } | { chatMessageId: number }): Promise<void> {
  const gone = (await Notification.query(trx).delete().where(cause).returning(['userId', 'readAt'])) as unknown as Pick<Notification, 'userId' | 'readAt'>[];
  await publishUsers(trx, [...new Set(gone.filter((n) => n.readAt === null).map((n) => n.userId))]);
}

/** R-F5: marks one of the viewer's notifications read; anyone else's, or a missing one, is a 404 (R-X1). */
export async function markNotificationRead(db: Knex, viewer: Viewer, id: number): Promise<void> {
  const found = await notificationsVisibleTo(viewer).findById(id);
  if (!found || !can(viewer, 'notification:read', found)) throw new NotFoundError();
  if (found.readAt === null && (await Notification.query(db).findById(found.id).whereNull('readAt').patch({ readAt: new Date() })) > 0) await publishUsers(db, [found.userId]);
}

/** R-F5: marks every visible unread notification of the viewer read. */
export async function markAllNotificationsRead(db: Knex, viewer: Viewer): Promise<number> {
  if (!viewer.signedIn) throw new ForbiddenError();
  const read = await Notification.query(db)
    .whereIn('id', notificationsVisibleTo(viewer).whereNull('notifications.readAt').select('notifications.id'))
    .patch({ readAt: new Date() });
  // Issue 16: the viewer's other pages show the count go down.
  if (read > 0) await publishUsers(db, [viewer.id]);
  return read;
}

const switchSchema = z.enum(['on', 'off'], { error: () => t('feed.notify.choose') });

/** R-F1: a member switches a group's notifications on or off for itself. */
export async function setGroupNotifications(db: Knex, viewer: Viewer, groupId: number, value: unknown): Promise<FormResult<boolean>> {
  const ctx = await findVisibleGroup(viewer, groupId);
  if (!ctx) throw new NotFoundError();
  if (!viewer.signedIn || !can(viewer, 'notification:switch', ctx)) throw new ForbiddenError();
  const parsed = switchSchema.safeParse(value);
  if (!parsed.success) return { ok: false, errors: [{ field: 'notify-on', message: t('feed.notify.choose') }] };
  const on = parsed.data === 'on';
  await Membership.query(db).where({ groupId: ctx.group.id, userId: viewer.id }).whereRaw(activeMembership('memberships')).patch({ notify: on });
  return { ok: true, value: on };
}
