import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { findPostRow } from '../../finders/feed.js';
import { NotFoundError, parseId } from '../../lib/errors.js';
import { formValues, type FieldError } from '../../lib/forms.js';
import { wantsFragment } from '../../plugins/views.js';
import { submitOnce } from '../submit-once.js';
import { setGroupNotifications } from '../../services/notifications.js';
import { addPostComment, votePoll, type NewComment } from '../../services/post-replies.js';
import { createAppreciation, createPost, type PostDestination } from '../../services/posts.js';
import { loadGroup } from '../groups/load.js';
import { renderGroupHome } from './group-feed.js';
import { renderMainFeed, renderPost } from './pages.js';
import { backToPost, feedItems } from './view-data.js';

type WriteRequest = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> | undefined }>;

/** The main feed's "Post to" choice: "all" (all employees) or a group id; anything else is no choice. */
function destination(raw: unknown): PostDestination | null {
  if (raw === 'all') return { groupId: null };
  if (typeof raw === 'string' && /^[1-9]\d{0,9}$/.test(raw) && Number(raw) <= 2147483647) return { groupId: Number(raw) };
  return null;
}

/** Where to go back to after a comment or a vote: the page the form was on, if it is one of the post's. */

export default async function feedWriteRoutes(app: FastifyInstance): Promise<void> {
  const signedIn = { config: { access: 'signed-in' as const } };
  const employee = { config: { access: 'employee' as const } };

  app.post('/feed/posts', signedIn, async (request: WriteRequest, reply) =>
    submitOnce(request, reply, () => '/feed', async (once) => {
      const dest = destination(request.body?.target);
      const result = dest
        ? await createPost(app.db, request.viewer, dest, request.body, { strict: false }, once)
        : { ok: false as const, errors: [{ field: 'target', message: t('feed.form.targetInvalid') }] };
      if (!result.ok) return renderMainFeed(request, reply, undefined, { values: formValues(request.body), errors: result.errors }, 422);
      if (wantsFragment(request)) return renderMainFeed(request, reply, undefined, { announce: t('feed.posted') });
      request.session.set('flash', { kind: 'success', message: t('feed.posted') });
      return reply.redirect('/feed', 303);
    }),
  );

  app.post('/groups/:id/posts', signedIn, async (request: WriteRequest, reply) => {
    const ctx = await loadGroup(request);
    return submitOnce(request, reply, () => `/groups/${ctx.group.id}`, async (once) => {
      const result = await createPost(app.db, request.viewer, { groupId: ctx.group.id }, request.body, { strict: true }, once);
      if (!result.ok) return renderGroupHome(request, reply, ctx, { values: formValues(request.body), errors: result.errors }, 422);
      if (wantsFragment(request)) return renderGroupHome(request, reply, ctx, { announce: t('feed.posted') });
      request.session.set('flash', { kind: 'success', message: t('feed.posted') });
      return reply.redirect(`/groups/${ctx.group.id}`, 303);
    });
  });

  app.post('/feed/appreciations', employee, async (request: WriteRequest, reply) =>
    submitOnce(request, reply, () => '/feed', async (once) => {
      const result = await createAppreciation(app.db, request.viewer, request.body, once);
      if (!result.ok) return renderMainFeed(request, reply, undefined, { values: formValues(request.body), errors: result.errors }, 422);
      if (wantsFragment(request)) return renderMainFeed(request, reply, undefined, { announce: t('feed.appreciated') });
      request.session.set('flash', { kind: 'success', message: t('feed.appreciated') });
      return reply.redirect('/feed', 303);
    }),
  );

  /** htmx: one post's comments or poll alone, fresh, with the errors or the announcement. */
  async function postFragment(request: FastifyRequest, reply: FastifyReply, postId: number, partial: 'comments' | 'poll', form: { values?: Record<string, string>; errors?: FieldError[]; announce?: string }, status = 200) {
    const row = await findPostRow(request.viewer, postId);
    if (!row) throw new NotFoundError();
    const [item] = feedItems(request, [row]);
    const back = formValues(request.body).back ?? '';
    return reply.header('Vary', 'HX-Request').page(`partials/feed/${partial}`, { title: '', item, back, fragment: true, values: form.values ?? {}, errors: form.errors ?? [], announce: form.announce ?? '' }, status);
  }

  app.post('/posts/:id/comments', signedIn, async (request: WriteRequest, reply) => {
    const postId = parseId(request.params.id);
    const back = (created: NewComment) => backToPost(request.body?.back, created.post);
    return submitOnce(request, reply, back, async (once) => {
      const result = await addPostComment(app.db, request.viewer, postId, request.body?.comment, once);
      const fragment = wantsFragment(request);
      if (!result.ok) {
        const form = { values: formValues(request.body), errors: result.errors };
        return fragment ? postFragment(request, reply, postId, 'comments', form, 422) : renderPost(request, reply, postId, form, 422);
      }
      if (fragment) return postFragment(request, reply, postId, 'comments', { announce: t('feed.commented') });
      request.session.set('flash', { kind: 'success', message: t('feed.commented') });
      return reply.redirect(back(result.value), 303);
    });
  });

  app.post('/posts/:id/vote', signedIn, async (request: WriteRequest, reply) => {
    const postId = parseId(request.params.id);
    const result = await votePoll(app.db, request.viewer, postId, request.body?.option);
    const fragment = wantsFragment(request);
    if (!result.ok) {
      const status = result.errors[0]?.message === t('feed.poll.already') ? 409 : 422;
      const form = { values: formValues(request.body), errors: result.errors };
      return fragment ? postFragment(request, reply, postId, 'poll', form, status) : renderPost(request, reply, postId, form, status);
    }
    if (fragment) return postFragment(request, reply, postId, 'poll', { announce: t('feed.voted') });
    request.session.set('flash', { kind: 'success', message: t('feed.voted') });
    const row = await findPostRow(request.viewer, postId);
    return reply.redirect(backToPost(request.body?.back, { id: postId, groupId: row?.groupId ?? null }), 303);
  });

  app.post('/groups/:id/notifications', signedIn, async (request: WriteRequest, reply) => {
    const ctx = await loadGroup(request);
    const result = await setGroupNotifications(app.db, request.viewer, ctx.group.id, request.body?.notify);
    if (!result.ok) return renderGroupHome(request, reply, ctx, { values: formValues(request.body), errors: result.errors }, 422);
    request.session.set('flash', { kind: 'success', message: t(result.value ? 'feed.notify.turnedOn' : 'feed.notify.turnedOff') });
    return reply.redirect(`/groups/${ctx.group.id}`, 303);
  });
}
