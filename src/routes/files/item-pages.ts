import type { FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { NotFoundError, parseId } from '../../lib/errors.js';
import { formatBytes } from '../../lib/format-bytes.js';
import type { FieldError } from '../../lib/forms.js';
import { countFolderContents, findActiveLink, findFolderChoices, findFolderTrail, findShareCandidates, findShares, type Drive } from '../../finders/files.js';
import { can } from '../../policy/abilities.js';
import { findVisibleFile, findVisibleFolder, type DriveContext, type DriveGroupInfo, type VisibleFile, type VisibleFolder } from '../../policy/file-scopes.js';
import { usersVisibleTo } from '../../policy/scopes.js';
import { fileQuestion, folderQuestion } from '../questions.js';

declare module 'fastify' {
  interface Session {
    /** A public link just made, shown once on the file's page (only its hash is kept, R-F2). */
    newFileLink?: { fileId: number; url: string };
  }
}

type Req = FastifyRequest<{ Params: { id: string } }>;

export async function loadFile(request: Req): Promise<VisibleFile> {
  const found = await findVisibleFile(request.viewer, parseId(request.params.id));
  if (!found) throw new NotFoundError();
  return found;
}

export async function loadFolder(request: Req): Promise<VisibleFolder> {
  const found = await findVisibleFolder(request.viewer, parseId(request.params.id));
  if (!found) throw new NotFoundError();
  return found;
}

function driveOfItem(item: { groupId: number | null; ownerId: number | null }): Drive {
  return item.groupId !== null ? { groupId: item.groupId } : { ownerId: item.ownerId ?? 0 };
}

function abilities(request: FastifyRequest, ctx: DriveContext) {
  const v = request.viewer;
  return { write: can(v, 'file:write', ctx), link: can(v, 'file:link', ctx), unlink: can(v, 'file:unlink', ctx), share: can(v, 'file:share', ctx) };
}

/** Where an item lives, for its page: the group's drive, the viewer's own, or a drive shared with it. */
function placeOf(ctx: DriveContext, group: DriveGroupInfo | null) {
  if (group) return { href: `/groups/${group.id}/files`, label: t('files.groupRoot'), group };
  if (ctx.sharedWithViewer) return { href: '/files/shared', label: t('files.shared'), group: null };
  return { href: '/files', label: t('files.mine'), group: null };
}

interface Extra {
  errors?: FieldError[];
  values?: Record<string, string>;
}

/** A file's page: details, download, and the forms the viewer may use (rename, move, delete, link, sharing). */
export async function renderFile(request: Req, reply: FastifyReply, found: VisibleFile, extra: Extra = {}, status = 200) {
  const viewer = request.viewer;
  const { file, ctx } = found;
  const may = abilities(request, ctx);
  const [trail, link, shares, choices, candidates, uploader] = await Promise.all([
    file.folderId === null ? Promise.resolve([]) : findFolderTrail(viewer, file.folderId),
    may.unlink ? findActiveLink(viewer, file.id) : Promise.resolve(null),
    may.share ? findShares(viewer, { fileId: file.id }) : Promise.resolve([]),
    may.write ? findFolderChoices(viewer, driveOfItem(file)) : Promise.resolve([]),
    may.share ? findShareCandidates(viewer) : Promise.resolve([]),
    file.uploadedBy === null ? Promise.resolve(undefined) : usersVisibleTo(viewer).findById(file.uploadedBy).select('users.id', 'users.name', 'users.isExtranet', 'users.deactivatedAt'),
  ]);
  const fresh = request.session.get('newFileLink');
  if (fresh) request.session.set('newFileLink', undefined);
  return reply.page(
    'pages/files/show',
    {
      title: file.name,
      errors: extra.errors ?? [],
      values: { name: file.name, folder: file.folderId === null ? '' : String(file.folderId), ...(extra.values ?? {}) },
      file: { id: file.id, name: file.name, size: Number(file.size), sizeLabel: formatBytes(Number(file.size)), mimeType: file.mimeType, updatedAt: file.updatedAt, createdAt: file.createdAt, folderId: file.folderId },
      place: placeOf(ctx, found.group),
      trail,
      may,
      archived: ctx.archived,
      link,
      newLinkUrl: fresh && fresh.fileId === file.id ? fresh.url : null,
      shares,
      choices,
      candidates,
      uploader: uploader ? { id: uploader.id, name: uploader.name, isExtranet: uploader.isExtranet, deactivated: uploader.deactivatedAt !== null } : null,
      deleteQuestion: may.write ? fileQuestion(file) : null,
    },
    status,
  );
}

function withoutSubtree(choices: { id: number; path: string }[], folderId: number) {
  const own = choices.find((c) => c.id === folderId)?.path;
  return own === undefined ? choices : choices.filter((c) => c.id !== folderId && !c.path.startsWith(`${own} / `));
}

/** A folder's settings page: rename, move, delete, sharing; 404 for those who may do none of these. */
export async function renderFolderEdit(request: Req, reply: FastifyReply, found: VisibleFolder, extra: Extra = {}, status = 200) {
  const viewer = request.viewer;
  const { folder, ctx } = found;
  const may = abilities(request, ctx);
  if (!may.write && !may.share) throw new NotFoundError();
  const [trail, shares, choices, candidates, inside] = await Promise.all([
    findFolderTrail(viewer, folder.id),
    may.share ? findShares(viewer, { folderId: folder.id }) : Promise.resolve([]),
    may.write ? findFolderChoices(viewer, driveOfItem(folder)) : Promise.resolve([]),
    may.share ? findShareCandidates(viewer) : Promise.resolve([]),
    may.write ? countFolderContents(viewer, folder.id) : Promise.resolve(null),
  ]);
  return reply.page(
    'pages/files/folder',
    {
      title: t('files.folder.settingsTitle', { name: folder.name }),
      errors: extra.errors ?? [],
      values: { name: folder.name, folder: folder.parentId === null ? '' : String(folder.parentId), ...(extra.values ?? {}) },
      folder: { id: folder.id, name: folder.name, parentId: folder.parentId },
      place: placeOf(ctx, found.group),
      trail,
      may,
      shares,
      // A folder cannot move into itself or below itself (the service checks too).
      choices: withoutSubtree(choices, folder.id),
      candidates,
      deleteQuestion: inside ? folderQuestion(folder, inside) : null,
    },
    status,
  );
}
