import type { Knex } from 'knex';
import { t } from '../i18n/index.js';
import type { FormResult } from '../lib/forms.js';
import { DriveShare } from '../models/file.js';
import { usersVisibleTo } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';
import { itemFor, type ItemKind } from './file-changes.js';
import { fail } from './files.js';

/**
 * R-F2, R-X4: the owner shares a personal file or folder with a person it may contact (found
 * through usersVisibleTo, so an external owner reaches only its contacts). Read-only for them.
 */
export async function shareItem(db: Knex, viewer: Viewer, kind: ItemKind, id: number, rawEmail: unknown): Promise<FormResult<{ name: string }>> {
  if (!viewer.signedIn) return fail('email', t('files.share.unknown'));
  const email = typeof rawEmail === 'string' ? rawEmail.trim().toLowerCase() : '';
  return db.transaction(async (trx) => {
    await itemFor(trx, viewer, kind, id, 'file:share');
    if (email === '') return fail<{ name: string }>('email', t('files.share.required'));
    if (email.length > 254 || email.includes('\u0000')) return fail<{ name: string }>('email', t('files.share.unknown'));
    const person = await usersVisibleTo(viewer).transacting(trx).whereRaw('lower(users.email) = ?', [email]).whereNull('users.deactivatedAt').select('users.id', 'users.name').first();
    if (!person) return fail<{ name: string }>('email', t('files.share.unknown'));
    if (person.id === viewer.id) return fail<{ name: string }>('email', t('files.share.self'));
    const existing = await DriveShare.query(trx).where(kind === 'file' ? { fileId: id } : { folderId: id }).where('userId', person.id).first();
    if (!existing) await DriveShare.query(trx).insert({ fileId: kind === 'file' ? id : null, folderId: kind === 'folder' ? id : null, userId: person.id, sharedBy: viewer.id });
    return { ok: true, value: { name: person.name } };
  });
}

/** The owner stops sharing an item with one person. */
export async function unshareItem(db: Knex, viewer: Viewer, kind: ItemKind, id: number, userId: number): Promise<void> {
  await db.transaction(async (trx) => {
    await itemFor(trx, viewer, kind, id, 'file:share');
    await DriveShare.query(trx).where(kind === 'file' ? { fileId: id } : { folderId: id }).where('userId', userId).delete();
  });
}
