import type { Knex } from 'knex';
import { queueMail } from './mail-notifications/preferences.js';
import { t } from '../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import type { FormResult } from '../lib/forms.js';
import { publishChat } from '../live/channel.js';
import { ChatMessage, ChatRead, Conversation } from '../models/chat.js';
import { can } from '../policy/abilities.js';
import { directContext, findVisibleConversation } from '../policy/chat-scopes.js';
import { usersVisibleTo } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';
import { recordSubmission, type Submission } from './submissions.js';

export const MESSAGE_MAX = 4000;

/** R-F4: plain text, 1 to 4000 characters; no NUL (PostgreSQL text cannot hold it). */
export function parseMessage(raw: unknown): FormResult<string> {
  const text = typeof raw === 'string' ? raw.replace(/\r\n/g, '\n').trim() : '';
  if (text === '') return { ok: false, errors: [{ field: 'message', message: t('chat.message.required') }] };
  if (text.length > MESSAGE_MAX) return { ok: false, errors: [{ field: 'message', message: t('chat.message.tooLong', { max: MESSAGE_MAX }) }] };
  if (text.includes('\u0000')) return { ok: false, errors: [{ field: 'message', message: t('chat.message.invalid') }] };
  return { ok: true, value: text };
}

async function append(trx: Knex.Transaction, conversationId: number, authorId: number, body: string, once: Submission<ChatMessage> | null, pair: [number, number] | null): Promise<ChatMessage> {
  const message = await ChatMessage.query(trx).insertAndFetch({ conversationId, authorId, body });
  await Conversation.query(trx).findById(conversationId).patch({ lastMessageId: message.id });
  await markReadIn(trx, conversationId, authorId, message.id);
  await recordSubmission(trx, once, message);
  // Issue 16: open pages hear of it on commit (ids only; they re-read it through their scope).
  await publishChat(trx, conversationId, message.id, pair);
  return message;
}

async function markReadIn(db: Knex | Knex.Transaction, conversationId: number, userId: number, lastId: number): Promise<void> {
  await ChatRead.query(db)
    .insert({ conversationId, userId, lastReadId: lastId })
    .onConflict(['conversationId', 'userId'])
    .merge({ lastReadId: ChatRead.raw('greatest(chat_reads.last_read_id, excluded.last_read_id)') });
}

/** Unread counts: the viewer has seen a conversation up to `lastId` (only conversations it may see). */
export async function markRead(db: Knex, viewer: Viewer, conversationId: number, lastId: number): Promise<void> {
  if (!viewer.signedIn || lastId <= 0) return;
  await markReadIn(db, conversationId, viewer.id, lastId);
}

/** R-F4, R-G3, R-G7: a message to a group's chat, from an active member, while the tool is on and the group not archived. */
export async function postToGroup(db: Knex, viewer: Viewer, groupId: number, raw: unknown, once: Submission<ChatMessage> | null = null): Promise<FormResult<ChatMessage>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  return db.transaction(async (trx) => {
    const found = await findVisibleConversation(viewer, { groupId }, trx);
    if (!found) throw new NotFoundError();
    if (!can(viewer, 'chat:post', found.ctx)) throw new ForbiddenError(found.ctx.archived ? t('chat.archived') : t('chat.cannotPost'));
    const parsed = parseMessage(raw);
    if (!parsed.ok) return parsed;
    return { ok: true, value: await append(trx, found.conversation.id, viewer.id, parsed.value, once, null) };
  });
}

/**
 * R-F4, R-X4: a direct message to someone the viewer may contact (usersVisibleTo: employees with
 * employees, anyone with an external user only through a shared group); anyone else is a 404.
 * The conversation is made with its first message.
 */
export async function postDirect(db: Knex, viewer: Viewer, otherId: number, raw: unknown, once: Submission<ChatMessage> | null = null): Promise<FormResult<ChatMessage>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  const other = await usersVisibleTo(viewer).findById(otherId).select('users.id', 'users.deactivatedAt');
  if (!other) throw new NotFoundError();
  if (!can(viewer, 'chat:post', directContext(viewer.id, other))) throw new ForbiddenError(t('chat.cannotPost'));
  const parsed = parseMessage(raw);
  if (!parsed.ok) return parsed;
  const [low, high] = viewer.id < other.id ? [viewer.id, other.id] : [other.id, viewer.id];
  return db.transaction(async (trx) => {
    await Conversation.query(trx).insert({ kind: 'direct', userLowId: low, userHighId: high }).onConflict(Conversation.raw("(user_low_id, user_high_id) where kind = 'direct'")).ignore();
    const conversation = await Conversation.query(trx).where({ kind: 'direct', userLowId: low, userHighId: high }).forUpdate().first();
    if (!conversation) throw new NotFoundError();
    const message = await append(trx, conversation.id, viewer.id, parsed.value, once, [low, high]);
    // Issue 18: no in-app notification for direct messages, but mail as the other person chose
    // (built later only if it may still read the conversation then).
    await queueMail(trx, [{ userId: other.id, kind: 'direct_message', chatMessageId: message.id }]);
    return { ok: true, value: message };
  });
}
