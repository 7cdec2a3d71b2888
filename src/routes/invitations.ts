import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../i18n/index.js';
import { parseId } from '../lib/errors.js';
import { findMyInvitations } from '../finders/members.js';
import { acceptInvitation, declineInvitation } from '../services/memberships.js';

type ListRequest = FastifyRequest<{ Querystring: { after?: string } }>;
type IdRequest = FastifyRequest<{ Params: { id: string } }>;

/** R-G5: the invitee's own invitations, accepted or declined here. */
export default async function invitationRoutes(app: FastifyInstance): Promise<void> {
  const signedIn = { config: { access: 'signed-in' as const } };

  app.get('/invitations', signedIn, async (request: ListRequest, reply) => {
    const page = await findMyInvitations(request.viewer, { after: request.query.after });
    const isLater = typeof request.query.after === 'string' && request.query.after !== '';
    return reply.page('pages/invitations/index', { title: t('invitations.title'), page, isLater });
  });

  app.post('/invitations/:id/accept', signedIn, async (request: IdRequest, reply) => {
    const result = await acceptInvitation(app.db, request.viewer, parseId(request.params.id));
    if (!result.ok) {
      request.session.set('flash', { kind: 'error', message: result.message });
      return reply.redirect('/invitations', 303);
    }
    request.session.set('flash', { kind: 'success', message: t('invitations.accepted', { name: result.value.name }) });
    return reply.redirect(`/groups/${result.value.id}`, 303);
  });

  app.post('/invitations/:id/decline', signedIn, async (request: IdRequest, reply) => {
    const { groupName } = await declineInvitation(app.db, request.viewer, parseId(request.params.id));
    request.session.set('flash', { kind: 'success', message: t('invitations.declined', { name: groupName }) });
    return reply.redirect('/invitations', 303);
  });
}
