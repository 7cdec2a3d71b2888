import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../i18n/index.js';
import { NotFoundError } from '../lib/errors.js';
import { formValues, type FieldError } from '../lib/forms.js';
import { can } from '../policy/abilities.js';
import { acceptExternalInvitation, findOpenInvitation, inviteExternal } from '../services/external-invitations.js';
import { groupAbilities, loadGroup } from './groups/load.js';
import { submitOnce } from './submit-once.js';

type IdRequest = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>;
type TokenRequest = FastifyRequest<{ Params: { token: string }; Body: Record<string, unknown> }>;

/** R-X3: inviting external people into an extranet group, and the link they follow. */
export default async function extranetRoutes(app: FastifyInstance): Promise<void> {
  async function inviteForm(request: IdRequest, reply: FastifyReply, values: Record<string, string>, errors: FieldError[] = [], status = 200) {
    const ctx = await loadGroup(request);
    if (!can(request.viewer, 'member:invite-external', ctx)) throw new NotFoundError();
    return reply.page('pages/groups/invite-external', { title: t('extranet.invite.title'), group: ctx.group, role: ctx.role, can: groupAbilities(request.viewer, ctx), values, errors }, status);
  }

  app.get('/groups/:id/invite-external', { config: { access: 'signed-in' } }, async (request: IdRequest, reply) => inviteForm(request, reply, {}));

  app.post('/groups/:id/invite-external', { config: { access: 'signed-in' } }, async (request: IdRequest, reply) => {
    const { group } = await loadGroup(request);
    return submitOnce(request, reply, () => `/groups/${group.id}/invite-external`, async (once) => {
      const result = await inviteExternal(app.db, request.viewer, group.id, request.body, app.config.publicUrl, once);
      if (!result.ok) return inviteForm(request, reply, formValues(request.body), result.errors, 422);
      void app.mail.dispatch().catch(() => {});
      request.session.set('flash', { kind: 'success', message: t('extranet.invite.sent', { count: result.value.count }) });
      return reply.redirect(`/groups/${group.id}/invite-external`, 303);
    });
  });

  async function joinForm(request: TokenRequest, reply: FastifyReply, values: Record<string, string>, errors: FieldError[] = [], status = 200) {
    const open = await findOpenInvitation(request.params.token);
    if (!open) return reply.page('pages/error', { title: t('extranet.join.invalid.title'), message: t('extranet.join.invalid.body'), status: 404 }, 404);
    return reply.page('pages/extranet/join', { title: t('extranet.join.title', { group: open.groupName }), invitation: { email: open.invitation.email, groupName: open.groupName, inviterName: open.inviterName }, token: request.params.token, values, errors }, status);
  }

  // The link works without an account; its unguessable token is the permission.
  app.get('/join/:token', { config: { access: 'public' } }, async (request: TokenRequest, reply) => {
    reply.header('Referrer-Policy', 'no-referrer');
    return joinForm(request, reply, {});
  });

  app.post('/join/:token', { config: { access: 'public' } }, async (request: TokenRequest, reply) => {
    const result = await acceptExternalInvitation(app.db, request.params.token, request.body);
    if (result === null) return joinForm(request, reply, {});
    if (!result.ok) {
      const values = formValues(request.body);
      delete values.password;
      return joinForm(request, reply, values, result.errors, 422);
    }
    await request.session.regenerate();
    request.session.set('userId', result.value.user.id);
    request.session.set('adminMode', false);
    return reply.redirect(`/groups/${result.value.groupId}`, 303);
  });
}
