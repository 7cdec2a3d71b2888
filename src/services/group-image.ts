import { randomUUID } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import path from 'node:path';
import { fileTypeFromFile } from 'file-type';
import type { Knex } from 'knex';
import { t } from '../i18n/index.js';
import type { FormResult } from '../lib/forms.js';
import { Group } from '../models/group.js';
import type { UploadedFile } from '../plugins/uploads.js';
import type { Viewer } from '../policy/viewer.js';
import { groupImagePath } from './group-storage.js';
import { groupForAction } from './groups.js';

export const GROUP_IMAGE_MAX_BYTES = 2 * 1024 * 1024;
const ACCEPTED = new Set(['image/png', 'image/jpeg', 'image/webp', 'image/gif']);


/** R-G3: the image is checked by its content, not its name, and stored under a generated key. */
export async function setGroupImage(db: Knex, viewer: Viewer, groupId: number, file: UploadedFile | undefined, storageDir: string): Promise<FormResult<Group>> {
  const refuse = (message: string): FormResult<Group> => ({ ok: false, errors: [{ field: 'image', message }] });
  const result = await db.transaction(async (trx) => {
    const { group } = await groupForAction(trx, viewer, groupId, 'group:edit');
    if (!file || file.size === 0) return { result: refuse(t('groups.image.missing')) };
    if (file.size > GROUP_IMAGE_MAX_BYTES) return { result: refuse(t('groups.image.tooLarge')) };
    const type = await fileTypeFromFile(file.tmpPath);
    if (!type || !ACCEPTED.has(type.mime)) return { result: refuse(t('groups.image.wrongType')) };
    const key = randomUUID();
    await mkdir(path.dirname(groupImagePath(storageDir, key)), { recursive: true });
    await rename(file.tmpPath, groupImagePath(storageDir, key));
    const updated = await Group.query(trx).patchAndFetchById(group.id, { imageKey: key, imageType: type.mime, updatedAt: new Date() });
    return { result: { ok: true, value: updated } as FormResult<Group>, previous: group.imageKey };
  });
  if (result.previous) await rm(groupImagePath(storageDir, result.previous), { force: true });
  return result.result;
}

export async function removeGroupImage(db: Knex, viewer: Viewer, groupId: number, storageDir: string): Promise<void> {
  const previous = await db.transaction(async (trx) => {
    const { group } = await groupForAction(trx, viewer, groupId, 'group:edit');
    await Group.query(trx).patchAndFetchById(group.id, { imageKey: null, imageType: null, updatedAt: new Date() });
    return group.imageKey;
  });
  if (previous) await rm(groupImagePath(storageDir, previous), { force: true });
}
