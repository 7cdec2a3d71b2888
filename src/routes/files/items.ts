import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../../lib/errors.js';
import { countFolderContents } from '../../finders/files.js';
import { can } from '../../policy/abilities.js';
import { formValues } from '../../lib/forms.js';
import { fileForPublicToken } from '../../policy/file-scopes.js';
import { deleteItem, moveItem, renameItem, type ItemKind } from '../../services/file-changes.js';
import { loadFile, loadFolder, renderFile, renderFolderEdit } from './item-pages.js';
import { sendStoredFile } from './send-stored-file.js';
import { askFirst, fileQuestion, folderQuestion } from '../questions.js';

type Req = FastifyRequest<{ Params: { id: string; token?: string }; Body: Record<string, unknown> }>;
const signedIn = { config: { access: 'signed-in' as const } };

export default async function fileItemRoutes(app: FastifyInstance): Promise<void> {
  const storageDir = app.config.dataDir;

  app.get('/files/:id', signedIn, async (request: Req, reply) => renderFile(request, reply, await loadFile(request)));

  app.get('/files/:id/download', signedIn, async (request: Req, reply) => {
    const { file } = await loadFile(request);
    return sendStoredFile(request, reply, storageDir, file, 'private, no-store');
  });

  // R-F2: works without signing in; a revoked or unknown link is a plain 404.
  app.get('/s/:token', { config: { access: 'public' } }, async (request: Req, reply) => {
    const file = await fileForPublicToken(request.params.token);
    if (!file) throw new NotFoundError();
    return sendStoredFile(request, reply.header('Referrer-Policy', 'no-referrer'), storageDir, file, 'no-store');
  });

  app.get('/folders/:id/edit', signedIn, async (request: Req, reply) => renderFolderEdit(request, reply, await loadFolder(request)));

  async function rerender(request: Req, reply: FastifyReply, kind: ItemKind, errors: { field: string; message: string }[]) {
    const values = formValues(request.body);
    delete values._csrf;
    if (kind === 'file') return renderFile(request, reply, await loadFile(request), { errors, values }, 422);
    return renderFolderEdit(request, reply, await loadFolder(request), { errors, values }, 422);
  }

  const pageOf = (kind: ItemKind, id: number) => (kind === 'file' ? `/files/${id}` : `/folders/${id}/edit`);

  // Issue 17 item 7: deleting asks first: a file by its name, a folder with how much is inside it.
  app.get('/files/:id/delete', signedIn, async (request: Req, reply) => {
    const { file, ctx } = await loadFile(request);
    if (!can(request.viewer, 'file:write', ctx)) throw new ForbiddenError();
    return askFirst(reply, fileQuestion(file));
  });

  app.get('/folders/:id/delete', signedIn, async (request: Req, reply) => {
    const { folder, ctx } = await loadFolder(request);
    if (!can(request.viewer, 'file:write', ctx)) throw new ForbiddenError();
    return askFirst(reply, folderQuestion(folder, await countFolderContents(request.viewer, folder.id)));
  });

  for (const kind of ['file', 'folder'] as const) {
    const base = kind === 'file' ? '/files/:id' : '/folders/:id';
    const load = (request: Req) => (kind === 'file' ? loadFile(request).then((f) => f.file.id) : loadFolder(request).then((f) => f.folder.id));

    app.post(`${base}/rename`, signedIn, async (request: Req, reply) => {
      const id = await load(request);
      const result = await renameItem(app.db, request.viewer, kind, id, request.body?.name);
      if (!result.ok) return rerender(request, reply, kind, result.errors);
      request.session.set('flash', { kind: 'success', message: t('files.renamed', { name: result.value.name }) });
      return reply.redirect(pageOf(kind, id), 303);
    });

    app.post(`${base}/move`, signedIn, async (request: Req, reply) => {
      const id = await load(request);
      const result = await moveItem(app.db, request.viewer, kind, id, request.body?.folder);
      if (!result.ok) return rerender(request, reply, kind, result.errors);
      request.session.set('flash', { kind: 'success', message: t('files.moved') });
      return reply.redirect(pageOf(kind, id), 303);
    });

    app.post(`${base}/delete`, signedIn, async (request: Req, reply) => {
      const id = await load(request);
      const { parentId, ctx } = await deleteItem(app.db, request.viewer, kind, id, storageDir);
      const back = parentId !== null ? `/folders/${parentId}` : ctx.groupId !== null ? `/groups/${ctx.groupId}/files` : '/files';
      return reply.done(t(kind === 'file' ? 'files.deleted' : 'files.folder.deleted'), back);
    });
  }
}
