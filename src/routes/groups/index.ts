import type { FastifyInstance } from 'fastify';
import expiryRoutes from './expiry.js';
import imageRoutes from './image.js';
import inviteRoutes from './invite.js';
import memberRoutes from './members.js';
import pageRoutes from './pages.js';

export default async function groupRoutes(app: FastifyInstance): Promise<void> {
  await app.register(pageRoutes);
  await app.register(imageRoutes);
  await app.register(memberRoutes);
  await app.register(inviteRoutes);
  await app.register(expiryRoutes);
}
