import type { Knex } from 'knex';
import { queueMail } from './mail-notifications/preferences.js';
import { t } from '../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import type { FormResult } from '../lib/forms.js';
import { publishChat, publishChatDeletion, publishChatEdit } from '../live/channel.js';
import { recordChatChange } from './chat-changes.js';
import { ChatMessage, ChatRead, Conversation } from '../models/chat.js';
import { can } from '../policy/abilities.js';
import { directContext, findVisibleConversation } from '../policy/chat-scopes.js';
import { usersVisibleTo } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';
import { recordModeration } from './audit.js';
import { newlyMentioned, resolveMentions } from './mentions.js';
import { notify, withdrawNotifications } from './notifications.js';
import { recordSubmission, type Submission } from './submissions.js';
import type { Mention } from '../models/post.js';

/** Issue 18: the people a group chat message names are told (kind "mention", detail "chat"). */
async function notifyChatMentions(trx: Knex.Transaction, actorId: number, groupId: number, chatMessageId: number, userIds: number[] | Mention[]): Promise<void> {
  const ids = userIds.map((u) => (typeof u === 'number' ? u : u.id));
  await notify(trx, ids.map((userId) => ({ userId, kind: 'mention' as const, actorId, groupId, chatMessageId, detail: 'chat' })));
}

export const MESSAGE_MAX = 4000;

/** R-F4: plain text, 1 to 4000 characters; no NUL (PostgreSQL text cannot hold it). */
export function parseMessage(raw: unknown): FormResult<string> {
  const text = typeof raw === 'string' ? raw.replace(/\r\n/g, '\n').trim() : '';
  if (text === '') return { ok: false, errors: [{ field: 'message', message: t('chat.message.required') }] };
  if (text.length > MESSAGE_MAX) return { ok: false, errors: [{ field: 'message', message: t('chat.message.tooLong', { max: MESSAGE_MAX }) }] };
  if (text.includes('\u0000')) return { ok: false, errors: [{ field: 'message', message: t('chat.message.invalid') }] };
  return { ok: true, value: text };
}

async function append(trx: Knex.Transaction, conversationId: number, authorId: number, named: { text: string; mentions: Mention[] }, once: Submission<ChatMessage> | null, pair: [number, number] | null): Promise<ChatMessage> {
  const message = await ChatMessage.query(trx).insertAndFetch({ conversationId, authorId, body: named.text, mentions: named.mentions });
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
    const named = await resolveMentions(trx, viewer, { groupId }, parsed.value, 'message');
    if (!named.ok) return named;
    const message = await append(trx, found.conversation.id, viewer.id, named.value, once, null);
    await notifyChatMentions(trx, viewer.id, groupId, message.id, named.value.mentions);
    return { ok: true, value: message };
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
    // The other person reads every message (and its unread count), so a mention here tells nobody more.
    const named = await resolveMentions(trx, viewer, { userIds: [viewer.id, other.id] }, parsed.value, 'message');
    if (!named.ok) return named;
    const message = await append(trx, conversation.id, viewer.id, named.value, once, [low, high]);
    // Issue 18: no in-app notification for direct messages, but mail as the other person chose
    // (built later only if it may still read the conversation then).
    await queueMail(trx, [{ userId: other.id, kind: 'direct_message', chatMessageId: message.id }]);
    return { ok: true, value: message };
  });
}

/**
 * A message of a conversation the viewer may see, locked for this transaction (404 for one of another
 * conversation, or one the viewer may not see), that it may change in the given way (403).
 */
async function messageFor(trx: Knex.Transaction, viewer: Viewer, where: { groupId: number } | { withUserId: number }, messageId: number, ability: 'chat:edit' | 'chat:delete') {
  const found = await findVisibleConversation(viewer, where, trx);
  if (!found) throw new NotFoundError();
  const message = await ChatMessage.query(trx).findOne({ id: messageId, conversationId: found.conversation.id }).forNoKeyUpdate();
  if (!message) throw new NotFoundError();
  if (!can(viewer, ability, { ctx: found.ctx, authorId: message.authorId })) throw new ForbiddenError(found.ctx.archived ? t('chat.archived') : '');
  return { found, message };
}

/**
 * Issue 18: the author changes one of its messages while it may still post there (a live group,
 * still a member; the other person still reachable). People named for the first time in a group
 * chat are told. A message of another conversation, or one the viewer may not see, is a 404.
 */
export async function editMessage(db: Knex, viewer: Viewer, where: { groupId: number } | { withUserId: number }, messageId: number, raw: unknown): Promise<FormResult<ChatMessage>> {
  if (!viewer.signedIn) throw new NotFoundError();
  return db.transaction(async (trx) => {
    const { message } = await messageFor(trx, viewer, where, messageId, 'chat:edit');
    const parsed = parseMessage(raw);
    if (!parsed.ok) return parsed;
    const readers = 'groupId' in where ? { groupId: where.groupId } : { userIds: [viewer.id, where.withUserId] };
    const named = await resolveMentions(trx, viewer, readers, parsed.value, 'message');
    if (!named.ok) return named;
    if (named.value.text === message.body) return { ok: true, value: message };
    const edited = await ChatMessage.query(trx).patchAndFetchById(message.id, { body: named.value.text, mentions: named.value.mentions, editedAt: new Date() });
    await recordChatChange(trx, message.conversationId, message.id, 'edited');
    await publishChatEdit(trx, message.conversationId, message.id);
    if ('groupId' in where) await notifyChatMentions(trx, viewer.id, where.groupId, message.id, newlyMentioned(named.value.mentions, message.mentions ?? []));
    return { ok: true, value: edited };
  });
}

/**
 * Issue 17 item 7: the author deletes one of its messages while it still sees the chat; a group's
 * owner and moderators and admin mode delete any message of the group's chat (moderation, recorded
 * in the audit log). Direct messages stay their author's. The mentions it made and its queued mail
 * go with it, and the chat list orders by the message now last.
 */
export async function deleteMessage(db: Knex, viewer: Viewer, where: { groupId: number } | { withUserId: number }, messageId: number): Promise<void> {
  if (!viewer.signedIn) throw new NotFoundError();
  await db.transaction(async (trx) => {
    const { found, message } = await messageFor(trx, viewer, where, messageId, 'chat:delete');
    await withdrawNotifications(trx, { chatMessageId: message.id });
    await ChatMessage.query(trx).deleteById(message.id);
    await recordChatChange(trx, found.conversation.id, message.id, 'deleted');
    await publishChatDeletion(trx, found.conversation.id, message.id);
    await Conversation.query(trx)
      .findById(found.conversation.id)
      .where('lastMessageId', message.id)
      .patch({ lastMessageId: ChatMessage.query(trx).where('conversationId', found.conversation.id).max('id') });
    if (message.authorId !== viewer.id && found.group) await recordModeration(trx, viewer.id, 'chat.delete', { type: 'group', id: found.group.id, label: found.group.name }, message.authorId);
  });
}
