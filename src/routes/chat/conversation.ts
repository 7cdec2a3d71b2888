import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { ForbiddenError, HttpError, NotFoundError, parseId } from '../../lib/errors.js';
import { formValues, type FieldError } from '../../lib/forms.js';
import { can } from '../../policy/abilities.js';
import { findMessage, findMessages, findMessagesById, findNewMessages, type MessageRow } from '../../finders/chat.js';
import { directContext, findVisibleConversation, groupChatContext, type ConversationContext } from '../../policy/chat-scopes.js';
import { usersVisibleTo, type VisibleGroup } from '../../policy/scopes.js';
import { wantsFragment } from '../../plugins/views.js';
import type { ChatMessage } from '../../models/chat.js';
import { pairKey } from '../../live/channel.js';
import { deleteMessage, editMessage, markRead, MESSAGE_MAX, postDirect, postToGroup } from '../../services/chat.js';
import { CHANGE_MARGIN_MS, chatChangesSince, EDITS_REREAD_MAX, lastChangeOf } from '../../services/chat-changes.js';
import type { Viewer } from '../../policy/viewer.js';
import type { Submission } from '../../services/submissions.js';
import { askFirst } from '../questions.js';
import { messageGone, withMessageActions } from './message-actions.js';
import { submitOnce } from '../submit-once.js';
import { groupAbilities, loadGroupTool } from '../groups/load.js';

type Req = FastifyRequest<{ Params: { id: string; messageId?: string }; Body: Record<string, unknown>; Querystring: { after?: string; before?: string; since?: string } }>;
const signedIn = { config: { access: 'signed-in' as const } };

/** A message id from the query string: absent, or a positive integer; anything else is a 400. */
function messageId(raw: unknown): number | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (typeof raw !== 'string' || !/^\d{1,15}$/.test(raw)) throw new HttpError(400);
  return Number(raw);
}

/** A page's time from the query string (ms since 1970, as the page wrote it): absent, or a 400 like a malformed id. */
const pageTime = messageId;

/** Either side of a chat page: a group's chat, or a direct conversation with one person. */
type Where =
  | { kind: 'group'; found: VisibleGroup; ctx: ConversationContext; base: string }
  | { kind: 'direct'; other: { id: number; name: string; isExtranet: boolean; deactivated: boolean }; ctx: ConversationContext; base: string };

/** A chat page's poll: messages after `after`, and (when `since` is known) edits and deletions from then on. */
const pollUrlOf = (where: Where, after: number, since: number | undefined) => `${where.base}/messages?after=${after}${since === undefined ? '' : `&since=${since}`}`;

/** Each message with what the viewer may do to it. */
const withEdit = (viewer: Viewer, where: Where, items: MessageRow[]) => withMessageActions(viewer, where.ctx, where.base, items);

/** Who reads a chat, for the "@" suggestions (issue 18). */
const mentionsIn = (where: Where) => (where.kind === 'group' ? `group-${where.found.group.id}` : `with-${where.other.id}`);

export default async function conversationRoutes(app: FastifyInstance): Promise<void> {
  /** R-F4, R-G3: a group's chat: 404 when the tool is off or for strangers; readers of a visible group who are not members see its About page. */
  async function groupChat(request: Req, reply: FastifyReply | null): Promise<Where | null> {
    const found = await loadGroupTool(request, reply, 'chat');
    if (!found) return null;
    return { kind: 'group', found, ctx: groupChatContext(found), base: `/groups/${found.group.id}/chat` };
  }

  /** R-X4: a direct conversation only with someone the viewer may contact; anyone else (or oneself) is a 404. */
  async function directChat(request: Req): Promise<Where> {
    const viewer = request.viewer;
    const other = await usersVisibleTo(viewer).findById(parseId(request.params.id)).select('users.id', 'users.name', 'users.isExtranet', 'users.deactivatedAt');
    if (!other || !viewer.signedIn || other.id === viewer.id) throw new NotFoundError();
    return { kind: 'direct', other: { id: other.id, name: other.name, isExtranet: other.isExtranet, deactivated: other.deactivatedAt !== null }, ctx: directContext(viewer.id, other), base: `/chat/with/${other.id}` };
  }

  async function conversationOf(request: Req, where: Where): Promise<{ id: number; readUpTo: number } | null> {
    const found = await findVisibleConversation(request.viewer, where.kind === 'group' ? { groupId: where.found.group.id } : { withUserId: where.other.id });
    if (!found && where.kind === 'group') throw new NotFoundError();
    return found ? { id: found.conversation.id, readUpTo: found.viewerReadUpTo ?? 0 } : null;
  }

  async function conversationId(request: Req, where: Where): Promise<number | null> {
    return (await conversationOf(request, where))?.id ?? null;
  }

  /** Unread counts: read up to `lastId`, written only when it moves the mark (most views of a chat do not). */
  async function readUpTo(request: Req, conversation: { id: number; readUpTo: number }, lastId: number): Promise<void> {
    if (lastId > conversation.readUpTo) await markRead(app.db, request.viewer, conversation.id, lastId);
  }

  async function render(request: Req, reply: FastifyReply, where: Where, extra: { errors?: FieldError[]; values?: Record<string, string> } = {}, status = 200) {
    const viewer = request.viewer;
    const before = messageId(request.query.before);
    const conversation = await conversationOf(request, where);
    const id = conversation?.id ?? null;
    const messages = id === null ? { items: [], earlier: null } : await findMessages(viewer, { id, kind: where.kind }, before);
    const last = messages.items[messages.items.length - 1];
    if (conversation && last && before === undefined) await readUpTo(request, conversation, last.id);
    const data = {
      errors: extra.errors ?? [],
      values: extra.values ?? {},
      messages: withEdit(viewer, where, messages.items),
      earlierUrl: messages.earlier === null ? null : `${where.base}?before=${messages.earlier}`,
      // Only the latest messages keep up by themselves; an earlier page stays as it is. `since`: edits and deletions
      // from then on come with the poll (a little before the page: a change in flight when it was read).
      pollUrl: before === undefined ? pollUrlOf(where, last?.id ?? 0, Date.now() - CHANGE_MARGIN_MS) : null,
      // Issue 16: new messages pushed by the page's event stream (polling where EventSource is missing).
      // `since`: the page's time, so its stream replays the edits and deletions it may miss before it opens or while it reconnects.
      liveUrl: before === undefined ? `${where.base}/events?after=${last?.id ?? 0}&since=${Date.now()}` : undefined,
      postUrl: where.base,
      mayPost: can(viewer, 'chat:post', where.ctx),
      maxLength: MESSAGE_MAX,
      mentionsIn: mentionsIn(where),
    };
    if (where.kind === 'group') {
      const g = where.found;
      return reply.page('pages/chat/group', { ...data, title: t('chat.groupTitle', { name: g.group.name }), group: g.group, role: g.role, can: groupAbilities(viewer, g) }, status);
    }
    return reply.page('pages/chat/direct', { ...data, title: t('chat.directTitle', { name: where.other.name }), other: where.other }, status);
  }

  /**
   * Issue 18 item 4: edits and deletions since `since` of the messages a polling page shows (up to `after`), each
   * edited one as the viewer may see it now (R-X1); `until` is where the next poll starts. Null when none;
   * 'reload' when more messages were edited than a poll re-reads (a page that far behind is loaded anew).
   */
  async function changesShown(viewer: Viewer, where: Where, conversationId: number, after: number, since: number) {
    const changes = await chatChangesSince(app.db, conversationId, new Date(since));
    if (changes.length === 0) return null;
    // Not on the page yet (after `after`): those come as they are now, with the new messages.
    const shown = [...lastChangeOf(changes)].filter(([id]) => id <= after);
    const editedIds = shown.filter(([, kind]) => kind === 'edited').map(([id]) => id);
    if (editedIds.length > EDITS_REREAD_MAX) return 'reload' as const;
    const deleted = shown.filter(([, kind]) => kind === 'deleted').map(([id]) => id);
    const edited = await findMessagesById(viewer, { id: conversationId, kind: where.kind }, editedIds);
    // A change's time is the microsecond its transaction began: the next poll starts just after the newest.
    const until = Math.max(...changes.map((c) => c.createdAt.getTime())) + 1;
    return { edited: withEdit(viewer, where, edited), deleted, until };
  }

  /**
   * What a poll brings: the new messages, the edits and deletions since its `since` (issue 18 item 4: pages where
   * EventSource is missing), and the next poll; 204 when there is nothing.
   */
  async function poll(request: Req, reply: FastifyReply, where: Where) {
    const after = messageId(request.query.after) ?? 0;
    const since = pageTime(request.query.since);
    const conversation = await conversationOf(request, where);
    if (conversation === null) return reply.code(204).send();
    const ref = { id: conversation.id, kind: where.kind };
    const [items, changed] = await Promise.all([findNewMessages(request.viewer, ref, after), since === undefined ? null : changesShown(request.viewer, where, conversation.id, after, since)]);
    if (changed === 'reload') return reply.header('HX-Refresh', 'true').code(200).send('');
    const last = items[items.length - 1];
    if (!last && !changed?.edited.length && !changed?.deleted.length) return reply.code(204).send();
    if (last) await readUpTo(request, conversation, last.id);
    return reply.header('Vary', 'HX-Request').page('partials/chat/new-messages', {
      title: '',
      messages: withEdit(request.viewer, where, items),
      edited: changed?.edited ?? [],
      gone: (changed?.deleted ?? []).map(messageGone).join(''),
      postUrl: where.base,
      pollUrl: pollUrlOf(where, last?.id ?? after, changed?.until ?? since),
    });
  }

  /** Issue 16: the page's event stream: this conversation's new messages and the header's unread count. */
  async function events(request: Req, reply: FastifyReply, where: Where) {
    const after = messageId(request.query.after) ?? 0;
    const since = pageTime(request.query.since);
    const id = await conversationId(request, where);
    const pair = where.kind === 'direct' && request.viewer.signedIn ? pairKey(request.viewer.id, where.other.id) : null;
    return app.live.open(request, reply, { conversationId: id, pair, after, since: since === undefined ? null : new Date(since) });
  }

  async function post(request: Req, reply: FastifyReply, where: Where) {
    return submitOnce(request, reply, () => `${where.base}#chat-form`, (once) => send(request, reply, where, once));
  }

  async function send(request: Req, reply: FastifyReply, where: Where, once: Submission<ChatMessage> | null) {
    const result = where.kind === 'group' ? await postToGroup(app.db, request.viewer, where.found.group.id, request.body?.message, once) : await postDirect(app.db, request.viewer, where.other.id, request.body?.message, once);
    const fragment = wantsFragment(request);
    if (!result.ok) {
      const values = formValues(request.body);
      if (fragment) return reply.header('Vary', 'HX-Request').page('partials/chat/form', { title: '', errors: result.errors, values, postUrl: where.base, maxLength: MESSAGE_MAX, mentionsIn: mentionsIn(where) }, 422);
      return render(request, reply, where, { errors: result.errors, values }, 422);
    }
    // htmx: a fresh form, and the poll fetches the message at once; without JavaScript, back to the page.
    if (fragment) return reply.header('Vary', 'HX-Request').header('HX-Trigger', 'chat-sent').page('partials/chat/form', { title: '', postUrl: where.base, maxLength: MESSAGE_MAX, mentionsIn: mentionsIn(where), announce: t('chat.sent') });
    return reply.redirect(`${where.base}#chat-form`, 303);
  }

  app.get('/groups/:id/chat', signedIn, async (request: Req, reply) => {
    const where = await groupChat(request, reply);
    return where ? render(request, reply, where) : reply;
  });
  app.get('/groups/:id/chat/messages', signedIn, async (request: Req, reply) => poll(request, reply, (await groupChat(request, null)) as Where));
  app.get('/groups/:id/chat/events', signedIn, async (request: Req, reply) => events(request, reply, (await groupChat(request, null)) as Where));
  app.post('/groups/:id/chat', signedIn, async (request: Req, reply) => post(request, reply, (await groupChat(request, null)) as Where));

  /** The message named in the address, through the chat's scope; 404 for one of another conversation or none. */
  async function messageOn(request: Req, where: Where): Promise<MessageRow> {
    const id = await conversationId(request, where);
    const wanted = messageId(request.params.messageId);
    const message = id === null || wanted === undefined ? undefined : await findMessage(request.viewer, { id, kind: where.kind }, wanted);
    if (!message) throw new NotFoundError();
    return message;
  }

  /** Issue 18: the author edits a message on its own page; open chat pages show the edit by their event stream or their next poll. */
  async function editPage(request: Req, reply: FastifyReply, where: Where, form: { errors?: FieldError[]; values?: Record<string, string> } = {}, status = 200) {
    const message = await messageOn(request, where);
    if (!can(request.viewer, 'chat:edit', { ctx: where.ctx, authorId: message.authorId })) throw new ForbiddenError();
    const edit = { id: `message-${message.id}-form`, action: `${where.base}/messages/${message.id}/edit`, field: 'message', name: 'message', label: t('chat.message.label'), maxlength: MESSAGE_MAX, text: message.body, mentionsIn: mentionsIn(where), cancelHref: `${where.base}#message-${message.id}` };
    return reply.page('pages/feed/edit', { title: t('social.editMessage.title'), edit, back: '', values: form.values ?? {}, errors: form.errors ?? [] }, status);
  }

  async function saveEdit(request: Req, reply: FastifyReply, where: Where) {
    const id = messageId(request.params.messageId);
    if (id === undefined) throw new NotFoundError();
    const result = await editMessage(app.db, request.viewer, where.kind === 'group' ? { groupId: where.found.group.id } : { withUserId: where.other.id }, id, request.body?.message);
    if (!result.ok) return editPage(request, reply, where, { errors: result.errors, values: formValues(request.body) }, 422);
    request.session.set('flash', { kind: 'success', message: t('social.saved') });
    return reply.redirect(`${where.base}#message-${id}`, 303);
  }

  app.get('/groups/:id/chat/messages/:messageId/edit', signedIn, async (request: Req, reply) => editPage(request, reply, (await groupChat(request, null)) as Where));
  app.post('/groups/:id/chat/messages/:messageId/edit', signedIn, async (request: Req, reply) => saveEdit(request, reply, (await groupChat(request, null)) as Where));
  app.get('/chat/with/:id/messages/:messageId/edit', signedIn, async (request: Req, reply) => editPage(request, reply, await directChat(request)));
  app.post('/chat/with/:id/messages/:messageId/edit', signedIn, async (request: Req, reply) => saveEdit(request, reply, await directChat(request)));

  /** Issue 17 item 7: deleting a message asks first (the page here; htmx's dialog on the chat page). */
  async function deletePage(request: Req, reply: FastifyReply, where: Where) {
    const [message] = withEdit(request.viewer, where, [await messageOn(request, where)]);
    if (!message?.deleteQuestion) throw new ForbiddenError();
    return askFirst(reply, message.deleteQuestion);
  }

  async function remove(request: Req, reply: FastifyReply, where: Where) {
    const id = messageId(request.params.messageId);
    if (id === undefined) throw new NotFoundError();
    await deleteMessage(app.db, request.viewer, where.kind === 'group' ? { groupId: where.found.group.id } : { withUserId: where.other.id }, id);
    return reply.done(t('social.messageDeleted'), `${where.base}#chat-form`);
  }

  app.get('/groups/:id/chat/messages/:messageId/delete', signedIn, async (request: Req, reply) => deletePage(request, reply, (await groupChat(request, null)) as Where));
  app.post('/groups/:id/chat/messages/:messageId/delete', signedIn, async (request: Req, reply) => remove(request, reply, (await groupChat(request, null)) as Where));
  app.get('/chat/with/:id/messages/:messageId/delete', signedIn, async (request: Req, reply) => deletePage(request, reply, await directChat(request)));
  app.post('/chat/with/:id/messages/:messageId/delete', signedIn, async (request: Req, reply) => remove(request, reply, await directChat(request)));

  app.get('/chat/with/:id', signedIn, async (request: Req, reply) => render(request, reply, await directChat(request)));
  app.get('/chat/with/:id/messages', signedIn, async (request: Req, reply) => poll(request, reply, await directChat(request)));
  app.get('/chat/with/:id/events', signedIn, async (request: Req, reply) => events(request, reply, await directChat(request)));
  app.post('/chat/with/:id', signedIn, async (request: Req, reply) => post(request, reply, await directChat(request)));
}
