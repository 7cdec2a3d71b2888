import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { parseId } from '../../lib/errors.js';
import { setMembershipExpiry } from '../../services/membership-expiry.js';
import { loadGroup } from './load.js';

type Request = FastifyRequest<{ Params: { id: string; userId: string }; Body: Record<string, unknown> }>;

/** R-X8: the date an external member's access ends, set on the members page. */
export default async function membershipExpiryRoutes(app: FastifyInstance): Promise<void> {
  app.post('/groups/:id/members/:userId/expiry', { config: { access: 'signed-in' } }, async (request: Request, reply) => {
    const { group } = await loadGroup(request);
    const result = await setMembershipExpiry(app.db, request.viewer, group.id, parseId(request.params.userId), request.body);
    request.session.set('flash', result.ok ? { kind: 'success', message: t('members.expiry.saved') } : { kind: 'error', message: result.errors[0]?.message ?? '' });
    return reply.redirect(`/groups/${group.id}/members`, 303);
  });
}
