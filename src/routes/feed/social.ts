import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { findLikers } from '../../finders/likes.js';
import { ForbiddenError, parseId } from '../../lib/errors.js';
import { formValues, type FieldError } from '../../lib/forms.js';
import { wantsFragment } from '../../plugins/views.js';
import { editComment, editPost, likeComment, likePost } from '../../services/post-edits.js';
import { commentField } from '../../services/post-replies.js';
import { COMMENT_MAX, POST_MAX } from '../../services/post-form.js';
import { backToPost, commentOf, loadPostItem, type FeedItemView } from './view-data.js';

type Req = FastifyRequest<{ Params: { id: string; commentId?: string }; Body: Record<string, unknown> | undefined }>;
interface Form {
  values?: Record<string, string>;
  errors?: FieldError[];
}

/** Where to go back to after an edit or a like: the page the form was on, if it is one of the post's. */
/** A feed item as the post backToPost() returns to. */
const postOf = (item: { id: number; group: { id: number } | null }) => ({ id: item.id, groupId: item.group?.id ?? null });

/** "like=on" likes, anything else unlikes: a toggle whose form says the state it leads to. */
const wantsLike = (body: Record<string, unknown> | undefined) => body?.like === 'on';

/** Issue 18 items 4 and 5: editing posts and comments by their author, likes and who liked. */
export default async function socialRoutes(app: FastifyInstance): Promise<void> {
  const signedIn = { config: { access: 'signed-in' as const } };

  function postEdit(item: FeedItemView) {
    return { id: `post-${item.id}-body`, action: `/posts/${item.id}/edit`, field: 'body', name: 'body', label: t('feed.form.body'), maxlength: POST_MAX, text: item.body ?? '', mentionsIn: `post-${item.id}`, cancelHref: `/posts/${item.id}` };
  }

  function commentEdit(item: FeedItemView, comment: FeedItemView['comments'][number]) {
    const field = commentField(item.id);
    return { id: `post-comment-${comment.id}-form`, wrapId: `post-comment-${comment.id}`, action: `/posts/${item.id}/comments/${comment.id}/edit`, field, name: 'comment', label: t('feed.comment.label'), maxlength: COMMENT_MAX, text: comment.body, mentionsIn: `post-${item.id}`, cancelHref: `/posts/${item.id}#post-comment-${comment.id}` };
  }

  /** The edit form: a page without JavaScript, the form alone (in place of the text) with htmx. */
  async function editForm(request: Req, reply: FastifyReply, item: FeedItemView, edit: ReturnType<typeof postEdit>, title: string, form: Form, status = 200) {
    const data = { title, item, edit, back: formValues(request.body).back ?? '', values: form.values ?? {}, errors: form.errors ?? [] };
    if (wantsFragment(request)) return reply.header('Vary', 'HX-Request').page('partials/feed/edit-form', { ...data, fragment: true }, status);
    return reply.header('Vary', 'HX-Request').page('pages/feed/edit', data, status);
  }

  app.get('/posts/:id/edit', signedIn, async (request: Req, reply) => {
    const item = await loadPostItem(request, parseId(request.params.id));
    if (!item.may.edit) throw new ForbiddenError();
    return editForm(request, reply, item, postEdit(item), t('social.editPost.title'), {});
  });

  app.post('/posts/:id/edit', signedIn, async (request: Req, reply) => {
    const postId = parseId(request.params.id);
    const result = await editPost(app.db, request.viewer, postId, request.body);
    const item = await loadPostItem(request, postId);
    if (!result.ok) return editForm(request, reply, item, postEdit(item), t('social.editPost.title'), { values: formValues(request.body), errors: result.errors }, 422);
    if (wantsFragment(request)) return reply.header('Vary', 'HX-Request').page('partials/feed/post-body', { title: '', item, focus: true, announce: t('social.saved'), fragment: true });
    request.session.set('flash', { kind: 'success', message: t('social.saved') });
    return reply.redirect(backToPost(request.body?.back, postOf(item), `post-${item.id}`), 303);
  });

  app.get('/posts/:id/comments/:commentId/edit', signedIn, async (request: Req, reply) => {
    const item = await loadPostItem(request, parseId(request.params.id));
    const comment = commentOf(item, request.params.commentId);
    if (!comment.may.edit) throw new ForbiddenError();
    return editForm(request, reply, item, commentEdit(item, comment), t('social.editComment.title'), {});
  });

  app.post('/posts/:id/comments/:commentId/edit', signedIn, async (request: Req, reply) => {
    const postId = parseId(request.params.id);
    const commentId = parseId(request.params.commentId ?? '');
    const result = await editComment(app.db, request.viewer, postId, commentId, request.body?.comment);
    const item = await loadPostItem(request, postId);
    const comment = commentOf(item, String(commentId));
    if (!result.ok) return editForm(request, reply, item, commentEdit(item, comment), t('social.editComment.title'), { values: formValues(request.body), errors: result.errors }, 422);
    if (wantsFragment(request)) return reply.header('Vary', 'HX-Request').page('partials/feed/comment', { title: '', item, comment, back: formValues(request.body).back ?? '', focus: true, announce: t('social.saved'), fragment: true });
    request.session.set('flash', { kind: 'success', message: t('social.saved') });
    return reply.redirect(backToPost(request.body?.back, postOf(item), `post-comment-${comment.id}`), 303);
  });

  app.post('/posts/:id/like', signedIn, async (request: Req, reply) => {
    const postId = parseId(request.params.id);
    await likePost(app.db, request.viewer, postId, wantsLike(request.body));
    const item = await loadPostItem(request, postId);
    if (wantsFragment(request)) {
      const like = { id: `post-${item.id}-like`, action: `/posts/${item.id}/like`, liked: item.liked, count: item.likeCount, may: item.may.like, likersUrl: `/posts/${item.id}/likes`, describedBy: '' };
      return reply.header('Vary', 'HX-Request').page('components/like-form', { title: '', like, back: formValues(request.body).back ?? '', fragment: true });
    }
    return reply.redirect(backToPost(request.body?.back, postOf(item), `post-${item.id}`), 303);
  });

  app.post('/posts/:id/comments/:commentId/like', signedIn, async (request: Req, reply) => {
    const postId = parseId(request.params.id);
    const commentId = parseId(request.params.commentId ?? '');
    await likeComment(app.db, request.viewer, postId, commentId, wantsLike(request.body));
    const item = await loadPostItem(request, postId);
    const c = commentOf(item, String(commentId));
    if (wantsFragment(request)) {
      const like = { id: `post-comment-${c.id}-like`, action: `/posts/${item.id}/comments/${c.id}/like`, liked: c.liked, count: c.likes, may: c.may.like, likersUrl: `/posts/${item.id}/comments/${c.id}/likes`, describedBy: '' };
      return reply.header('Vary', 'HX-Request').page('components/like-form', { title: '', like, back: formValues(request.body).back ?? '', fragment: true });
    }
    return reply.redirect(backToPost(request.body?.back, postOf(item), `post-comment-${c.id}`), 303);
  });

  app.get('/posts/:id/likes', signedIn, async (request: Req, reply) => {
    const item = await loadPostItem(request, parseId(request.params.id));
    const people = await findLikers(request.viewer, { postId: item.id });
    return reply.page('pages/feed/likers', { title: t('social.likers.title'), people, postId: item.id });
  });

  app.get('/posts/:id/comments/:commentId/likes', signedIn, async (request: Req, reply) => {
    const item = await loadPostItem(request, parseId(request.params.id));
    const comment = commentOf(item, request.params.commentId);
    const people = await findLikers(request.viewer, { commentId: comment.id });
    return reply.page('pages/feed/likers', { title: t('social.likers.title'), people, postId: item.id });
  });
}
