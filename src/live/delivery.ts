import type { Knex } from 'knex';
import { findMessagesById, findNewMessages, type MessageRow } from '../finders/chat.js';
import { countUnreadNotifications, UNREAD_CAP } from '../finders/notifications.js';
import { t } from '../i18n/index.js';
import { formatDate, formatDateTime, formatNumber } from '../lib/format.js';
import { findVisibleConversation, type ConversationContext } from '../policy/chat-scopes.js';
import { viewersOfSessions } from '../policy/session-viewers.js';
import type { SignedInViewer } from '../policy/viewer.js';
import { chatBase, messageGone, withMessageActions } from '../routes/chat/message-actions.js';
import { markRead } from '../services/chat.js';
import { chatChangesSince, EDITS_REREAD_MAX, lastChangeOf, type ChatChange } from '../services/chat-changes.js';
import type { EventStream } from './event-stream.js';

/** One open stream and what it follows. */
export interface Subscriber {
  stream: EventStream;
  /** The session it was opened in: checked again before every delivery. */
  sid: string;
  userId: number;
  /** A chat page: its conversation, or (a direct chat not started yet) the pair of people. */
  conversationId: number | null;
  pair: string | null;
  /** The newest message the page has. */
  lastMessageId: number;
  /** A chat page: when it was made (edits and deletions since then are replayed when its stream opens), if known. */
  since: Date | null;
}

export type Render = (template: string, data: Record<string, unknown>) => Promise<string>;

/** The event a page reads as "your session ended: do not reconnect" (data-sse-close). */
export const FAREWELL = 'close';

function templateData(viewer: SignedInViewer) {
  const tz = viewer.timeZone;
  return { t, fmt: { dateTime: (d: Date | string | null) => formatDateTime(d, tz), date: (d: Date | string | null) => formatDate(d, tz), number: formatNumber } };
}

function groupBy<T>(items: T[], key: (item: T) => string): T[][] {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = groups.get(k);
    if (list) list.push(item);
    else groups.set(k, [item]);
  }
  return [...groups.values()];
}

/**
 * What a stream is sent, always re-read through the viewer's scope at the time (R-X1): a viewer who
 * lost access since the page opened gets nothing more. Streams of one person at the same point share
 * one read, so a message to a busy conversation costs one query per person, not per open page.
 */
export class Delivery {
  constructor(
    private readonly db: Knex,
    private readonly render: Render,
  ) {}

  /** The subscribers whose session is still open, with their viewer; the others are closed. */
  async alive(subs: Subscriber[]): Promise<[Subscriber, SignedInViewer][]> {
    const open = subs.filter((s) => !s.stream.closed);
    const viewers = await viewersOfSessions(this.db, open.map((s) => s.sid));
    const alive: [Subscriber, SignedInViewer][] = [];
    for (const s of open) {
      const viewer = viewers.get(s.sid);
      if (viewer && viewer.id === s.userId) alive.push([s, viewer]);
      else s.stream.close(FAREWELL);
    }
    return alive;
  }

  /** New messages of one conversation to the streams following it, then the read marks. */
  async chat(conversationId: number, subs: Subscriber[]): Promise<void> {
    const alive = await this.alive(subs);
    const readUpTo = new Map<number, { viewer: SignedInViewer; id: number }>();
    await Promise.all(
      groupBy(alive, ([s, v]) => `${v.id}|${v.adminMode}|${s.lastMessageId}`).map(async (group) => {
        const [first] = group;
        if (!first) return;
        const [{ lastMessageId }, viewer] = first;
        const items = await findNewMessages(viewer, { id: conversationId, kind: null }, lastMessageId);
        const last = items[items.length - 1];
        if (!last) return;
        // What the viewer may do to each message (edit, delete), as the page shows it: judged on the conversation as it is now.
        const found = await findVisibleConversation(viewer, { id: conversationId });
        if (!found) return;
        const base = chatBase(found.ctx, viewer.id);
        const html = await this.render('partials/chat/live-messages', { ...templateData(viewer), messages: withMessageActions(viewer, found.ctx, base, items), postUrl: base });
        for (const [s] of group) {
          if (s.conversationId !== conversationId || s.lastMessageId !== lastMessageId) continue;
          s.stream.send('chat', html, last.id);
          s.lastMessageId = last.id;
        }
        const read = readUpTo.get(viewer.id);
        if (!read || read.id < last.id) readUpTo.set(viewer.id, { viewer, id: last.id });
      }),
    );
    // The page shows them: read, as a poll marked them (the chat list's unread counts).
    await Promise.all([...readUpTo.values()].map(({ viewer, id }) => markRead(this.db, viewer, conversationId, id)));
  }

  /**
   * A deleted message leaves the pages that show it (issue 18 item 4): those following its conversation that have
   * read up to it, whose viewer still sees the conversation (R-X1). They are told its id only; the newest message
   * they have does not change.
   */
  async deleted(conversationId: number, messageId: number, subs: Subscriber[]): Promise<void> {
    await this.sendChanges(conversationId, new Map([[messageId, 'deleted']]), await this.alive(subs));
  }

  /**
   * An edited message shows itself anew on the pages that show it (issue 18 item 4): those following its conversation
   * that have read up to it, each as its viewer may see it now (R-X1) and with what the viewer may do to it. The
   * newest message they have does not change.
   */
  async edited(conversationId: number, messageId: number, subs: Subscriber[]): Promise<void> {
    await this.sendChanges(conversationId, new Map([[messageId, 'edited']]), await this.alive(subs));
  }

  /**
   * Edits and deletions since `since` (logged in chat_changes) to the pages among `subs` that show them: pages that
   * missed their events (a stream reconnecting, the LISTEN connection lost). A message's last change counts, a
   * deletion above all; each is sent as its live event would have been, so a page that had it already is unchanged.
   * Of the edited messages only the EDITS_REREAD_MAX last edited are re-read: older ones stay as the
   * page shows them until it is reloaded.
   */
  async replay(conversationId: number, since: Date, subs: Subscriber[]): Promise<void> {
    const changes = await chatChangesSince(this.db, conversationId, since);
    if (changes.length === 0) return;
    const last = lastChangeOf(changes);
    const edited = [...last].filter(([, kind]) => kind === 'edited');
    for (const [messageId] of edited.slice(0, Math.max(0, edited.length - EDITS_REREAD_MAX))) last.delete(messageId);
    await this.sendChanges(conversationId, last, await this.alive(subs));
  }

  /**
   * Edits and deletions (`changes`, by message id, in order) to the streams whose page shows each message. Per person,
   * the conversation is read once through its scope (R-X1), and the edited messages, together, as that person may see them.
   */
  private async sendChanges(conversationId: number, changes: Map<number, ChatChange['kind']>, alive: [Subscriber, SignedInViewer][]): Promise<void> {
    const following = alive.filter(([s]) => s.conversationId === conversationId);
    await Promise.all(
      groupBy(following, ([, v]) => `${v.id}|${v.adminMode}`).map(async (group) => {
        const viewer = group[0]?.[1];
        const showing = (messageId: number) => group.filter(([s]) => s.lastMessageId >= messageId);
        const shown = [...changes].filter(([messageId]) => showing(messageId).length > 0);
        if (!viewer || shown.length === 0) return;
        const found = await findVisibleConversation(viewer, { id: conversationId });
        if (!found) return;
        const base = chatBase(found.ctx, viewer.id);
        const editedIds = shown.filter(([, kind]) => kind === 'edited').map(([messageId]) => messageId);
        const edited = new Map((await findMessagesById(viewer, { id: conversationId, kind: null }, editedIds)).map((m) => [m.id, m]));
        for (const [messageId, kind] of shown) {
          const message = edited.get(messageId);
          const html = kind === 'deleted' ? messageGone(messageId) : message ? await this.editedHtml(viewer, found.ctx, base, message) : null;
          if (html) for (const [s] of showing(messageId)) s.stream.send('chat', html);
        }
      }),
    );
  }

  /** An edited message as the viewer may see it now, to take the place of the one its page shows. */
  private editedHtml(viewer: SignedInViewer, ctx: ConversationContext, base: string, message: MessageRow): Promise<string> {
    return this.render('partials/chat/messages', { ...templateData(viewer), messages: withMessageActions(viewer, ctx, base, [message]), postUrl: base, replacing: true });
  }

  /** The header's unread notification count (R-F5), as the page's header shows it. */
  async unread(subs: Subscriber[]): Promise<void> {
    const alive = await this.alive(subs);
    await Promise.all(
      groupBy(alive, ([, v]) => `${v.id}|${v.adminMode}`).map(async (group) => {
        const [first] = group;
        if (!first) return;
        const viewer = first[1];
        const count = await countUnreadNotifications(viewer);
        const html = await this.render('partials/feed/unread-badge', { ...templateData(viewer), unreadNotifications: count, unreadNotificationsCap: UNREAD_CAP });
        for (const [s] of group) s.stream.send('notifications', html);
      }),
    );
  }
}
