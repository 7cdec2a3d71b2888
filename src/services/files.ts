import { fileTypeFromFile } from 'file-type';
import type { Knex } from 'knex';
import { t } from '../i18n/index.js';
import { ForbiddenError, HttpError, NotFoundError } from '../lib/errors.js';
import { checkTypedName, safeMimeType, sanitizeUploadName, type NameProblem } from '../lib/file-names.js';
import type { FieldError, FormResult } from '../lib/forms.js';
import { DriveFile, Folder } from '../models/file.js';
import { Group } from '../models/group.js';
import { Activity } from '../models/task.js';
import type { UploadedFile } from '../plugins/uploads.js';
import { can } from '../policy/abilities.js';
import { findVisibleFolder, groupDriveContext, personalDriveContext, type DriveContext } from '../policy/file-scopes.js';
import { findVisibleGroup } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';
import { removeStoredFiles, storeUpload } from './file-storage.js';
import { getSettings } from './settings.js';
import { answeredMeanwhile, recordSubmission, type Submission } from './submissions.js';

/** The largest upload any route accepts (the settings' ceiling); the settings' own limit is checked per request. */
export const MAX_UPLOAD_BYTES = 10240 * 1024 * 1024;
const MB = 1024 * 1024;

/** R-F2: an upload above the configured limit; answered with 413 and the limit in words. */
export class UploadTooLargeError extends HttpError {
  constructor(readonly limitMb: number) {
    super(413, t('files.upload.tooLarge', { limit: limitMb }));
  }
}

/** Where new content goes: a group's drive or the viewer's own. */
export type DriveTarget = { groupId: number } | { personal: true };

export const fail = <T>(field: string, message: string): FormResult<T> => ({ ok: false, errors: [{ field, message }] });

export function nameError(field: string, problem: NameProblem): FieldError {
  const message = problem === 'required' ? t('files.name.required') : problem === 'tooLong' ? t('files.name.tooLong') : t('files.name.invalid');
  return { field, message };
}

/** The drive as the viewer meets it, read inside the transaction; a group drive's row is share-locked so a group delete cannot miss a file. */
export async function resolveDrive(trx: Knex.Transaction, viewer: Viewer, target: DriveTarget): Promise<DriveContext> {
  if (!viewer.signedIn) throw new NotFoundError();
  if ('personal' in target) return personalDriveContext(viewer.id);
  await Group.query(trx).findById(target.groupId).forShare();
  const found = await findVisibleGroup(viewer, target.groupId, trx);
  if (!found) throw new NotFoundError();
  const ctx = groupDriveContext(found);
  if (!can(viewer, 'file:view', ctx)) throw new NotFoundError();
  return ctx;
}

/** A folder of this drive the viewer may see, or null for the drive's top; anything else is a 404. */
export async function folderInDrive(trx: Knex.Transaction, viewer: Viewer, drive: DriveContext, folderId: number | null): Promise<Folder | null> {
  if (folderId === null) return null;
  const found = await findVisibleFolder(viewer, folderId, trx);
  if (!found || found.folder.groupId !== drive.groupId || found.folder.ownerId !== drive.ownerId) throw new NotFoundError();
  return found.folder;
}

function mayWrite(viewer: Viewer, drive: DriveContext): void {
  if (!can(viewer, 'file:write', drive)) throw new ForbiddenError(drive.archived ? t('files.archived') : t('files.cannotWrite'));
}

/**
 * R-F2, R-G3, R-G7: stores an uploaded file (already streamed to a temporary file by the uploads
 * plugin) under a generated key, listed under its sanitised name. Above the configured limit: 413.
 */
export async function uploadFile(db: Knex, viewer: Viewer, target: DriveTarget, folderId: number | null, file: UploadedFile | undefined, storageDir: string, once: Submission<DriveFile> | null = null): Promise<FormResult<DriveFile>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  const { uploadLimitMb } = await getSettings();
  if (file && file.size > uploadLimitMb * MB) throw new UploadTooLargeError(uploadLimitMb);
  let storedKey: string | null = null;
  try {
    return await db.transaction(async (trx) => {
      const drive = await resolveDrive(trx, viewer, target);
      mayWrite(viewer, drive);
      const folder = await folderInDrive(trx, viewer, drive, folderId);
      // A form sent without choosing a file still carries an empty, nameless part.
      if (!file || (file.size === 0 && !file.filename)) return fail<DriveFile>('file', t('files.upload.missing'));
      const detected = await fileTypeFromFile(file.tmpPath).catch(() => undefined);
      const mimeType = detected?.mime ?? safeMimeType(file.mimetype);
      storedKey = await storeUpload(storageDir, file.tmpPath);
      const row = await DriveFile.query(trx).insertAndFetch({
        groupId: drive.groupId,
        ownerId: drive.ownerId,
        folderId: folder?.id ?? null,
        name: sanitizeUploadName(file.filename),
        storageKey: storedKey,
        mimeType,
        size: file.size,
        uploadedBy: viewer.id,
      });
      // R-F1: "file uploaded" is an activity event of the group.
      if (drive.groupId !== null) await Activity.query(trx).insert({ groupId: drive.groupId, actorId: viewer.id, kind: 'file.uploaded', subjectLabel: row.name });
      await recordSubmission(trx, once, row);
      return { ok: true, value: row };
    });
  } catch (err) {
    if (storedKey) await removeStoredFiles(storageDir, [storedKey]);
    throw err;
  }
}

export function isSiblingNameClash(err: unknown): boolean {
  return (err as { constraint?: string }).constraint === 'folders_sibling_name';
}

/** R-F2: a new folder in a drive (or in one of its folders); sibling folders have distinct names. */
export async function createFolder(db: Knex, viewer: Viewer, target: DriveTarget, parentId: number | null, rawName: unknown, once: Submission<Folder> | null = null): Promise<FormResult<Folder>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  const checked = checkTypedName(rawName);
  try {
    return await db.transaction(async (trx) => {
      const drive = await resolveDrive(trx, viewer, target);
      mayWrite(viewer, drive);
      const parent = await folderInDrive(trx, viewer, drive, parentId);
      if (!checked.ok) return { ok: false, errors: [nameError('name', checked.problem)] };
      const folder = await Folder.query(trx).insertAndFetch({ groupId: drive.groupId, ownerId: drive.ownerId, parentId: parent?.id ?? null, name: checked.name, createdBy: viewer.id });
      await recordSubmission(trx, once, folder);
      return { ok: true, value: folder };
    });
  } catch (err) {
    if (!isSiblingNameClash(err)) throw err;
    await answeredMeanwhile(db, once);
    return fail('name', t('files.folder.exists'));
  }
}
