import { rm } from 'node:fs/promises';
import path from 'node:path';
import type { Group } from '../models/group.js';

export function groupImagePath(storageDir: string, key: string): string {
  return path.join(storageDir, 'group-images', key);
}

/** R-G8: after a group is deleted, its files leave the disk too. */
export async function removeGroupFiles(storageDir: string, group: Pick<Group, 'imageKey'>): Promise<void> {
  if (group.imageKey) await rm(groupImagePath(storageDir, group.imageKey), { force: true });
}
