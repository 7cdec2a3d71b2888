import { createHash } from 'node:crypto';
import type { Knex } from 'knex';
import { raw, type Model, type QueryBuilder } from 'objection';
import { DriveFile, DriveShare, FileLink, Folder } from '../models/file.js';
import { Membership, type Role, type Tool, type WriteAccess } from '../models/group.js';
import { activeMembership, usersVisibleTo, type VisibleGroup } from './scopes.js';
import { groupsWithToolFor } from './tool-groups.js';
import type { Viewer } from './viewer.js';

/** A drive, or an item in one, as one viewer meets it (what the file abilities judge). */
export interface DriveContext {
  /** The group of a group drive; null for a personal drive. */
  groupId: number | null;
  /** The owner of a personal drive; null for a group drive. */
  ownerId: number | null;
  /** The viewer's role in the group (null: not an active member). */
  role: Role | null;
  filesWrite: WriteAccess;
  archived: boolean;
  /** Whether the group has the files tool on (R-G3); true for personal drives. */
  toolOn: boolean;
  /** A personal item shared with the viewer, directly or through a folder above it, while its owner is a contact. */
  sharedWithViewer: boolean;
}

/** Folders shared with the person whose id is bound, and every folder below them (a shared folder shares what it holds). */
const SHARED_TREE = `with recursive shared_tree(id) as (
    select ds.folder_id from drive_shares ds where ds.user_id = ? and ds.folder_id is not null
    union
    select child.id from folders child join shared_tree on child.parent_id = shared_tree.id
  ) select id from shared_tree`;

/** Correlated: the owner in `ownerColumn` is someone the viewer may see (R-X4). */
function ownerIsContact(viewer: Viewer, ownerColumn: string): ReturnType<typeof usersVisibleTo> {
  return usersVisibleTo(viewer).select(raw('1')).whereColumn('users.id', ownerColumn);
}

function sharedFileIds(viewerId: number): QueryBuilder<DriveShare> {
  return DriveShare.query().alias('sf').select('sf.fileId').where('sf.userId', viewerId).whereNotNull('sf.fileId');
}

/**
 * R-F2, R-G3, R-X1, R-X4: files in the drives of the viewer's groups that have the files tool on
 * (every such group in admin mode), the viewer's own files, and personal files shared with it
 * (directly or through a shared folder) while their owner is someone it may contact.
 * Personal drives stay private to their owner and the people they are shared with, admin mode included.
 */
export function filesVisibleTo(viewer: Viewer): QueryBuilder<DriveFile> {
  const q = DriveFile.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  // Each arm is an index condition (`= any(array(…))` is computed once, then looked up), so PostgreSQL can
  // read the viewer's few drives and shares first instead of walking every file newest first: an external
  // user's file search read 100,000 files at scale 1. Shared first, then the owner as a contact, per file:
  // everyone the viewer may see is never built as a set for it.
  return q.where((b) =>
    b
      .whereRaw('files.group_id = any(array(?))', [groupsWithToolFor(viewer, 'files')])
      .orWhere('files.ownerId', viewer.id)
      .orWhere((s) =>
        s
          .where((x) => x.whereRaw('files.id = any(array(?))', [sharedFileIds(viewer.id)]).orWhereRaw(`files.folder_id = any(array(${SHARED_TREE}))`, [viewer.id]))
          .whereExists(ownerIsContact(viewer, 'files.ownerId')),
      ),
  );
}

/** Folders by the same rule as files (a shared folder and everything below it). */
export function foldersVisibleTo(viewer: Viewer): QueryBuilder<Folder> {
  const q = Folder.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  return q.where((b) =>
    b
      .whereIn('folders.groupId', groupsWithToolFor(viewer, 'files'))
      .orWhere('folders.ownerId', viewer.id)
      .orWhere((s) => s.whereRaw(`folders.id in (${SHARED_TREE})`, [viewer.id]).whereExists(ownerIsContact(viewer, 'folders.ownerId'))),
  );
}

/** The items shared with the viewer directly (the roots of "Shared with me"), as id subqueries. */
export function sharedWithViewer(viewer: Viewer): { fileIds: QueryBuilder<DriveShare>; folderIds: QueryBuilder<DriveShare> } {
  const id = viewer.signedIn ? viewer.id : 0;
  return {
    fileIds: sharedFileIds(id),
    folderIds: DriveShare.query().alias('sd').select('sd.folderId').where('sd.userId', id).whereNotNull('sd.folderId'),
  };
}

/** Shares of the viewer's own items, naming only people it may still see (R-X1). */
export function sharesVisibleTo(viewer: Viewer): QueryBuilder<DriveShare> {
  const q = DriveShare.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  const mineFiles = DriveFile.query().alias('of').select('of.id').where('of.ownerId', viewer.id);
  const mineFolders = Folder.query().alias('od').select('od.id').where('od.ownerId', viewer.id);
  return q
    .where((b) => b.whereIn('driveShares.fileId', mineFiles).orWhereIn('driveShares.folderId', mineFolders))
    .whereIn('driveShares.userId', usersVisibleTo(viewer).select('users.id'));
}

/** Public links of files the viewer may see. */
export function fileLinksVisibleTo(viewer: Viewer): QueryBuilder<FileLink> {
  return FileLink.query().whereIn('fileLinks.fileId', filesVisibleTo(viewer).select('files.id'));
}

export interface DriveGroupInfo {
  id: number;
  name: string;
  isExtranet: boolean;
  archivedAt: Date | null;
}

type GroupColumns = { gName: string | null; gIsExtranet: boolean | null; gArchivedAt: Date | null; gTools: Tool[] | null; gFilesWrite: WriteAccess | null; viewerRole?: Role | null };

function groupColumns<M extends Model, R>(q: QueryBuilder<M, R>, viewer: Viewer, table: 'files' | 'folders'): QueryBuilder<M, R> {
  q.leftJoin('groups as dg', 'dg.id', `${table}.groupId`).select(`${table}.*`, 'dg.name as gName', 'dg.isExtranet as gIsExtranet', 'dg.archivedAt as gArchivedAt', 'dg.tools as gTools', 'dg.filesWrite as gFilesWrite');
  if (viewer.signedIn) {
    q.select(Membership.query().alias('dm').select('dm.role').where('dm.userId', viewer.id).whereColumn('dm.groupId', `${table}.groupId`).whereRaw(activeMembership('dm')).as('viewerRole'));
  }
  return q;
}

function contextOf(viewer: Viewer, item: { groupId: number | null; ownerId: number | null }, row: GroupColumns): { ctx: DriveContext; group: DriveGroupInfo | null } {
  const ctx: DriveContext = {
    groupId: item.groupId,
    ownerId: item.ownerId,
    role: row.viewerRole ?? null,
    filesWrite: row.gFilesWrite ?? 'members',
    archived: row.gArchivedAt !== null && row.gArchivedAt !== undefined,
    toolOn: item.groupId === null || (row.gTools?.includes('files') ?? false),
    sharedWithViewer: item.ownerId !== null && item.ownerId !== viewer.id,
  };
  const group = item.groupId !== null && row.gName !== null ? { id: item.groupId, name: row.gName, isExtranet: row.gIsExtranet === true, archivedAt: row.gArchivedAt } : null;
  return { ctx, group };
}

function strip<T extends object>(row: T & Partial<GroupColumns>): T {
  for (const k of ['gName', 'gIsExtranet', 'gArchivedAt', 'gTools', 'gFilesWrite', 'viewerRole'] as const) delete row[k];
  return row;
}

export interface VisibleFile {
  file: DriveFile;
  ctx: DriveContext;
  group: DriveGroupInfo | null;
}

/** One file through the scope, with what the abilities need, in one query; undefined when not visible (R-X1). */
export async function findVisibleFile(viewer: Viewer, id: number, trx?: Knex.Transaction): Promise<VisibleFile | undefined> {
  const q = groupColumns(filesVisibleTo(viewer).findById(id), viewer, 'files');
  if (trx) q.transacting(trx);
  const row = (await q) as unknown as (DriveFile & GroupColumns) | undefined;
  if (!row) return undefined;
  const { ctx, group } = contextOf(viewer, row, row);
  return { file: strip(row), ctx, group };
}

export interface VisibleFolder {
  folder: Folder;
  ctx: DriveContext;
  group: DriveGroupInfo | null;
}

export async function findVisibleFolder(viewer: Viewer, id: number, trx?: Knex.Transaction): Promise<VisibleFolder | undefined> {
  const q = groupColumns(foldersVisibleTo(viewer).findById(id), viewer, 'folders');
  if (trx) q.transacting(trx);
  const row = (await q) as unknown as (Folder & GroupColumns) | undefined;
  if (!row) return undefined;
  const { ctx, group } = contextOf(viewer, row, row);
  return { folder: strip(row), ctx, group };
}

/** The drive of a group the viewer has loaded (R-G3: tool, archive, files_write, role). */
export function groupDriveContext(found: VisibleGroup): DriveContext {
  const g = found.group;
  return { groupId: g.id, ownerId: null, role: found.role, filesWrite: g.filesWrite, archived: g.archivedAt !== null, toolOn: g.tools.includes('files'), sharedWithViewer: false };
}

/** The viewer's own drive. */
export function personalDriveContext(ownerId: number): DriveContext {
  return { groupId: null, ownerId, role: null, filesWrite: 'members', archived: false, toolOn: true, sharedWithViewer: false };
}

/** Public link tokens are kept only as their SHA-256 (R-F2). */
export function hashLinkToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/**
 * R-F2: the one read that needs no viewer: the file behind a public link that has not been
 * revoked, while its group (if any) keeps the files tool on. Anything else is undefined (404).
 */
export async function fileForPublicToken(token: unknown): Promise<DriveFile | undefined> {
  if (typeof token !== 'string' || !/^[A-Za-z0-9_-]{43}$/.test(token)) return undefined;
  return DriveFile.query()
    .join('fileLinks as fl', 'fl.fileId', 'files.id')
    .leftJoin('groups as lg', 'lg.id', 'files.groupId')
    .where('fl.tokenHash', hashLinkToken(token))
    .whereNull('fl.revokedAt')
    .where((b) => b.whereNull('files.groupId').orWhereRaw("'files' = any(lg.tools)"))
    .select('files.*')
    .first();
}
