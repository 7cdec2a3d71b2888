import type { FastifyInstance } from 'fastify';
import auditRoutes from './audit.js';
import outboxRoutes from './outbox.js';
import settingsRoutes from './settings.js';
import signInRoutes from './sign-in.js';
import userRoutes from './users.js';

/** SPEC §6: every admin page needs admin mode (R-U3); routes declare 'admin-mode'. */
export default async function adminRoutes(app: FastifyInstance): Promise<void> {
  app.get('/', { config: { access: 'admin-mode' } }, async (_request, reply) => reply.redirect('/admin/users', 303));
  await app.register(userRoutes);
  await app.register(settingsRoutes);
  await app.register(signInRoutes);
  await app.register(auditRoutes);
  await app.register(outboxRoutes);
}
