import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Group } from '../models/group.js';
import { removeStoredFiles } from './file-storage.js';

export function groupImagePath(storageDir: string, key: string): string {
  return path.join(storageDir, 'group-images', key);
}

/** R-G8: after a group is deleted, its files leave the disk too: its image and its drive's files (keys read before the delete). */
export async function removeGroupFiles(storageDir: string, group: Pick<Group, 'imageKey'>, fileKeys: string[] = []): Promise<void> {
  if (group.imageKey) await rm(groupImagePath(storageDir, group.imageKey), { force: true });
  await removeStoredFiles(storageDir, fileKeys);
}
