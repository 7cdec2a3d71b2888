import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { parseId } from '../../lib/errors.js';
import { formValues } from '../../lib/forms.js';
import { createPublicLink, revokePublicLink } from '../../services/file-links.js';
import { shareItem, unshareItem } from '../../services/file-shares.js';
import { loadFile, loadFolder, renderFile, renderFolderEdit } from './item-pages.js';

type Req = FastifyRequest<{ Params: { id: string; userId: string }; Body: Record<string, unknown> }>;
const signedIn = { config: { access: 'signed-in' as const } };

export default async function fileSharingRoutes(app: FastifyInstance): Promise<void> {
  // R-F2: a public link; its address is shown once, on the file's page.
  app.post('/files/:id/link', signedIn, async (request: Req, reply) => {
    const { file } = await loadFile(request);
    const { token } = await createPublicLink(app.db, request.viewer, file.id);
    request.session.set('newFileLink', { fileId: file.id, url: `${app.config.publicUrl}/s/${token}` });
    request.session.set('flash', { kind: 'success', message: t('files.link.created') });
    return reply.redirect(`/files/${file.id}#public-link`, 303);
  });

  app.post('/files/:id/link/revoke', signedIn, async (request: Req, reply) => {
    const { file } = await loadFile(request);
    const revoked = await revokePublicLink(app.db, request.viewer, file.id);
    request.session.set('flash', { kind: 'success', message: t(revoked ? 'files.link.revoked' : 'files.link.none') });
    return reply.redirect(`/files/${file.id}#public-link`, 303);
  });

  // R-F2, R-X4: personal items are shared with people the owner may contact.
  for (const kind of ['file', 'folder'] as const) {
    const base = kind === 'file' ? '/files/:id' : '/folders/:id';
    const page = (id: number) => (kind === 'file' ? `/files/${id}#sharing` : `/folders/${id}/edit#sharing`);

    app.post(`${base}/shares`, signedIn, async (request: Req, reply) => {
      const id = kind === 'file' ? (await loadFile(request)).file.id : (await loadFolder(request)).folder.id;
      const result = await shareItem(app.db, request.viewer, kind, id, request.body?.email);
      if (!result.ok) {
        const values = formValues(request.body);
        delete values._csrf;
        if (kind === 'file') return renderFile(request, reply, await loadFile(request), { errors: result.errors, values }, 422);
        return renderFolderEdit(request, reply, await loadFolder(request), { errors: result.errors, values }, 422);
      }
      request.session.set('flash', { kind: 'success', message: t('files.share.done', { name: result.value.name }) });
      return reply.redirect(page(id), 303);
    });

    app.post(`${base}/shares/:userId/remove`, signedIn, async (request: Req, reply) => {
      const id = kind === 'file' ? (await loadFile(request)).file.id : (await loadFolder(request)).folder.id;
      await unshareItem(app.db, request.viewer, kind, id, parseId(request.params.userId));
      request.session.set('flash', { kind: 'success', message: t('files.share.removed') });
      return reply.redirect(page(id), 303);
    });
  }
}
