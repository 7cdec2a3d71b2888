import type { Knex } from 'knex';

/** The one PostgreSQL channel live updates travel on (issue 16, "Idle cost"). */
export const LIVE_CHANNEL = 'atrium_live';

/** PostgreSQL refuses payloads of 8000 bytes or more: user ids go out in chunks far below that. */
const IDS_PER_PAYLOAD = 500;

/**
 * What a NOTIFY says. Ids only, never content (R-X1): every open stream re-reads what it may see
 * through its viewer's scope.
 * - `chat`: a message was written to a conversation (a direct one names its two people, so a page
 *   opened before the conversation existed can find it);
 * - `chat-deleted`: a message of a conversation was deleted: pages that show it drop it;
 * - `chat-edited`: a message of a conversation was edited: pages that show it show it anew;
 * - `users`: something about these people changed (notifications, read marks, sessions): their
 *   streams check their sessions again and re-read the unread count.
 */
export type LiveEvent =
  | { kind: 'chat'; conversationId: number; messageId: number; pair: string | null }
  | { kind: 'chat-deleted'; conversationId: number; messageId: number }
  | { kind: 'chat-edited'; conversationId: number; messageId: number }
  | { kind: 'users'; userIds: number[] };

type Db = Knex | Knex.Transaction;

async function send(db: Db, payload: string): Promise<void> {
  await db.raw('select pg_notify(?, ?)', [LIVE_CHANNEL, payload]);
}

/** The key of a direct conversation between two people, whichever asks. */
export function pairKey(a: number, b: number): string {
  return a < b ? `${a}:${b}` : `${b}:${a}`;
}

/** Called inside the writing transaction: PostgreSQL delivers it on commit, and never on rollback. */
export async function publishChat(db: Db, conversationId: number, messageId: number, pair: [number, number] | null): Promise<void> {
  await send(db, pair ? `c:${conversationId}:${messageId}:${pairKey(pair[0], pair[1])}` : `c:${conversationId}:${messageId}`);
}

export async function publishChatDeletion(db: Db, conversationId: number, messageId: number): Promise<void> {
  await send(db, `d:${conversationId}:${messageId}`);
}

export async function publishChatEdit(db: Db, conversationId: number, messageId: number): Promise<void> {
  await send(db, `e:${conversationId}:${messageId}`);
}

export async function publishUsers(db: Db, userIds: Iterable<number>): Promise<void> {
  const ids = [...new Set(userIds)];
  for (let i = 0; i < ids.length; i += IDS_PER_PAYLOAD) await send(db, `u:${ids.slice(i, i + IDS_PER_PAYLOAD).join(',')}`);
}

/** A payload read back; anything else on the channel is ignored. */
export function parseLiveEvent(payload: string): LiveEvent | null {
  const chat = /^c:(\d{1,15}):(\d{1,15})(?::(\d{1,15}:\d{1,15}))?$/.exec(payload);
  if (chat) return { kind: 'chat', conversationId: Number(chat[1]), messageId: Number(chat[2]), pair: chat[3] ?? null };
  const changed = /^([de]):(\d{1,15}):(\d{1,15})$/.exec(payload);
  if (changed) return { kind: changed[1] === 'd' ? 'chat-deleted' : 'chat-edited', conversationId: Number(changed[2]), messageId: Number(changed[3]) };
  const users = /^u:(\d{1,15}(?:,\d{1,15})*)$/.exec(payload);
  if (users?.[1]) return { kind: 'users', userIds: users[1].split(',').map(Number) };
  return null;
}
