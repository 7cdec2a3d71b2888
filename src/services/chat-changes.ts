import type { Knex } from 'knex';

/*
 * Issue 18 item 4: edits and deletions of chat messages, logged for the live pages that miss their events
 * (migrations/0020_chat_changes.ts, live/delivery.ts replay()).
 */

/** How long edits and deletions of chat messages are kept for pages that missed them. */
const KEEP_MS = 24 * 60 * 60 * 1000;
/** At most this many are replayed to a page at once (the newest): a page older than that is reloaded by its reader. */
const REPLAY_MAX = 200;
/** Changes are read from this much before a page was made or its connection lost: clocks, a NOTIFY in flight. */
export const CHANGE_MARGIN_MS = 10_000;

export interface ChatChange {
  conversationId: number;
  messageId: number;
  kind: 'edited' | 'deleted';
  createdAt: Date;
}

/** Called inside the transaction that edits or deletes the message (services/chat.ts), beside its NOTIFY. */
export async function recordChatChange(db: Knex | Knex.Transaction, conversationId: number, messageId: number, kind: ChatChange['kind']): Promise<void> {
  await db('chat_changes').insert({ conversationId, messageId, kind });
}

/**
 * Edits and deletions of a conversation's messages since `since`, oldest first. Ids only, read for the live
 * deliveries, which re-read what each page may be sent through its viewer's scope (R-X1).
 */
export async function chatChangesSince(db: Knex, conversationId: number, since: Date): Promise<ChatChange[]> {
  const rows = (await db('chat_changes')
    .select('conversationId', 'messageId', 'kind', 'createdAt')
    .where('conversationId', conversationId)
    .where('createdAt', '>=', since)
    .orderBy('id', 'desc')
    .limit(REPLAY_MAX)) as ChatChange[];
  return rows.reverse();
}

/** Edited messages one replay or poll re-reads at most (together): a page that missed more is far behind, better reloaded. */
export const EDITS_REREAD_MAX = 20;

/** Each changed message's last change, a deletion above all, in the order of those changes (oldest first). */
export function lastChangeOf(changes: readonly ChatChange[]): Map<number, ChatChange['kind']> {
  const last = new Map<number, ChatChange['kind']>();
  for (const c of changes) {
    if (last.get(c.messageId) === 'deleted') continue;
    last.delete(c.messageId);
    last.set(c.messageId, c.kind);
  }
  return last;
}

/** Housekeeping: changes older than a day are of no page's use (services/maintenance.ts). */
export async function pruneChatChanges(db: Knex): Promise<number> {
  return db('chat_changes').where('createdAt', '<', new Date(Date.now() - KEEP_MS)).delete();
}
