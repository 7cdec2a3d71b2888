import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { ForbiddenError, parseId } from '../../lib/errors.js';
import { deleteComment } from '../../services/post-edits.js';
import { deletePost } from '../../services/post-replies.js';
import { askFirst, commentQuestion } from '../questions.js';
import { backToPost, commentOf, loadPostItem, pageOfPost } from './view-data.js';

type Req = FastifyRequest<{ Params: { id: string; commentId?: string }; Body: Record<string, unknown> | undefined; Querystring: { back?: string } }>;

/**
 * Issue 17 item 7: deleting a post or a comment asks first, on a page (GET) that says what will be
 * lost; the feed's links carry the same question for htmx's dialog, which posts at once. The POST
 * answers Post/Redirect/Get, or HX-Redirect to the same place for htmx.
 */
export default async function feedDeleteRoutes(app: FastifyInstance): Promise<void> {
  const signedIn = { config: { access: 'signed-in' as const } };

  app.get('/posts/:id/delete', signedIn, async (request: Req, reply) => {
    const item = await loadPostItem(request, parseId(request.params.id));
    if (!item.deleteQuestion) throw new ForbiddenError();
    return askFirst(reply, item.deleteQuestion);
  });

  app.post('/posts/:id/delete', signedIn, async (request: Req, reply) => {
    const post = await deletePost(app.db, request.viewer, parseId(request.params.id));
    return reply.done(t('feed.deleted'), post.groupId !== null ? `/groups/${post.groupId}` : '/feed');
  });

  app.get('/posts/:id/comments/:commentId/delete', signedIn, async (request: Req, reply) => {
    const item = await loadPostItem(request, parseId(request.params.id));
    const comment = commentOf(item, request.params.commentId);
    if (!comment.deleteQuestion) throw new ForbiddenError();
    const back = pageOfPost(request.query.back, { id: item.id, groupId: item.group?.id ?? null });
    return askFirst(reply, commentQuestion(item.id, { id: comment.id, body: comment.body, authorName: comment.author?.name ?? null, likes: comment.likes }, back));
  });

  app.post('/posts/:id/comments/:commentId/delete', signedIn, async (request: Req, reply) => {
    const found = await deleteComment(app.db, request.viewer, parseId(request.params.id), parseId(request.params.commentId ?? ''));
    return reply.done(t('social.commentDeleted'), backToPost(request.body?.back, { id: found.post.id, groupId: found.post.groupId }));
  });
}
