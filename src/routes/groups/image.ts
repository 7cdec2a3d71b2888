import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { NotFoundError } from '../../lib/errors.js';
import { isUploadedFile } from '../../plugins/uploads.js';
import { GROUP_IMAGE_MAX_BYTES, removeGroupImage, setGroupImage } from '../../services/group-image.js';
import { groupImagePath } from '../../services/group-storage.js';
import { loadGroup } from './load.js';

type IdRequest = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>;

export default async function groupImageRoutes(app: FastifyInstance): Promise<void> {
  const storageDir = app.config.dataDir;

  app.get('/groups/:id/image', { config: { access: 'signed-in' } }, async (request: IdRequest, reply) => {
    const { group } = await loadGroup(request);
    if (!group.imageKey || !group.imageType) throw new NotFoundError();
    const file = groupImagePath(storageDir, group.imageKey);
    const info = await stat(file).catch(() => null);
    if (!info) throw new NotFoundError();
    return reply.type(group.imageType).header('Cache-Control', 'private, max-age=3600').header('Content-Length', info.size).send(createReadStream(file));
  });

  app.post(
    '/groups/:id/image',
    { config: { access: 'signed-in', multipartOptions: { limits: { fileSize: GROUP_IMAGE_MAX_BYTES, files: 1 } } } },
    async (request: IdRequest, reply) => {
      const { group } = await loadGroup(request);
      const image = request.body?.image;
      const result = await setGroupImage(app.db, request.viewer, group.id, isUploadedFile(image) ? image : undefined, storageDir);
      request.session.set('flash', result.ok ? { kind: 'success', message: t('groups.image.saved') } : { kind: 'error', message: result.errors[0]?.message ?? '' });
      return reply.redirect(`/groups/${group.id}/edit`, 303);
    },
  );

  app.post('/groups/:id/image/remove', { config: { access: 'signed-in' } }, async (request: IdRequest, reply) => {
    const { group } = await loadGroup(request);
    await removeGroupImage(app.db, request.viewer, group.id, storageDir);
    request.session.set('flash', { kind: 'success', message: t('groups.image.removed') });
    return reply.redirect(`/groups/${group.id}/edit`, 303);
  });
}
