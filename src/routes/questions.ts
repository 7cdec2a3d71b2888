import type { FastifyReply } from 'fastify';
import { t } from '../i18n/index.js';

/**
 * Issue 17 item 7: what a destructive action asks before it acts, said once and shown twice: as the
 * page `page` (pages/confirm.eta; works without JavaScript) and, where htmx runs, in the browser's
 * dialog on the link itself (components/confirm-link.eta), which then posts to `action` directly.
 */
export interface Question {
  /** The page that asks (GET); the link's address. */
  page: string;
  /** Where the answer is posted. */
  action: string;
  heading: string;
  /** What will be lost. */
  warning: string;
  button: string;
  cancelHref: string;
  /** Fields the action needs besides the CSRF token. */
  hidden?: { name: string; value: string }[];
}

/** The page that asks. */
export function askFirst(reply: FastifyReply, q: Question): Promise<FastifyReply> {
  return reply.page('pages/confirm', { title: q.heading, ...q, hidden: q.hidden ?? [] });
}

const EXCERPT_MAX = 60;

/** A text's first words, on one line, cut at a word (with "…") when longer than EXCERPT_MAX characters. */
export function firstWords(text: string): string {
  const line = text.replace(/\s+/g, ' ').trim();
  if (line.length <= EXCERPT_MAX) return line;
  const cut = line.slice(0, EXCERPT_MAX + 1);
  const space = cut.lastIndexOf(' ');
  return `${(space > 0 ? cut.slice(0, space) : line.slice(0, EXCERPT_MAX)).replace(/[\s,.;:]+$/, '')}…`;
}

const byWhom = (name: string | null) => name ?? t('social.aFormerMember');

export function taskQuestion(task: { id: number; title: string }, comments: number): Question {
  const url = `/tasks/${task.id}/delete`;
  return { page: url, action: url, heading: t('tasks.delete.title', { title: task.title }), warning: t('tasks.delete.warning', { comments }), button: t('tasks.show.delete'), cancelHref: `/tasks/${task.id}` };
}

export function postQuestion(postId: number, comments: number): Question {
  const url = `/posts/${postId}/delete`;
  return { page: url, action: url, heading: t('feed.deleteConfirm.title'), warning: t('feed.deleteConfirm.warning', { comments }), button: t('feed.delete'), cancelHref: `/posts/${postId}` };
}

interface Reply {
  id: number;
  body: string;
  authorName: string | null;
}

/** A comment on a post; `back` is the page it was on (one of the post's), where the answer returns. */
export function commentQuestion(postId: number, comment: Reply & { likes: number }, back = ''): Question {
  const url = `/posts/${postId}/comments/${comment.id}/delete`;
  return {
    page: url,
    action: url,
    heading: t('social.deleteComment.title'),
    warning: t('social.deleteComment.warning', { excerpt: firstWords(comment.body), author: byWhom(comment.authorName), likes: comment.likes }),
    button: t('social.deleteComment.button'),
    cancelHref: `${back || `/posts/${postId}`}#post-comment-${comment.id}`,
    hidden: [{ name: 'back', value: back }],
  };
}

/** A comment on a task (task comments have no likes). */
export function taskCommentQuestion(taskId: number, comment: Reply): Question {
  const url = `/tasks/${taskId}/comments/${comment.id}/delete`;
  return {
    page: url,
    action: url,
    heading: t('social.deleteComment.title'),
    warning: t('social.deleteComment.warning', { excerpt: firstWords(comment.body), author: byWhom(comment.authorName), likes: 0 }),
    button: t('social.deleteComment.button'),
    cancelHref: `/tasks/${taskId}#task-comment-${comment.id}`,
  };
}

/** A chat message; `base` is its chat's address (a group's or a direct conversation's). */
export function messageQuestion(base: string, message: Reply): Question {
  const url = `${base}/messages/${message.id}/delete`;
  return {
    page: url,
    action: url,
    heading: t('social.deleteMessage.title'),
    warning: t('social.deleteMessage.warning', { excerpt: firstWords(message.body), author: byWhom(message.authorName) }),
    button: t('social.deleteMessage.button'),
    cancelHref: `${base}#message-${message.id}`,
  };
}

/** An event; `when` is its start as the viewer reads it. */
export function eventQuestion(event: { id: number; title: string }, when: string): Question {
  const url = `/events/${event.id}/delete`;
  return { page: url, action: url, heading: t('calendar.deleteConfirm.title', { title: event.title }), warning: t('calendar.deleteConfirm.warning', { when }), button: t('calendar.delete'), cancelHref: `/events/${event.id}` };
}

export function fileQuestion(file: { id: number; name: string }): Question {
  const url = `/files/${file.id}/delete`;
  return { page: url, action: url, heading: t('files.deleteConfirm.title', { name: file.name }), warning: t('files.deleteConfirm.warning'), button: t('files.delete.submit'), cancelHref: `/files/${file.id}` };
}

/** A folder with what is inside it, at any depth. */
export function folderQuestion(folder: { id: number; name: string }, inside: { files: number; folders: number }): Question {
  const url = `/folders/${folder.id}/delete`;
  return { page: url, action: url, heading: t('files.folder.deleteConfirm.title', { name: folder.name }), warning: t('files.folder.deleteConfirm.warning', inside), button: t('files.folder.delete'), cancelHref: `/folders/${folder.id}/edit` };
}

/** R-G4: handing a group over to one of its members. */
export function ownerQuestion(group: { id: number; name: string }, member: { id: number; name: string }): Question {
  const url = `/groups/${group.id}/members/${member.id}/owner`;
  const heading = t('members.owner.confirmTitle', { name: member.name, group: group.name });
  return { page: url, action: url, heading, warning: t('members.owner.confirmWarning', { name: member.name }), button: t('members.makeOwner', { name: member.name }), cancelHref: `/groups/${group.id}/members` };
}

/** R-G6: removing a member from a group. */
export function removeQuestion(group: { id: number; name: string }, member: { id: number; name: string }): Question {
  const url = `/groups/${group.id}/members/${member.id}/remove`;
  return {
    page: url,
    action: url,
    heading: t('members.remove.confirmTitle', { name: member.name, group: group.name }),
    warning: t('members.remove.confirmWarning', { name: member.name }),
    button: t('members.remove', { name: member.name }),
    cancelHref: `/groups/${group.id}/members`,
  };
}

/** R-U5: moving a person to the other side (intranet ⇄ extranet). */
export function transferQuestion(user: { id: number; name: string; isExtranet: boolean }): Question {
  const extranet = !user.isExtranet;
  return {
    page: `/admin/users/transfer?user=${user.id}`,
    action: `/admin/users/${user.id}/transfer`,
    heading: t(extranet ? 'admin.transfer.confirmExtranet' : 'admin.transfer.confirmIntranet', { name: user.name }),
    warning: t(extranet ? 'admin.transfer.warningExtranet' : 'admin.transfer.warningIntranet', { name: user.name }),
    button: t(extranet ? 'admin.transfer.toExtranet' : 'admin.transfer.toIntranet', { name: user.name }),
    cancelHref: '/admin/users',
    hidden: [{ name: 'to', value: extranet ? 'extranet' : 'intranet' }],
  };
}
