import type { FastifyInstance } from 'fastify';
import deleteRoutes from './deletes.js';
import mentionRoutes from './mentions.js';
import notificationRoutes from './notifications.js';
import pageRoutes from './pages.js';
import searchRoutes from './search.js';
import socialRoutes from './social.js';
import writeRoutes from './writes.js';

/** Feed, notifications and search (R-F1, R-F5, R-F6). */
export default async function feedRoutes(app: FastifyInstance): Promise<void> {
  await app.register(pageRoutes);
  await app.register(writeRoutes);
  await app.register(notificationRoutes);
  await app.register(searchRoutes);
  await app.register(mentionRoutes);
  await app.register(socialRoutes);
  await app.register(deleteRoutes);
}
