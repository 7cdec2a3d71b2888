import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../i18n/index.js';
import { NotFoundError, parseId } from '../lib/errors.js';
import { findUsers, findVisibleUser } from '../finders/users.js';
import { personView } from '../models/user.js';
import { can } from '../policy/abilities.js';

type ListRequest = FastifyRequest<{ Querystring: { q?: string; after?: string } }>;

export default async function usersRoutes(app: FastifyInstance): Promise<void> {
  app.get('/users', { config: { access: 'signed-in' } }, async (request: ListRequest, reply) => {
    const q = typeof request.query.q === 'string' ? request.query.q.slice(0, 100) : '';
    const page = await findUsers(request.viewer, { q, after: request.query.after });
    return reply.pageOrPartial('pages/users/index', 'partials/users/list', { title: t('users.title'), q, page });
  });

  app.get('/users/:id', { config: { access: 'signed-in' } }, async (request: FastifyRequest<{ Params: { id: string } }>, reply) => {
    const user = await findVisibleUser(request.viewer, parseId(request.params.id));
    if (!user) throw new NotFoundError();
    const may = { message: can(request.viewer, 'user:message', user) };
    return reply.page('pages/users/show', { title: t('user.title', { name: user.name }), person: personView(user), phone: user.phone, may });
  });
}
