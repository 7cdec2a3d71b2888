import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import type { FieldError } from '../../lib/forms.js';
import { findConversations } from '../../finders/chat.js';
import { findShareCandidates } from '../../finders/files.js';
import { usersVisibleTo } from '../../policy/scopes.js';
import conversationRoutes from './conversation.js';

type Req = FastifyRequest<{ Querystring: { after?: string; email?: string } }>;
const signedIn = { config: { access: 'signed-in' as const } };

/** R-F4: the chat list (with unread counts), starting a direct conversation, and the conversations. */
export default async function chatRoutes(app: FastifyInstance): Promise<void> {
  async function list(request: Req, after: string | undefined, errors: FieldError[] = [], values: Record<string, string> = {}) {
    const [page, contacts] = await Promise.all([findConversations(request.viewer, after), findShareCandidates(request.viewer)]);
    const isLater = typeof after === 'string' && after !== '';
    return { title: t('chat.title'), page, contacts, errors, values, baseUrl: '/chat', isLater };
  }

  app.get('/chat', signedIn, async (request: Req, reply) => reply.pageOrPartial('pages/chat/index', 'partials/chat/list', await list(request, request.query.after)));

  // R-X4: a conversation starts only with someone the viewer may contact; the form is a plain GET.
  app.get('/chat/start', signedIn, async (request: Req, reply) => {
    const viewer = request.viewer;
    const email = typeof request.query.email === 'string' ? request.query.email.trim().toLowerCase() : '';
    const fail = async (message: string) => reply.page('pages/chat/index', await list(request, undefined, [{ field: 'email', message }], { email: email.slice(0, 254) }), 422);
    if (email === '') return fail(t('chat.start.required'));
    if (email.length > 254 || email.includes('\u0000')) return fail(t('chat.start.unknown'));
    const person = await usersVisibleTo(viewer).whereRaw('lower(users.email) = ?', [email]).select('users.id').first();
    if (!person || !viewer.signedIn) return fail(t('chat.start.unknown'));
    if (person.id === viewer.id) return fail(t('chat.start.self'));
    return reply.redirect(`/chat/with/${person.id}`, 303);
  });

  await app.register(conversationRoutes);
}
