import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { FileLink } from '../models/file.js';
import { hashLinkToken } from '../policy/file-scopes.js';
import type { Viewer } from '../policy/viewer.js';
import { itemFor } from './file-changes.js';

/**
 * R-F2: a public link to a file, for anyone who has it, signed in or not. The token (256 random
 * bits) is shown once; only its SHA-256 is kept. A new link replaces the file's previous one.
 */
export async function createPublicLink(db: Knex, viewer: Viewer, fileId: number): Promise<{ token: string }> {
  return db.transaction(async (trx) => {
    await itemFor(trx, viewer, 'file', fileId, 'file:link');
    await FileLink.query(trx).where({ fileId }).whereNull('revokedAt').patch({ revokedAt: new Date() });
    const token = randomBytes(32).toString('base64url');
    await FileLink.query(trx).insert({ fileId, tokenHash: hashLinkToken(token), createdBy: viewer.signedIn ? viewer.id : null });
    return { token };
  });
}

/** R-F2: revoking makes the link answer 404 at once; allowed in an archived group too (it only takes access away). */
export async function revokePublicLink(db: Knex, viewer: Viewer, fileId: number): Promise<boolean> {
  return db.transaction(async (trx) => {
    await itemFor(trx, viewer, 'file', fileId, 'file:unlink');
    const n = await FileLink.query(trx).where({ fileId }).whereNull('revokedAt').patch({ revokedAt: new Date() });
    return n > 0;
  });
}
