import type { MessageRow } from '../../finders/chat.js';
import { can } from '../../policy/abilities.js';
import type { ConversationContext } from '../../policy/chat-scopes.js';
import type { Viewer } from '../../policy/viewer.js';
import { messageQuestion } from '../questions.js';

/** A chat page's address, where its messages are edited and deleted: a group's chat, or the direct one with the other person. */
export function chatBase(ctx: ConversationContext, viewerId: number): string {
  if (ctx.groupId !== null) return `/groups/${ctx.groupId}/chat`;
  return `/chat/with/${ctx.participantIds.find((id) => id !== viewerId) ?? 0}`;
}

/**
 * Each message with whether the viewer may edit it (issue 18) and what deleting it asks, where it may (issue 17 item 7),
 * for the page, its poll and its event stream alike.
 */
export function withMessageActions(viewer: Viewer, ctx: ConversationContext, base: string, items: MessageRow[]) {
  return items.map((m) => ({
    ...m,
    mayEdit: can(viewer, 'chat:edit', { ctx, authorId: m.authorId }),
    deleteQuestion: can(viewer, 'chat:delete', { ctx, authorId: m.authorId }) ? messageQuestion(base, m) : null,
  }));
}

/** What tells a page that shows a message to drop it (htmx out-of-band): the id alone, for the stream and the poll alike. */
export function messageGone(messageId: number): string {
  return `<li id="message-${messageId}" data-hx-swap-oob="delete"></li>`;
}
