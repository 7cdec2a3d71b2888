import type { FastifyInstance } from 'fastify';
import driveRoutes from './drives.js';
import fileItemRoutes from './items.js';
import fileSharingRoutes from './sharing.js';

/** R-F2: group drives, personal drives, items, public links and sharing. */
export default async function fileRoutes(app: FastifyInstance): Promise<void> {
  await app.register(driveRoutes);
  await app.register(fileItemRoutes);
  await app.register(fileSharingRoutes);
}
