import type { Knex } from 'knex';
import { t } from '../../i18n/index.js';
import { notificationRows, type NotificationRow } from '../../finders/notifications.js';
import { ChatRead } from '../../models/chat.js';
import { MailQueueItem } from '../../models/mail-preference.js';
import { User } from '../../models/user.js';
import { chatMessagesVisibleTo } from '../../policy/chat-scopes.js';
import { mayReceiveMail } from '../../policy/account-rules.js';
import { viewerFromUser, type SignedInViewer } from '../../policy/viewer.js';
import { enqueueMail } from '../mail.js';
import { getSettings } from '../settings.js';
import { digestMail, immediateMail, type MailItem, type MailSite } from './message.js';
import { mailChoicesOf } from './preferences.js';

/** People whose queued mail is due, per run; each person's due rows are taken together. */
const PEOPLE_PER_RUN = 25;

interface DirectRow {
  id: number;
  authorId: number;
  authorName: string;
  body: string;
}

function notificationItem(n: NotificationRow, kind: MailItem['kind']): MailItem {
  const actor = n.actorName ?? t('notifications.someone');
  switch (n.kind) {
    case 'invitation':
      return { kind, line: `${t('notifications.invitation')} ${n.groupName ?? ''}`, excerpt: '', path: '/invitations' };
    case 'join_request':
      return { kind, line: `${actor} ${t('notifications.joinRequest')} ${n.groupName ?? ''}`, excerpt: '', path: `/groups/${n.groupId}/members` };
    case 'task.assigned':
      return { kind, line: `${actor} ${t(n.detail === 'participant' ? 'notifications.assigned.participant' : 'notifications.assigned.responsible')} ${n.taskTitle ?? ''}`, excerpt: '', path: `/tasks/${n.taskId}` };
    case 'task.status':
      return { kind, line: `${actor} ${t('notifications.status')} ${n.taskTitle ?? ''} ${t('notifications.statusTo', { status: t(`tasks.status.${n.detail}` as 'tasks.status.pending') })}`, excerpt: '', path: `/tasks/${n.taskId}` };
    default:
      return { kind, line: `${actor} ${t(`notifications.${n.kind}` as 'notifications.mention')}`, excerpt: n.postExcerpt ?? '', path: `/posts/${n.postId}` };
  }
}

const directItem = (m: DirectRow): MailItem => ({ kind: 'direct_message', line: t('mail.item.direct', { name: m.authorName }), excerpt: m.body.slice(0, 300), path: `/chat/with/${m.authorId}` });

/**
 * R-X1 at the moment the mail is built: what a queued row names is read through the recipient's
 * scopes now (notificationsVisibleTo, chatMessagesVisibleTo), so what it lost access to since is
 * left out; a direct message it has already read in the app is not mailed either.
 */
async function visibleItems(trx: Knex.Transaction, viewer: SignedInViewer, rows: MailQueueItem[]): Promise<Map<number, MailItem>> {
  const byNotification = new Map(rows.filter((r) => r.notificationId !== null).map((r) => [r.notificationId as number, r]));
  const byMessage = new Map(rows.filter((r) => r.chatMessageId !== null).map((r) => [r.chatMessageId as number, r]));
  // One after the other: a transaction is one connection.
  const notifications = byNotification.size ? ((await notificationRows(viewer).transacting(trx).whereIn('notifications.id', [...byNotification.keys()])) as unknown as NotificationRow[]) : [];
  const messages = byMessage.size
    ? ((await chatMessagesVisibleTo(viewer)
        .transacting(trx)
        .whereIn('chatMessages.id', [...byMessage.keys()])
        .join('conversations as mc', 'mc.id', 'chatMessages.conversationId')
        .where('mc.kind', 'direct')
        .join('users as ma', 'ma.id', 'chatMessages.authorId')
        .whereNotExists(ChatRead.query().alias('mr').where('mr.userId', viewer.id).whereColumn('mr.conversationId', 'chatMessages.conversationId').whereColumn('mr.lastReadId', '>=', 'chatMessages.id'))
        .select('chatMessages.id', 'chatMessages.authorId', 'chatMessages.body', 'ma.name as authorName')) as unknown as DirectRow[])
    : [];
  const items = new Map<number, MailItem>();
  for (const n of notifications) {
    const row = byNotification.get(Number(n.id));
    if (row) items.set(row.id, notificationItem(n, row.kind));
  }
  for (const m of messages) {
    const row = byMessage.get(Number(m.id));
    if (row) items.set(row.id, directItem(m));
  }
  return items;
}

/**
 * Issue 18: turns due rows of the mail queue into outbox messages — one mail per row sent at
 * once, one digest per person whose hour has come (none when nothing is left to tell). Claimed
 * with SKIP LOCKED inside the mail dispatcher's run, so every app process can do it. Returns the
 * number of mails written.
 */
export async function composeDueMail(db: Knex, site: MailSite, now = new Date()): Promise<number> {
  return db.transaction(async (trx) => {
    const people = MailQueueItem.query(trx).where('dueAt', '<=', now).distinct('userId').limit(PEOPLE_PER_RUN);
    const rows = await MailQueueItem.query(trx).whereIn('userId', people).where('dueAt', '<=', now).orderBy('id').forUpdate().skipLocked();
    if (rows.length === 0) return 0;
    const userIds = [...new Set(rows.map((r) => r.userId))];
    // One after the other: a transaction is one connection.
    const users = await User.query(trx).whereIn('id', userIds);
    const choices = await mailChoicesOf(trx, userIds);
    const settings = await getSettings(trx);
    let written = 0;
    for (const user of users) {
      const mine = rows.filter((r) => r.userId === user.id);
      const modes = choices.get(user.id)?.modes;
      // A choice changed to "off" since the row was queued wins; so do deactivation and the extranet switch.
      const wanted = mine.filter((r) => modes?.[r.kind] !== 'off');
      if (wanted.length === 0 || !mayReceiveMail(user, settings.extranetEnabled)) continue;
      const items = await visibleItems(trx, viewerFromUser(user, false), wanted);
      const to = { id: user.id, email: user.email };
      for (const r of wanted.filter((w) => w.mode === 'immediate')) {
        const item = items.get(r.id);
        if (item) {
          await enqueueMail(trx, immediateMail(site, to, item));
          written++;
        }
      }
      const digest = wanted.filter((w) => w.mode === 'digest').flatMap((r) => items.get(r.id) ?? []);
      if (digest.length) {
        await enqueueMail(trx, digestMail(site, to, digest));
        written++;
      }
    }
    await MailQueueItem.query(trx).whereIn('id', rows.map((r) => r.id)).delete();
    return written;
  });
}
