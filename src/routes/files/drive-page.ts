import type { FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { NotFoundError, parseId } from '../../lib/errors.js';
import { formatBytes } from '../../lib/format-bytes.js';
import type { FieldError } from '../../lib/forms.js';
import { findFiles, findFolders, findFolderTrail, type Drive } from '../../finders/files.js';
import type { Folder } from '../../models/file.js';
import { can } from '../../policy/abilities.js';
import { findVisibleFolder, groupDriveContext, personalDriveContext, type DriveContext } from '../../policy/file-scopes.js';
import { findVisibleGroup, usersVisibleTo, type VisibleGroup } from '../../policy/scopes.js';
import type { DriveTarget } from '../../services/files.js';
import { getSettings } from '../../services/settings.js';
import { groupAbilities, loadGroupTool } from '../groups/load.js';

/** Where a drive listing is: a group's drive, the viewer's own, or someone's folder shared with the viewer. */
export type DriveLocation =
  | { kind: 'group'; group: VisibleGroup; folder: Folder | null; ctx: DriveContext }
  | { kind: 'mine'; folder: Folder | null; ctx: DriveContext }
  | { kind: 'shared'; folder: Folder; ctx: DriveContext; owner: { id: number; name: string; isExtranet: boolean } | null };

type Req = FastifyRequest<{ Params: { id: string } }>;

/**
 * R-G3: a group's drive: 404 when the files tool is off. Readers of a visible group who are not
 * members are sent to its About page (reads) or get 404 (writes).
 */
export async function groupDriveLocation(request: Req, reply: FastifyReply | null): Promise<DriveLocation | null> {
  const found = await loadGroupTool(request, reply, 'files');
  if (!found) return null;
  return { kind: 'group', group: found, folder: null, ctx: groupDriveContext(found) };
}

export function myDriveLocation(request: FastifyRequest): DriveLocation {
  const viewer = request.viewer;
  if (!viewer.signedIn) throw new NotFoundError();
  return { kind: 'mine', folder: null, ctx: personalDriveContext(viewer.id) };
}

/** Any folder the viewer may see, from the route's :id (404 otherwise, R-X1). */
export async function folderLocation(request: Req): Promise<DriveLocation> {
  const viewer = request.viewer;
  const found = await findVisibleFolder(viewer, parseId(request.params.id));
  if (!found || !viewer.signedIn) throw new NotFoundError();
  const folder = found.folder;
  if (folder.groupId !== null) {
    const group = await findVisibleGroup(viewer, folder.groupId);
    if (!group) throw new NotFoundError();
    return { kind: 'group', group, folder, ctx: found.ctx };
  }
  if (folder.ownerId === viewer.id) return { kind: 'mine', folder, ctx: found.ctx };
  const owner = await usersVisibleTo(viewer).findById(folder.ownerId ?? 0).select('users.id', 'users.name', 'users.isExtranet');
  return { kind: 'shared', folder, ctx: found.ctx, owner: owner ? { id: owner.id, name: owner.name, isExtranet: owner.isExtranet } : null };
}

export function driveOf(loc: DriveLocation): Drive {
  if (loc.kind === 'group') return { groupId: loc.group.group.id };
  return { ownerId: loc.ctx.ownerId ?? 0 };
}

/** Where new content sent from this listing goes (a shared folder is someone else's drive: the services refuse it). */
export function targetOf(loc: DriveLocation): DriveTarget {
  if (loc.kind === 'group') return { groupId: loc.group.group.id };
  return { personal: true };
}

/** The listing's own address. */
export function urlOf(loc: DriveLocation): string {
  if (loc.folder) return `/folders/${loc.folder.id}`;
  return loc.kind === 'group' ? `/groups/${loc.group.group.id}/files` : '/files';
}

/** Where the listing's upload and new-folder forms post (My files: POST /files and /files/folders). */
function formActions(loc: DriveLocation): { uploadAction: string; folderAction: string } {
  const base = loc.folder ? `/folders/${loc.folder.id}` : loc.kind === 'group' ? `/groups/${loc.group.group.id}` : null;
  return base ? { uploadAction: `${base}/files`, folderAction: `${base}/folders` } : { uploadAction: '/files', folderAction: '/files/folders' };
}

/** Renders a drive listing: folder trail, folders, one page of files, and the upload and new-folder forms for writers. */
export async function renderDrive(request: FastifyRequest<{ Querystring?: unknown }>, reply: FastifyReply, loc: DriveLocation, extra: { errors?: FieldError[]; values?: Record<string, string> } = {}, status = 200) {
  const viewer = request.viewer;
  const folderId = loc.folder?.id ?? null;
  const after = (request.query as Record<string, unknown> | undefined)?.after;
  const [trail, folders, page, settings] = await Promise.all([
    folderId === null ? Promise.resolve([]) : findFolderTrail(viewer, folderId),
    findFolders(viewer, driveOf(loc), folderId),
    findFiles(viewer, driveOf(loc), folderId, after),
    getSettings(),
  ]);
  const base = urlOf(loc);
  const data = {
    errors: extra.errors ?? [],
    values: extra.values ?? {},
    loc: { kind: loc.kind, folder: loc.folder ? { id: loc.folder.id, name: loc.folder.name } : null, owner: loc.kind === 'shared' ? loc.owner : null },
    trail,
    folders,
    page: { ...page, items: page.items.map((f) => ({ ...f, sizeLabel: formatBytes(f.size) })) },
    baseUrl: base,
    isLater: typeof after === 'string' && after !== '',
    mayWrite: can(viewer, 'file:write', loc.ctx),
    archived: loc.ctx.archived,
    uploadLimitMb: settings.uploadLimitMb,
    rootHref: loc.kind === 'group' ? `/groups/${loc.group.group.id}/files` : loc.kind === 'mine' ? '/files' : '/files/shared',
    rootLabel: loc.kind === 'group' ? t('files.groupRoot') : loc.kind === 'mine' ? t('files.mine') : t('files.shared'),
    ...formActions(loc),
  };
  if (loc.kind === 'group') {
    const g = loc.group;
    const title = loc.folder ? t('files.folderTitle', { name: loc.folder.name, group: g.group.name }) : t('files.groupTitle', { name: g.group.name });
    return reply.page('pages/files/group', { ...data, title, group: g.group, role: g.role, can: groupAbilities(viewer, g) }, status);
  }
  const title = loc.folder ? loc.folder.name : t('files.mine');
  return reply.page('pages/files/drive', { ...data, title }, status);
}
