import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { ForbiddenError, parseId } from '../../lib/errors.js';
import type { FieldError } from '../../lib/forms.js';
import { findInviteCandidates } from '../../finders/members.js';
import { inviteMembers } from '../../services/memberships.js';
import { groupAbilities, loadGroup } from './load.js';

type SearchRequest = FastifyRequest<{ Params: { id: string }; Querystring: { q?: string } }>;
type InviteRequest = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> | undefined }>;

const searchText = (raw: unknown) => (typeof raw === 'string' ? raw.slice(0, 100) : '');

/** The ids a failed submit had ticked, to keep them ticked. */
function ticked(raw: unknown): string[] {
  const list = Array.isArray(raw) ? raw : [raw];
  return list.filter((v): v is string => typeof v === 'string');
}

/** R-G5: inviting colleagues into a group, as its who-can-invite setting allows. */
export default async function inviteRoutes(app: FastifyInstance): Promise<void> {
  const signedIn = { config: { access: 'signed-in' as const } };

  async function render(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply, q: string, selected: string[] = [], errors: FieldError[] = [], status = 200) {
    const ctx = await loadGroup(request);
    const abilities = groupAbilities(request.viewer, ctx);
    if (!abilities['member:invite']) throw new ForbiddenError(ctx.group.archivedAt ? t('groups.archivedBanner') : t('error.403.body'));
    const candidates = await findInviteCandidates(request.viewer, ctx.group.id, q);
    const data = { title: t('members.invite.title', { name: ctx.group.name }), group: ctx.group, role: ctx.role, can: abilities, q, candidates, selected, errors };
    // The live search swaps the candidates only; a failed submit shows the whole page.
    if (errors.length > 0) return reply.page('pages/groups/invite', data, status);
    return reply.pageOrPartial('pages/groups/invite', 'partials/groups/invite-candidates', data, status);
  }

  app.get('/groups/:id/invite', signedIn, async (request: SearchRequest, reply) => render(request, reply, searchText(request.query.q)));

  app.post('/groups/:id/invite', signedIn, async (request: InviteRequest, reply) => {
    const groupId = parseId(request.params.id);
    const result = await inviteMembers(app.db, request.viewer, groupId, request.body?.userIds);
    if (!result.ok) return render(request, reply, searchText(request.body?.q), ticked(request.body?.userIds), result.errors, 422);
    const message = result.value.count > 0 ? t('members.invite.sent', { count: result.value.count }) : t('members.invite.noneNew');
    request.session.set('flash', { kind: 'success', message });
    return reply.redirect(`/groups/${groupId}/members`, 303);
  });
}
