import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Knex } from 'knex';
import { DriveFile } from '../models/file.js';

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * R-F2: where a stored file's bytes live. Only generated keys reach the file system (never a
 * name someone typed), spread over 256 folders so no folder grows too large.
 */
export function storedFilePath(storageDir: string, key: string): string {
  if (!KEY.test(key)) throw new Error('not a storage key');
  return path.join(storageDir, 'files', key.slice(0, 2), key);
}

/** Moves an uploaded temporary file to its place under a new key; the uploads plugin then has nothing left to delete. */
export async function storeUpload(storageDir: string, tmpPath: string): Promise<string> {
  const key = randomUUID();
  const target = storedFilePath(storageDir, key);
  await mkdir(path.dirname(target), { recursive: true });
  await rename(tmpPath, target);
  return key;
}

/** Removes stored files; called only after the rows that named them are gone for good. */
export async function removeStoredFiles(storageDir: string, keys: string[]): Promise<void> {
  await Promise.all(keys.filter((k) => KEY.test(k)).map((k) => rm(storedFilePath(storageDir, k), { force: true })));
}

/** Storage keys of a group's files, read before the group is deleted (its rows go by ON DELETE CASCADE). */
export async function groupFileKeys(trx: Knex.Transaction, groupId: number): Promise<string[]> {
  const rows = await DriveFile.query(trx).where('groupId', groupId).select('storageKey');
  return rows.map((r) => r.storageKey);
}

/** Storage keys of every file in a folder and the folders below it. */
export async function folderTreeFileKeys(trx: Knex.Transaction, folderId: number): Promise<string[]> {
  const rows = await DriveFile.query(trx)
    .whereRaw('files.folder_id in (with recursive tree(id) as (select ?::int union select f.id from folders f join tree on f.parent_id = tree.id) select id from tree)', [folderId])
    .select('storageKey');
  return rows.map((r) => r.storageKey);
}
