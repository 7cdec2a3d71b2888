import type { FastifyInstance, FastifyRequest } from 'fastify';
import { HttpError, NotFoundError } from '../../lib/errors.js';
import { can } from '../../policy/abilities.js';
import { COMPANY_FEED, findVisiblePost } from '../../policy/feed-scopes.js';
import { mentionSuggestions, type MentionReaders } from '../../policy/mention-scopes.js';
import { findVisibleGroup, usersVisibleTo } from '../../policy/scopes.js';
import type { Viewer } from '../../policy/viewer.js';
import { mentionReadersOf } from '../../services/mentions.js';

const SUGGESTIONS = 8;

type Req = FastifyRequest<{ Querystring: Record<string, unknown> }>;

/**
 * Who reads what is being written, from the form's `in`: "all" (a company-wide post), "group-N"
 * (a post or the chat of a group the writer reads), "post-N" (a comment on a visible post) or
 * "with-N" (a direct conversation with someone the writer may contact). Anything else is a 404 (R-X1).
 */
async function readersFor(viewer: Viewer, raw: unknown): Promise<MentionReaders> {
  const m = typeof raw === 'string' ? /^(all|group|post|with)(?:-([1-9]\d{0,9}))?$/.exec(raw) : null;
  const id = m?.[2] !== undefined && Number(m[2]) <= 2147483647 ? Number(m[2]) : null;
  if (m?.[1] === 'all' && id === null && can(viewer, 'post:create', COMPANY_FEED)) return mentionReadersOf(null);
  if (id === null) throw new NotFoundError();
  if (m?.[1] === 'group') {
    const ctx = await findVisibleGroup(viewer, id);
    if (!ctx || !can(viewer, 'group:read-content', ctx)) throw new NotFoundError();
    return { groupId: ctx.group.id };
  }
  if (m?.[1] === 'post') {
    const found = await findVisiblePost(viewer, id);
    if (!found) throw new NotFoundError();
    return mentionReadersOf(found.post.groupId);
  }
  const other = await usersVisibleTo(viewer).findById(id).select('users.id');
  if (!other || !viewer.signedIn) throw new NotFoundError();
  return { userIds: [viewer.id, other.id] };
}

/** Issue 18 item 3: suggestions while typing "@…" (htmx, public/js/mentions.js); people the writer may name who can read the item. */
export default async function mentionRoutes(app: FastifyInstance): Promise<void> {
  app.get('/mentions', { config: { access: 'signed-in' } }, async (request: Req, reply) => {
    const q = request.query.q ?? '';
    if (typeof q !== 'string' || q.length > 100 || /[\u0000-\u001f]/.test(q)) throw new HttpError(400);
    const readers = await readersFor(request.viewer, request.query.in);
    const people = q.trim() === '' ? [] : await mentionSuggestions(request.viewer, readers, q.trim(), SUGGESTIONS);
    const list = people.map((p) => ({ id: p.id, name: p.name, email: p.email, isExtranet: p.isExtranet, deactivated: false }));
    return reply.header('Vary', 'HX-Request').page('partials/feed/mention-suggestions', { title: '', fragment: true, people: list }, 200);
  });
}
