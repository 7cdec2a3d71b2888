import type { FastifyInstance } from 'fastify';
import pageRoutes from './pages.js';

export default async function groupRoutes(app: FastifyInstance): Promise<void> {
  await app.register(pageRoutes);
}
