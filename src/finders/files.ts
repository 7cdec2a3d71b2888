import type { Model, QueryBuilder } from 'objection';
import { decodeCursor, toPage, type Page } from '../lib/keyset.js';
import { fileLinksVisibleTo, filesVisibleTo, foldersVisibleTo, sharedWithViewer, sharesVisibleTo } from '../policy/file-scopes.js';
import { usersVisibleTo } from '../policy/scopes.js';
import { scopeShapeKey, scopeStandIn, type SignedInViewer, type Viewer } from '../policy/viewer.js';
import { QueryTemplate, type TemplateValue } from '../db/query-template.js';
import { viewerQuery } from '../policy/viewer-query.js';
import { DriveFile } from '../models/file.js';

export const FILES_PAGE_SIZE = 100;
/** Folders of one folder are listed whole up to this many (folders are few; files are paged). */
export const FOLDERS_SHOWN = 500;

/** A drive: a group's, or a person's own. */
export type Drive = { groupId: number } | { ownerId: number };

export interface FolderRow {
  id: number;
  name: string;
  parentId: number | null;
}

export interface FileRow {
  id: number;
  name: string;
  mimeType: string;
  size: number;
  updatedAt: Date;
  uploaderName: string | null;
  uploaderIsExtranet: boolean;
}

/** What a drive listing's text depends on besides its values (the viewer's id, the drive's, the folder's, the cursor's). */
interface ListingShape {
  viewer: SignedInViewer;
  drive: 'group' | 'owner';
  /** At the drive's top (no folder). */
  top: boolean;
  cursor: boolean;
  limit: number;
}

const listingKey = (s: ListingShape) => `${scopeShapeKey(s.viewer)}|${s.drive}|${s.top}|${s.cursor}|${s.limit}`;

function inDrive<M extends Model, R>(q: QueryBuilder<M, R>, table: 'files' | 'folders', s: ListingShape, driveId: TemplateValue, folderId: TemplateValue): QueryBuilder<M, R> {
  q.where(`${table}.${s.drive === 'group' ? 'groupId' : 'ownerId'}`, driveId);
  const parent = table === 'files' ? 'files.folderId' : 'folders.parentId';
  return s.top ? q.whereNull(parent) : q.where(parent, folderId);
}

/** The folders of one folder, built once per shape. Values: the viewer's id, the drive's, the folder's. */
const folderListing = new QueryTemplate((s: ListingShape, [me = 0, driveId = 0, folderId = 0]: readonly number[]) =>
  inDrive(foldersVisibleTo(scopeStandIn(s.viewer, me)).select('folders.id', 'folders.name', 'folders.parentId'), 'folders', s, driveId, folderId)
    .orderByRaw('lower(folders.name), folders.id')
    .limit(s.limit)
    .toKnexQuery(),
);

/** A page of one folder's files, built once per shape. Values: the viewer's id, the drive's, the folder's, then the cursor's. */
const fileListing = new QueryTemplate((s: ListingShape, [me = 0, driveId = 0, folderId = 0, afterName = 0, afterId = 0]: readonly number[]) => {
  const viewer = scopeStandIn(s.viewer, me);
  // An uploader the viewer may no longer see (R-X1) is left unnamed.
  const uploaders = usersVisibleTo(viewer).select('users.id', 'users.name', 'users.isExtranet').as('up');
  const q = filesVisibleTo(viewer)
    .leftJoin(uploaders, 'up.id', 'files.uploadedBy')
    .select('files.id', 'files.name', 'files.mimeType', 'files.size', 'files.updatedAt', 'up.name as uploaderName', 'up.isExtranet as uploaderIsExtranet');
  inDrive(q, 'files', s, driveId, folderId);
  if (s.cursor) q.whereRaw('(lower(files.name), files.id) > (?, ?)', [afterName, afterId]);
  return q.orderByRaw('lower(files.name), files.id').limit(s.limit).toKnexQuery();
});

const driveValues = (drive: Drive, folderId: number | null): [string, number, number] =>
  'groupId' in drive ? ['group', drive.groupId, folderId ?? 0] : ['owner', drive.ownerId, folderId ?? 0];

/** The folders directly inside a folder (or at the drive's top), by name. */
export async function findFolders(viewer: Viewer, drive: Drive, parentId: number | null): Promise<FolderRow[]> {
  if (!viewer.signedIn) return [];
  const [kind, driveId, folderId] = driveValues(drive, parentId);
  const shape: ListingShape = { viewer, drive: kind === 'group' ? 'group' : 'owner', top: parentId === null, cursor: false, limit: FOLDERS_SHOWN };
  return folderListing.rows<FolderRow>(DriveFile.knex(), listingKey(shape), shape, [viewer.id, driveId, folderId]);
}

/** R-F2: the files directly inside a folder (or at the drive's top), by name, keyset-paged; one query a page. */
export async function findFiles(viewer: Viewer, drive: Drive, folderId: number | null, after: unknown, pageSize = FILES_PAGE_SIZE): Promise<Page<FileRow>> {
  if (!viewer.signedIn) return { items: [], nextCursor: null };
  const [kind, driveId, folder] = driveValues(drive, folderId);
  const cursor = decodeCursor(after, ['string', 'number']);
  const shape: ListingShape = { viewer, drive: kind === 'group' ? 'group' : 'owner', top: folderId === null, cursor: cursor !== null, limit: pageSize + 1 };
  const rows = await fileListing.rows<FileRow>(DriveFile.knex(), listingKey(shape), shape, [viewer.id, driveId, folder, ...(cursor ?? [])]);
  const page = toPage(rows, pageSize, (r) => [r.name.toLowerCase(), r.id]);
  return { nextCursor: page.nextCursor, items: page.items.map((r) => ({ ...r, size: Number(r.size), uploaderIsExtranet: r.uploaderIsExtranet === true })) };
}

/**
 * The visible folders above a folder, top first, ending with the folder itself. In a shared
 * folder the trail starts at the highest folder the viewer may see (R-X1).
 */
export async function findFolderTrail(viewer: Viewer, folderId: number): Promise<FolderRow[]> {
  const rows = (await foldersVisibleTo(viewer)
    .whereRaw('folders.id in (with recursive up(id, parent_id, depth) as (select id, parent_id, 0 from folders where id = ? union all select f.id, f.parent_id, up.depth + 1 from folders f join up on f.id = up.parent_id where up.depth < 100) select id from up)', [folderId])
    .select('folders.id', 'folders.name', 'folders.parentId')) as FolderRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const trail: FolderRow[] = [];
  for (let f = byId.get(folderId); f && trail.length <= 100; f = f.parentId === null ? undefined : byId.get(f.parentId)) trail.unshift(f);
  return trail;
}

/** The folders below one folder, at any depth, the folder itself included (SQL, one parameter: the folder's id). */
const SUBTREE = 'with recursive tree(id) as (select ?::int union select f.id from folders f join tree on f.parent_id = tree.id) select id from tree';

/** Issue 17 item 7: what deleting a folder takes with it: the files and folders inside, at any depth (one query). */
export async function countFolderContents(viewer: Viewer, folderId: number): Promise<{ files: number; folders: number }> {
  const files = filesVisibleTo(viewer).whereRaw(`files.folder_id in (${SUBTREE})`, [folderId]).count({ n: '*' });
  const folders = foldersVisibleTo(viewer).whereRaw(`folders.id in (${SUBTREE})`, [folderId]).whereNot('folders.id', folderId).count({ n: '*' });
  const row = (await DriveFile.knex().select({ files: files.toKnexQuery(), folders: folders.toKnexQuery() }).first()) as { files: string | number; folders: string | number };
  return { files: Number(row.files), folders: Number(row.folders) };
}

export interface FolderChoice {
  id: number;
  path: string;
}

/** Every folder of a drive as a path ("Plans / 2026"), for the move form; bounded. */
export async function findFolderChoices(viewer: Viewer, drive: Drive, limit = 1000): Promise<FolderChoice[]> {
  const q = foldersVisibleTo(viewer).select('folders.id', 'folders.name', 'folders.parentId').orderBy('folders.id').limit(limit);
  if ('groupId' in drive) q.where('folders.groupId', drive.groupId);
  else q.where('folders.ownerId', drive.ownerId);
  const rows = (await q) as FolderRow[];
  const byId = new Map(rows.map((r) => [r.id, r]));
  const pathOf = (r: FolderRow): string => {
    const names: string[] = [];
    for (let f: FolderRow | undefined = r; f && names.length < 50; f = f.parentId === null ? undefined : byId.get(f.parentId)) names.unshift(f.name);
    return names.join(' / ');
  };
  return rows.map((r) => ({ id: r.id, path: pathOf(r) })).sort((a, b) => a.path.localeCompare(b.path));
}

export interface SharedRow {
  kind: 'file' | 'folder';
  id: number;
  name: string;
  size: number | null;
  ownerId: number;
  ownerName: string;
  ownerIsExtranet: boolean;
}

/** R-F2: the files and folders shared with the viewer directly, newest first (bounded; two queries). */
export async function findSharedWithMe(viewer: Viewer, limit = 200): Promise<SharedRow[]> {
  const roots = sharedWithViewer(viewer);
  const [folders, files] = await Promise.all([
    foldersVisibleTo(viewer).whereIn('folders.id', roots.folderIds).join('users as o', 'o.id', 'folders.ownerId').select('folders.id', 'folders.name', 'folders.ownerId', 'o.name as ownerName', 'o.isExtranet as ownerIsExtranet').orderBy('folders.id', 'desc').limit(limit),
    filesVisibleTo(viewer).whereIn('files.id', roots.fileIds).join('users as o', 'o.id', 'files.ownerId').select('files.id', 'files.name', 'files.size', 'files.ownerId', 'o.name as ownerName', 'o.isExtranet as ownerIsExtranet').orderBy('files.id', 'desc').limit(limit),
  ]);
  type Row = { id: number; name: string; size?: number; ownerId: number; ownerName: string; ownerIsExtranet: boolean };
  const shape = (kind: 'file' | 'folder') => (r: Row): SharedRow => ({ kind, id: r.id, name: r.name, size: r.size === undefined ? null : Number(r.size), ownerId: r.ownerId, ownerName: r.ownerName, ownerIsExtranet: r.ownerIsExtranet === true });
  return [...(folders as unknown as Row[]).map(shape('folder')), ...(files as unknown as Row[]).map(shape('file'))];
}

export interface ShareRow {
  userId: number;
  name: string;
  email: string;
  isExtranet: boolean;
}

/** The people one of the viewer's own items is shared with. */
export async function findShares(viewer: Viewer, item: { fileId: number } | { folderId: number }): Promise<ShareRow[]> {
  const q = sharesVisibleTo(viewer).join('users', 'users.id', 'driveShares.userId').select('users.id as userId', 'users.name', 'users.email', 'users.isExtranet').orderByRaw('lower(users.name)').limit(500);
  if ('fileId' in item) q.where('driveShares.fileId', item.fileId);
  else q.where('driveShares.folderId', item.folderId);
  return (await q) as unknown as ShareRow[];
}

/** Whether a file has a public link that works. */
export async function findActiveLink(viewer: Viewer, fileId: number): Promise<{ createdAt: Date } | null> {
  const row = await fileLinksVisibleTo(viewer).where('fileLinks.fileId', fileId).whereNull('fileLinks.revokedAt').select('fileLinks.createdAt').first();
  return row ? { createdAt: row.createdAt } : null;
}

/** How many people are offered to share with or to chat with. */
const SHARE_CANDIDATES = 200;

/** People the viewer may share with, offered as suggestions (the service checks again). */
export async function findShareCandidates(viewer: Viewer): Promise<{ name: string; email: string }[]> {
  if (!viewer.signedIn) return [];
  return shareCandidates(DriveFile.knex(), viewer, []);
}

/** Built once per kind of viewer: the list is on every chat list and shared file's page. */
const shareCandidates = viewerQuery<{ name: string; email: string }>((viewer) =>
  usersVisibleTo(viewer).whereNull('users.deactivatedAt').whereNot('users.id', viewer.id).select('users.name', 'users.email').orderByRaw('lower(users.name), users.id').limit(SHARE_CANDIDATES).toKnexQuery(),
);
