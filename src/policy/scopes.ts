import type { QueryBuilder } from 'objection';
import { AuditEntry } from '../models/audit-entry.js';
import { User } from '../models/user.js';
import type { Viewer } from './viewer.js';
import { isSuperuser } from './viewer.js';

/**
 * Scopes: every read starts here. Each returns a query already narrowed to what the
 * viewer may see; "not visible" and "does not exist" are the same empty result (R-X1).
 */
export function usersVisibleTo(viewer: Viewer): QueryBuilder<User> {
  const q = User.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  if (isSuperuser(viewer)) return q;
  if (viewer.isExtranet) return q.where('users.id', viewer.id);
  return q.where((b) => b.where('users.isExtranet', false).orWhere('users.id', viewer.id));
}

/** SPEC §6: the audit log is for administrators in admin mode. */
export function auditEntriesVisibleTo(viewer: Viewer): QueryBuilder<AuditEntry> {
  const q = AuditEntry.query();
  return isSuperuser(viewer) ? q : q.whereRaw('false');
}
