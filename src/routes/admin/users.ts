import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t, type MessageKey } from '../../i18n/index.js';
import { ForbiddenError, HttpError, NotFoundError, parseId } from '../../lib/errors.js';
import { usersVisibleTo } from '../../policy/scopes.js';
import { formValues } from '../../lib/forms.js';
import { findUsers } from '../../finders/users.js';
import { adminUserActions } from '../../policy/abilities.js';
import { applyAdminUserAction, createUserFromForm } from '../../services/users.js';
import { countActiveUsers, getSettings } from '../../services/settings.js';
import { transferUser } from '../../services/transfers.js';
import { askFirst, transferQuestion } from '../questions.js';

const actions = {
  deactivate: 'admin.users.deactivated.flash',
  reactivate: 'admin.users.reactivated.flash',
  'grant-admin': 'admin.users.adminGranted',
  'revoke-admin': 'admin.users.adminRevoked',
} as const satisfies Record<string, MessageKey>;
type ActionName = keyof typeof actions;

export default async function adminUserRoutes(app: FastifyInstance): Promise<void> {
  const access = { config: { access: 'admin-mode' as const } };

  app.get('/users', access, async (request: FastifyRequest<{ Querystring: { q?: string; after?: string } }>, reply) => {
    const q = typeof request.query.q === 'string' ? request.query.q.slice(0, 100) : '';
    const [page, settings, active] = await Promise.all([findUsers(request.viewer, { q, after: request.query.after }), getSettings(), countActiveUsers()]);
    const rows = {
      ...page,
      items: page.items.map((u) => {
        const may = adminUserActions(request.viewer, { id: u.id, isAdmin: u.isAdmin, isExtranet: u.isExtranet, deactivatedAt: u.deactivated ? new Date(0) : null });
        return { ...u, may, transferQuestion: may.transfer ? transferQuestion(u) : null };
      }),
    };
    return reply.pageOrPartial('pages/admin/users', 'partials/admin/users-list', { title: t('admin.users.title'), q, page: rows, seatLimit: settings.seatLimit, active });
  });

  app.get('/users/new', access, async (_request, reply) => reply.page('pages/admin/user-new', { title: t('admin.create.title'), values: { kind: 'employee' } }));

  app.post('/users', access, async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
    const result = await createUserFromForm(app.db, request.viewer, request.body);
    if (!result.ok) {
      const values = formValues(request.body);
      delete values.password;
      return reply.page('pages/admin/user-new', { title: t('admin.create.title'), errors: result.errors, values }, 422);
    }
    request.session.set('flash', { kind: 'success', message: t('admin.users.created', { name: result.value.name }) });
    return reply.redirect('/admin/users', 303);
  });

  // R-U5, issue 17 item 7: a transfer is asked first, on a page that says what changes.
  // The person is a query parameter (/admin/users/transfer?user=ID): without one, back to the list.
  app.get('/users/transfer', access, async (request: FastifyRequest<{ Querystring: { user?: string } }>, reply) => {
    if (request.query.user === undefined) return reply.redirect('/admin/users', 303);
    const user = await usersVisibleTo(request.viewer).findById(parseId(request.query.user)).select('users.id', 'users.name', 'users.isAdmin', 'users.isExtranet', 'users.deactivatedAt');
    if (!user) throw new NotFoundError();
    if (!adminUserActions(request.viewer, user).transfer) throw new ForbiddenError();
    return askFirst(reply, transferQuestion(user));
  });

  // R-U5: transfers between intranet and extranet.
  app.post('/users/:id/transfer', access, async (request: FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>, reply) => {
    const to = request.body?.to;
    if (to !== 'extranet' && to !== 'intranet') throw new HttpError(400, 'bad target');
    const result = await transferUser(app.db, request.viewer, parseId(request.params.id), to);
    request.session.set('flash', result.ok ? { kind: 'success', message: t(to === 'extranet' ? 'admin.transfer.doneExtranet' : 'admin.transfer.doneIntranet', { name: result.user.name }) } : { kind: 'error', message: result.message });
    return reply.seeOther('/admin/users');
  });

  app.post('/users/:id/:action', access, async (request: FastifyRequest<{ Params: { id: string; action: string } }>, reply) => {
    const action = request.params.action;
    // Own keys only: 'toString', 'constructor' … are `in` every object and must not act as actions.
    if (!Object.hasOwn(actions, action)) throw new NotFoundError();
    const result = await applyAdminUserAction(app.db, request.viewer, parseId(request.params.id), action as ActionName);
    request.session.set('flash', result.ok ? { kind: 'success', message: t(actions[action as ActionName], { name: result.user.name }) } : { kind: 'error', message: result.message });
    return reply.redirect('/admin/users', 303);
  });
}
