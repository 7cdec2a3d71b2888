import type { Knex } from 'knex';
import { t } from '../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import type { FormResult } from '../lib/forms.js';
import { PollOption, PollVote, Post, PostComment } from '../models/post.js';
import { can, type Action } from '../policy/abilities.js';
import { findVisiblePost, type VisiblePost } from '../policy/feed-scopes.js';
import type { Viewer } from '../policy/viewer.js';
import { recordModeration } from './audit.js';
import { wroteRow } from './feed-events.js';
import { notify } from './notifications.js';
import { mentionReadersOf, resolveMentions } from './mentions.js';
import { parseComment } from './post-form.js';
import { recordSubmission, type Submission } from './submissions.js';

/** A post the viewer may see (404 otherwise, R-X1) on which it may do one thing (403 otherwise). */
export async function postForAction(viewer: Viewer, postId: number, ability: Action & `post:${string}`, trx?: Knex.Transaction): Promise<VisiblePost> {
  const found = await findVisiblePost(viewer, postId, trx);
  if (!found) throw new NotFoundError();
  if (ability === 'post:vote' && found.post.kind !== 'poll') throw new NotFoundError();
  if (!can(viewer, ability as 'post:comment', found.ctx)) throw new ForbiddenError(found.ctx.archived ? t('groups.archivedBanner') : '');
  return found;
}

/** The form field of one post's comment box (ids are unique on a page of many posts). */
export const commentField = (postId: number) => `comment-${postId}`;
export const pollField = (postId: number) => `poll-${postId}`;

/** A comment as its route needs it: the comment and where its post lives. */
export interface NewComment {
  comment: PostComment;
  post: { id: number; groupId: number | null };
}

/** R-F1: a comment; the post's author and the people it @-mentions are told (R-F5), in the same transaction. */
export async function addPostComment(db: Knex, viewer: Viewer, postId: number, raw: unknown, once: Submission<NewComment> | null = null): Promise<FormResult<NewComment>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  return db.transaction(async (trx) => {
    const { post } = await postForAction(viewer, postId, 'post:comment', trx);
    const text = parseComment(raw, commentField(post.id));
    if (!text.ok) return text;
    const named = await resolveMentions(trx, viewer, mentionReadersOf(post.groupId), text.value, commentField(post.id));
    if (!named.ok) return named;
    const { text: body, mentions } = named.value;
    const comment = await PostComment.query(trx).insertAndFetch({ postId: post.id, authorId: viewer.id, body, mentions });
    await notify(trx, [
      { userId: post.authorId, kind: 'comment', actorId: viewer.id, groupId: post.groupId, postId: post.id, commentId: comment.id },
      ...mentions.map((m) => ({ userId: m.id, kind: 'mention' as const, actorId: viewer.id, groupId: post.groupId, postId: post.id, commentId: comment.id })),
    ]);
    const created = { comment, post: { id: post.id, groupId: post.groupId } };
    await recordSubmission(trx, once, created);
    return { ok: true, value: created };
  });
}

/**
 * R-F1: one vote per person and poll. The primary key (post, user) decides between concurrent
 * votes: the first one counts, the others are told they already voted.
 */
export async function votePoll(db: Knex, viewer: Viewer, postId: number, rawOption: unknown): Promise<FormResult<{ optionId: number }>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  const { post } = await postForAction(viewer, postId, 'post:vote');
  const field = pollField(post.id);
  const choose = { ok: false as const, errors: [{ field, message: t('feed.poll.choose') }] };
  if (typeof rawOption !== 'string' || !/^[1-9]\d{0,9}$/.test(rawOption) || Number(rawOption) > 2147483647) return choose;
  return db.transaction(async (trx) => {
    const option = await PollOption.query(trx).findOne({ id: Number(rawOption), postId: post.id });
    if (!option) return choose;
    const inserted: unknown = await PollVote.query(trx).insert({ postId: post.id, optionId: option.id, userId: viewer.id }).onConflict(['postId', 'userId']).ignore().returning('createdAt');
    if (!wroteRow(inserted, 'createdAt')) return { ok: false, errors: [{ field, message: t('feed.poll.already') }] };
    return { ok: true, value: { optionId: option.id } };
  });
}

/**
 * R-F1: the author, the group's owner and moderators, or admin mode remove a post (comments, answers and
 * votes go with it). Someone else's is moderation and goes into the audit log, as a comment's does.
 */
export async function deletePost(db: Knex, viewer: Viewer, postId: number): Promise<Post> {
  return db.transaction(async (trx) => {
    const { post, group } = await postForAction(viewer, postId, 'post:delete', trx);
    await Post.query(trx).deleteById(post.id);
    if (viewer.signedIn && post.authorId !== viewer.id) {
      const subject = group ? { type: 'group', id: group.id, label: group.name } : { type: 'post', id: post.id, label: '' };
      await recordModeration(trx, viewer.id, 'post.delete', subject, post.authorId);
    }
    return post;
  });
}
