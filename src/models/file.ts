import { BaseModel } from './base-model.js';

/** A folder in a drive: a group's (groupId) or a person's own (ownerId), never both (R-F2). */
export class Folder extends BaseModel {
  static override tableName = 'folders';

  id!: number;
  groupId!: number | null;
  ownerId!: number | null;
  parentId!: number | null;
  name!: string;
  createdBy!: number | null;
  createdAt!: Date;
  updatedAt!: Date;
}

/** A stored file; `name` is for display only, the bytes live under `storageKey` (R-F2). */
export class DriveFile extends BaseModel {
  static override tableName = 'files';

  id!: number;
  groupId!: number | null;
  ownerId!: number | null;
  folderId!: number | null;
  name!: string;
  storageKey!: string;
  mimeType!: string;
  size!: number;
  uploadedBy!: number | null;
  createdAt!: Date;
  updatedAt!: Date;
}

/** A personal file or folder shared with one person (R-F2, R-X4). */
export class DriveShare extends BaseModel {
  static override tableName = 'drive_shares';

  id!: number;
  fileId!: number | null;
  folderId!: number | null;
  userId!: number;
  sharedBy!: number | null;
  createdAt!: Date;
}

/** A public link to one file; only the token's hash is kept (R-F2). */
export class FileLink extends BaseModel {
  static override tableName = 'file_links';

  id!: number;
  fileId!: number;
  tokenHash!: string;
  createdBy!: number | null;
  createdAt!: Date;
  revokedAt!: Date | null;
}
