import { raw } from 'objection';
import { QueryTemplate, type TemplateValue } from '../db/query-template.js';
import { decodeCursor, toPage, type Page } from '../lib/keyset.js';
import { linkify } from '../lib/linkify.js';
import { ChatMessage, type ConversationKind } from '../models/chat.js';
import type { Mention } from '../models/post.js';
import { chatMessagesVisibleTo, conversationsVisibleTo, recentConversationIds, UNREAD_CAP, unreadCountOf } from '../policy/chat-scopes.js';
import { usersVisibleTo } from '../policy/scopes.js';
import { scopeShapeKey, scopeStandIn, type SignedInViewer, type Viewer } from '../policy/viewer.js';
import { viewerQuery } from '../policy/viewer-query.js';

export const MESSAGES_SHOWN = 50;
export const NEW_MESSAGES_MAX = 200;
export const CONVERSATIONS_PAGE_SIZE = 50;

export interface MessageRow {
  id: number;
  createdAt: Date;
  authorId: number;
  /** Null when the author is no longer someone the viewer may see (R-X1). */
  authorName: string | null;
  authorIsExtranet: boolean;
  /** Written by the viewer (shown on the other side). */
  mine: boolean;
  /** The text, escaped, with its http(s) links and mentions made clickable (R-F4, issue 18). */
  html: string;
  body: string;
  editedAt: Date | null;
}

type Raw = Omit<MessageRow, 'html' | 'mine'> & { mentions: Mention[] | null };

/** The messages of one conversation the viewer sees (its kind, when known, narrows the test to that kind's rule). */
function messagesIn(viewer: Viewer, conversationId: number, kind: ConversationKind | null) {
  return kind ? chatMessagesVisibleTo(viewer, { id: conversationId, kind }) : chatMessagesVisibleTo(viewer).where('chatMessages.conversationId', conversationId);
}

function messagesOf(viewer: Viewer, conversationId: number, kind: ConversationKind | null) {
  const authors = usersVisibleTo(viewer).select('users.id', 'users.name', 'users.isExtranet').as('au');
  return messagesIn(viewer, conversationId, kind)
    .leftJoin(authors, 'au.id', 'chatMessages.authorId')
    .select('chatMessages.id', 'chatMessages.body', 'chatMessages.mentions', 'chatMessages.editedAt', 'chatMessages.createdAt', 'chatMessages.authorId', 'au.name as authorName', 'au.isExtranet as authorIsExtranet');
}

const shape = (viewer: Viewer, rows: Raw[]): MessageRow[] =>
  rows.map((r) => ({ id: Number(r.id), createdAt: r.createdAt, authorId: r.authorId, authorName: r.authorName ?? null, authorIsExtranet: r.authorIsExtranet === true, mine: viewer.signedIn && r.authorId === viewer.id, html: linkify(r.body, r.mentions ?? []), body: r.body, editedAt: r.editedAt ?? null }));

/** The latest messages, those before or after a message, that message alone, or the messages of a list of ids. */
type MessageWindow = 'latest' | 'before' | 'after' | 'only' | 'ids';

/**
 * Messages of one conversation, built once per kind of viewer and window (db/query-template.ts) with the
 * viewer's id, the conversation's and the message id the window starts from as values: read on every chat
 * page and for every live delivery, where building the query and mapping its rows cost more than PostgreSQL.
 */
const messageWindow = new QueryTemplate((s: { viewer: SignedInViewer; window: MessageWindow; kind: ConversationKind | null }, [me, conversationId, from]) => {
  const viewer = scopeStandIn(s.viewer, me ?? 0);
  // The window's ids first, from the (conversation_id, id) index in its order, then those rows by their key (an array):
  // planned once for any conversation, the window read every message of a long one (470 for an external user at
  // scale 1) and sorted them.
  const ids = messagesIn(viewer, conversationId ?? 0, s.kind).select('chatMessages.id');
  if (s.window === 'after') ids.where('chatMessages.id', '>', from ?? 0).orderBy('chatMessages.id').limit(NEW_MESSAGES_MAX);
  else if (s.window === 'only') ids.where('chatMessages.id', from ?? 0);
  else if (s.window === 'ids') ids.whereRaw('chat_messages.id = any(?::int[])', [from ?? 0]);
  else {
    if (s.window === 'before') ids.where('chatMessages.id', '<', from ?? 0);
    ids.orderBy('chatMessages.id', 'desc').limit(MESSAGES_SHOWN + 1);
  }
  return messagesOf(viewer, conversationId ?? 0, s.kind)
    .whereRaw('chat_messages.id = any(array(?))', [ids])
    .orderBy('chatMessages.id', s.window === 'after' || s.window === 'ids' ? 'asc' : 'desc')
    .toKnexQuery();
});

/** One conversation (its kind, when the caller knows it, narrows the visibility test to that kind's rule). */
export interface ConversationRef {
  id: number;
  kind: ConversationKind | null;
}

function readWindow(viewer: SignedInViewer, window: MessageWindow, conversation: ConversationRef, from: TemplateValue): Promise<Raw[]> {
  return messageWindow.rows<Raw>(ChatMessage.knex(), `${scopeShapeKey(viewer)}|${window}|${conversation.kind}`, { viewer, window, kind: conversation.kind }, [viewer.id, conversation.id, from]);
}

/** The latest messages (or those before `before`), oldest first; one query. */
export async function findMessages(viewer: Viewer, conversation: ConversationRef, before?: number): Promise<{ items: MessageRow[]; earlier: number | null }> {
  if (!viewer.signedIn) return { items: [], earlier: null };
  const rows = await readWindow(viewer, before === undefined ? 'latest' : 'before', conversation, before ?? 0);
  const items = shape(viewer, rows.slice(0, MESSAGES_SHOWN)).reverse();
  return { items, earlier: rows.length > MESSAGES_SHOWN && items[0] ? items[0].id : null };
}

/** One message of the conversation, as a page shows it (undefined when it is gone or not the viewer's to see). */
export async function findMessage(viewer: Viewer, conversation: ConversationRef, id: number): Promise<MessageRow | undefined> {
  if (!viewer.signedIn) return undefined;
  return shape(viewer, await readWindow(viewer, 'only', conversation, id))[0];
}

/** Those of the messages `ids` of the conversation the viewer may see now, oldest first, as a page shows them; one query. */
export async function findMessagesById(viewer: Viewer, conversation: ConversationRef, ids: readonly number[]): Promise<MessageRow[]> {
  if (!viewer.signedIn || ids.length === 0) return [];
  return shape(viewer, await readWindow(viewer, 'ids', conversation, `{${ids.map((id) => Math.trunc(id)).join(',')}}`));
}

/** Messages after `after` (the newest the page shows), oldest first: what a poll brings. */
export async function findNewMessages(viewer: Viewer, conversation: ConversationRef, after: number): Promise<MessageRow[]> {
  if (!viewer.signedIn) return [];
  return shape(viewer, await readWindow(viewer, 'after', conversation, after));
}

export interface ConversationRow {
  id: number;
  kind: 'group' | 'direct';
  groupId: number | null;
  groupName: string | null;
  groupIsExtranet: boolean;
  otherId: number | null;
  otherName: string | null;
  otherIsExtranet: boolean;
  unread: number;
  /** Shown as "99+" when the cap is reached. */
  unreadLabel: string;
  lastMessageId: number;
}

/**
 * R-F4, R-X6: a page of the viewer's chats (its groups' and its direct conversations), most recent first, each with
 * its unread count, after the keyset `before` (its values, when given). Built once per kind of viewer and cursor.
 */
const conversationPage = viewerQuery<ConversationRow>((viewer, before) => {
  const cursor = before.length === 2 ? ([before[0] ?? 0, before[1] ?? 0] as const) : null;
  const others = usersVisibleTo(viewer).select('users.id', 'users.name', 'users.isExtranet').as('ou');
  const q = conversationsVisibleTo(viewer)
    .leftJoin('groups as cg', 'cg.id', 'conversations.groupId')
    .leftJoin(others, 'ou.id', raw('(case when conversations.user_low_id = ? then conversations.user_high_id else conversations.user_low_id end)', [viewer.id]))
    // The viewer's own conversations only (admin mode sees every group's chat; the list is still its own).
    .whereRaw('conversations.id = any(array?)', [recentConversationIds(viewer, cursor, CONVERSATIONS_PAGE_SIZE + 1)])
    .select(
      'conversations.id',
      'conversations.kind',
      'conversations.groupId',
      'cg.name as groupName',
      'cg.isExtranet as groupIsExtranet',
      'ou.id as otherId',
      'ou.name as otherName',
      'ou.isExtranet as otherIsExtranet',
      raw('coalesce(conversations.last_message_id, 0) as "lastMessageId"'),
      unreadCountOf(viewer.id, 'conversations.id').as('unread'),
    );
  if (cursor) q.whereRaw('(coalesce(conversations.last_message_id, 0), conversations.id) < (?, ?)', cursor);
  return q.orderByRaw('coalesce(conversations.last_message_id, 0) desc, conversations.id desc').limit(CONVERSATIONS_PAGE_SIZE + 1).toKnexQuery();
});

/** R-F4, R-X6: the viewer's chats, keyset-paged on (last message, id); one query a page. */
export async function findConversations(viewer: Viewer, after: unknown): Promise<Page<ConversationRow>> {
  if (!viewer.signedIn) return { items: [], nextCursor: null };
  const cursor = decodeCursor(after, ['number', 'number']);
  const rows = await conversationPage(ChatMessage.knex(), viewer, cursor ? [Number(cursor[0]), Number(cursor[1])] : []);
  const page = toPage(rows, CONVERSATIONS_PAGE_SIZE, (r) => [Number(r.lastMessageId), r.id]);
  return {
    nextCursor: page.nextCursor,
    items: page.items.map((r) => {
      const unread = Number(r.unread);
      return { ...r, lastMessageId: Number(r.lastMessageId), groupIsExtranet: r.groupIsExtranet === true, otherIsExtranet: r.otherIsExtranet === true, unread, unreadLabel: unread >= UNREAD_CAP ? `${UNREAD_CAP - 1}+` : String(unread) };
    }),
  };
}
