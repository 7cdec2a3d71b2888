import type { Knex } from 'knex';
import { t } from '../i18n/index.js';
import { ForbiddenError } from '../lib/errors.js';
import { checkTypedName } from '../lib/file-names.js';
import type { FormResult } from '../lib/forms.js';
import { DriveFile, Folder } from '../models/file.js';
import { can, type Action } from '../policy/abilities.js';
import type { DriveContext } from '../policy/file-scopes.js';
import { lockVisibleFile, lockVisibleFolder } from '../policy/locks.js';
import type { Viewer } from '../policy/viewer.js';
import { folderTreeFileKeys, removeStoredFiles } from './file-storage.js';
import { fail, folderInDrive, isSiblingNameClash, nameError } from './files.js';

export type ItemKind = 'file' | 'folder';

interface Item {
  kind: ItemKind;
  id: number;
  name: string;
  ctx: DriveContext;
  /** The folder holding the item (files) or its parent (folders). */
  parentId: number | null;
  storageKey: string | null;
}

/** A file or folder the viewer may see (404 otherwise), locked for this transaction, that it may change in the given way (403). */
export async function itemFor(trx: Knex.Transaction, viewer: Viewer, kind: ItemKind, id: number, ability: Action & `file:${string}`): Promise<Item> {
  let item: Item;
  if (kind === 'file') {
    const found = await lockVisibleFile(trx, viewer, id);
    item = { kind, id, name: found.file.name, ctx: found.ctx, parentId: found.file.folderId, storageKey: found.file.storageKey };
  } else {
    const found = await lockVisibleFolder(trx, viewer, id);
    item = { kind, id, name: found.folder.name, ctx: found.ctx, parentId: found.folder.parentId, storageKey: null };
  }
  if (!can(viewer, ability as 'file:write', item.ctx)) throw new ForbiddenError(item.ctx.archived ? t('files.archived') : t('files.cannotWrite'));
  return item;
}

/** R-F2: rename a file or folder; the new name is checked, never silently changed. */
export async function renameItem(db: Knex, viewer: Viewer, kind: ItemKind, id: number, rawName: unknown): Promise<FormResult<{ name: string }>> {
  try {
    return await db.transaction(async (trx) => {
      await itemFor(trx, viewer, kind, id, 'file:write');
      const checked = checkTypedName(rawName);
      if (!checked.ok) return { ok: false, errors: [nameError('name', checked.problem)] };
      const patch = { name: checked.name, updatedAt: new Date() };
      if (kind === 'file') await DriveFile.query(trx).findById(id).patch(patch);
      else await Folder.query(trx).findById(id).patch(patch);
      return { ok: true, value: { name: checked.name } };
    });
  } catch (err) {
    if (isSiblingNameClash(err)) return fail('name', t('files.folder.exists'));
    throw err;
  }
}

/** Whether `candidateId` is the folder itself or lies below it (a folder cannot move into itself). */
async function isInSubtree(trx: Knex.Transaction, folderId: number, candidateId: number): Promise<boolean> {
  const hit = await Folder.query(trx)
    .whereRaw('folders.id in (with recursive tree(id) as (select ?::int union select f.id from folders f join tree on f.parent_id = tree.id) select id from tree)', [folderId])
    .where('folders.id', candidateId)
    .first();
  return hit !== undefined;
}

/** R-F2: move a file or folder to another folder of the same drive (or its top); `rawTarget` is '' for the top. */
export async function moveItem(db: Knex, viewer: Viewer, kind: ItemKind, id: number, rawTarget: unknown): Promise<FormResult<{ folderId: number | null }>> {
  const target = typeof rawTarget === 'string' ? rawTarget.trim() : '';
  if (typeof rawTarget !== 'string' || (target !== '' && !/^[1-9]\d{0,9}$/.test(target))) return fail('folder', t('files.move.invalid'));
  const targetId = target === '' ? null : Number(target);
  if (targetId !== null && targetId > 2147483647) return fail('folder', t('files.move.invalid'));
  try {
    return await db.transaction(async (trx) => {
      const item = await itemFor(trx, viewer, kind, id, 'file:write');
      const folder = await folderInDrive(trx, viewer, item.ctx, targetId).catch(() => undefined);
      if (folder === undefined) return fail<{ folderId: number | null }>('folder', t('files.move.invalid'));
      if (kind === 'folder' && folder && (await isInSubtree(trx, id, folder.id))) return fail<{ folderId: number | null }>('folder', t('files.move.intoItself'));
      if (kind === 'file') await DriveFile.query(trx).findById(id).patch({ folderId: folder?.id ?? null, updatedAt: new Date() });
      else await Folder.query(trx).findById(id).patch({ parentId: folder?.id ?? null, updatedAt: new Date() });
      return { ok: true, value: { folderId: folder?.id ?? null } };
    });
  } catch (err) {
    if (isSiblingNameClash(err)) return fail('folder', t('files.move.nameTaken'));
    throw err;
  }
}

/** R-F2: delete a file, or a folder with everything in it; the bytes leave the disk after the rows are gone. */
export async function deleteItem(db: Knex, viewer: Viewer, kind: ItemKind, id: number, storageDir: string): Promise<{ parentId: number | null; ctx: DriveContext }> {
  const { keys, item } = await db.transaction(async (trx) => {
    const item = await itemFor(trx, viewer, kind, id, 'file:write');
    if (kind === 'file') {
      await DriveFile.query(trx).deleteById(id);
      return { keys: item.storageKey ? [item.storageKey] : [], item };
    }
    const keys = await folderTreeFileKeys(trx, id);
    await Folder.query(trx).deleteById(id);
    return { keys, item };
  });
  await removeStoredFiles(storageDir, keys);
  return { parentId: item.parentId, ctx: item.ctx };
}
