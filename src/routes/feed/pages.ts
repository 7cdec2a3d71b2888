import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { findFeed, findPostRow } from '../../finders/feed.js';
import { findPostTargets } from '../../finders/post-targets.js';
import { NotFoundError, parseId } from '../../lib/errors.js';
import { can } from '../../policy/abilities.js';
import { COMPANY_FEED } from '../../policy/feed-scopes.js';
import type { FieldError } from '../../lib/forms.js';
import { POLL_OPTIONS } from '../../services/post-form.js';
import { feedItems, feedPage } from './view-data.js';

type FeedRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | string[] | undefined> }>;

export interface FormState {
  values?: Record<string, string>;
  errors?: FieldError[];
  announce?: string;
}

/**
 * R-F1, R-X5, R-X6: the main feed, everything the viewer may see, newest first, with the post
 * form (to all employees or one of its groups) and, for employees, the appreciation form.
 */
export async function renderMainFeed(request: FastifyRequest, reply: FastifyReply, after: unknown, form: FormState = {}, status = 200): Promise<FastifyReply> {
  const viewer = request.viewer;
  const toEveryone = can(viewer, 'post:create', COMPANY_FEED);
  const [rows, targets] = await Promise.all([findFeed(viewer, { after }), findPostTargets(viewer)]);
  const feed = {
    page: feedPage(request, rows),
    baseUrl: '/feed',
    isLater: typeof after === 'string' && after !== '',
    action: '/feed/posts',
    canPost: toEveryone || targets.length > 0,
    notify: null,
    pollOptions: POLL_OPTIONS,
    mentionsIn: 'all',
    targets: [...(toEveryone ? [{ value: 'all', label: t('feed.form.targetAll'), isExtranet: false }] : []), ...targets.map((g) => ({ value: String(g.id), label: g.name, isExtranet: g.isExtranet }))],
  };
  const data = { title: t('feed.title'), feed, canAppreciate: can(viewer, 'post:appreciate-someone', null), values: form.values ?? {}, errors: form.errors ?? [], announce: form.announce ?? '' };
  return reply.pageOrPartial('pages/feed/index', 'partials/feed/stream', data, status);
}

/** One post with all its comments, its poll, and what the viewer may do; 404 when not visible (R-X1). */
export async function renderPost(request: FastifyRequest, reply: FastifyReply, postId: number, form: FormState = {}, status = 200): Promise<FastifyReply> {
  const row = await findPostRow(request.viewer, postId);
  if (!row) throw new NotFoundError();
  const [item] = feedItems(request, [row]);
  if (!item) throw new NotFoundError();
  const title = item.group ? t('feed.post.inGroup', { group: item.group.name }) : t(item.kind === 'appreciation' ? 'feed.post.appreciation' : 'feed.post.company');
  return reply.page('pages/feed/post', { title, item, values: form.values ?? {}, errors: form.errors ?? [], announce: form.announce ?? '' }, status);
}

export default async function feedPageRoutes(app: FastifyInstance): Promise<void> {
  const signedIn = { config: { access: 'signed-in' as const } };

  app.get('/feed', signedIn, async (request: FeedRequest, reply) => renderMainFeed(request, reply, request.query.after));

  app.get('/posts/:id', signedIn, async (request: FeedRequest, reply) => renderPost(request, reply, parseId(request.params.id)));
}
