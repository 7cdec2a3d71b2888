import type { Knex } from 'knex';
import { t } from '../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import type { FormResult } from '../lib/forms.js';
import { requiredText, parseForm } from '../lib/forms.js';
import { CommentLike, Post, PostComment, PostLike } from '../models/post.js';
import { can } from '../policy/abilities.js';
import type { VisiblePost } from '../policy/feed-scopes.js';
import { lockVisiblePost } from '../policy/locks.js';
import type { Viewer } from '../policy/viewer.js';
import { recordModeration } from './audit.js';
import { mentionReadersOf, newlyMentioned, resolveMentions } from './mentions.js';
import { notify, withdrawNotifications } from './notifications.js';
import { POST_MAX, parseComment } from './post-form.js';
import { commentField } from './post-replies.js';
import { z } from 'zod';

const archivedOr = (found: VisiblePost) => new ForbiddenError(found.ctx.archived ? t('groups.archivedBanner') : '');

const bodySchema = z.object({ body: requiredText('feed.form.body', POST_MAX) });

/**
 * Issue 18: the author changes a post's text (R-F1; read-only in an archived group, R-G7). Its
 * mentions are resolved again; only people named for the first time are told. Search follows
 * at once: the search vector is a generated column.
 */
export async function editPost(db: Knex, viewer: Viewer, postId: number, body: unknown): Promise<FormResult<Post>> {
  if (!viewer.signedIn) throw new NotFoundError();
  return db.transaction(async (trx) => {
    const found = await lockVisiblePost(trx, viewer, postId);
    if (!can(viewer, 'post:edit', found.ctx)) throw archivedOr(found);
    const parsed = parseForm(bodySchema, body);
    if (!parsed.ok) return parsed;
    const named = await resolveMentions(trx, viewer, mentionReadersOf(found.post.groupId), parsed.value.body, 'body');
    if (!named.ok) return named;
    const { text, mentions } = named.value;
    if (text === found.post.body) return { ok: true, value: found.post };
    const post = await Post.query(trx).patchAndFetchById(found.post.id, { body: text, mentions, editedAt: new Date() });
    const fresh = newlyMentioned(mentions, found.post.mentions ?? []);
    await notify(trx, fresh.map((userId) => ({ userId, kind: 'mention' as const, actorId: viewer.id, groupId: found.post.groupId, postId: found.post.id })));
    return { ok: true, value: post };
  });
}

/** A comment of a visible post; 404 for a comment of another post or none (R-X1). */
async function visibleComment(trx: Knex.Transaction, viewer: Viewer, postId: number, commentId: number) {
  const found = await lockVisiblePost(trx, viewer, postId);
  const comment = await PostComment.query(trx).findOne({ id: commentId, postId: found.post.id }).forNoKeyUpdate();
  if (!comment) throw new NotFoundError();
  return { found, comment };
}

/** Issue 18: the author changes a comment's text; newly mentioned people are told. */
export async function editComment(db: Knex, viewer: Viewer, postId: number, commentId: number, raw: unknown): Promise<FormResult<PostComment>> {
  if (!viewer.signedIn) throw new NotFoundError();
  return db.transaction(async (trx) => {
    const { found, comment } = await visibleComment(trx, viewer, postId, commentId);
    if (!can(viewer, 'comment:edit', { post: found.ctx, authorId: comment.authorId })) throw archivedOr(found);
    const field = commentField(found.post.id);
    const parsed = parseComment(raw, field);
    if (!parsed.ok) return parsed;
    const named = await resolveMentions(trx, viewer, mentionReadersOf(found.post.groupId), parsed.value, field);
    if (!named.ok) return named;
    const { text, mentions } = named.value;
    if (text === comment.body) return { ok: true, value: comment };
    const edited = await PostComment.query(trx).patchAndFetchById(comment.id, { body: text, mentions, editedAt: new Date() });
    const fresh = newlyMentioned(mentions, comment.mentions ?? []);
    await notify(trx, fresh.map((userId) => ({ userId, kind: 'mention' as const, actorId: viewer.id, groupId: found.post.groupId, postId: found.post.id, commentId: comment.id })));
    return { ok: true, value: edited };
  });
}

/**
 * Issue 17 item 7: the author (while it sees the post), the group's owner and moderators, or admin
 * mode delete a comment; its likes and the notifications it caused go with it. Deleting someone
 * else's is moderation and goes into the audit log.
 */
export async function deleteComment(db: Knex, viewer: Viewer, postId: number, commentId: number): Promise<VisiblePost> {
  if (!viewer.signedIn) throw new NotFoundError();
  return db.transaction(async (trx) => {
    const { found, comment } = await visibleComment(trx, viewer, postId, commentId);
    if (!can(viewer, 'comment:delete', { post: found.ctx, authorId: comment.authorId })) throw archivedOr(found);
    await withdrawNotifications(trx, { commentId: comment.id });
    await PostComment.query(trx).deleteById(comment.id);
    if (comment.authorId !== viewer.id) {
      const subject = found.group ? { type: 'group', id: found.group.id, label: found.group.name } : { type: 'post', id: found.post.id, label: '' };
      await recordModeration(trx, viewer.id, 'comment.delete', subject, comment.authorId);
    }
    return found;
  });
}

/** Issue 18 item 5: like or unlike a post (a toggle: the form says which, so a repeat changes nothing). */
export async function likePost(db: Knex, viewer: Viewer, postId: number, like: boolean): Promise<VisiblePost> {
  if (!viewer.signedIn) throw new NotFoundError();
  return db.transaction(async (trx) => {
    const found = await lockVisiblePost(trx, viewer, postId);
    if (!can(viewer, 'post:like', found.ctx)) throw archivedOr(found);
    if (like) await PostLike.query(trx).insert({ postId: found.post.id, userId: viewer.id }).onConflict(['postId', 'userId']).ignore();
    else await PostLike.query(trx).delete().where({ postId: found.post.id, userId: viewer.id });
    return found;
  });
}

/** Issue 18 item 5: like or unlike a comment of a visible post. */
export async function likeComment(db: Knex, viewer: Viewer, postId: number, commentId: number, like: boolean): Promise<VisiblePost> {
  if (!viewer.signedIn) throw new NotFoundError();
  return db.transaction(async (trx) => {
    const { found, comment } = await visibleComment(trx, viewer, postId, commentId);
    if (!can(viewer, 'post:like', found.ctx)) throw archivedOr(found);
    if (like) await CommentLike.query(trx).insert({ commentId: comment.id, userId: viewer.id }).onConflict(['commentId', 'userId']).ignore();
    else await CommentLike.query(trx).delete().where({ commentId: comment.id, userId: viewer.id });
    return found;
  });
}
