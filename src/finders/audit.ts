import { describeAuditDetails } from '../lib/audit-details.js';
import { decodeCursor, toPage, type Page } from '../lib/keyset.js';
import { auditEntriesVisibleTo } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';

export interface AuditRow {
  id: number;
  createdAt: Date;
  action: string;
  subjectType: string;
  subjectId: number | null;
  subjectLabel: string;
  actorName: string | null;
  /** The details in words (what changed, whom it concerned). */
  detail: string;
}

/** Newest first, keyset-paged on the id (ids only grow); the actor's name in the same query. */
export async function findAuditEntries(viewer: Viewer, after: unknown, pageSize = 50): Promise<Page<AuditRow>> {
  const q = auditEntriesVisibleTo(viewer)
    .leftJoin('users', 'users.id', 'auditLog.actorId')
    .select('auditLog.id', 'auditLog.createdAt', 'auditLog.action', 'auditLog.subjectType', 'auditLog.subjectId', 'auditLog.subjectLabel', 'auditLog.details', 'users.name as actorName');
  const cursor = decodeCursor(after, ['number']);
  if (cursor) q.where('auditLog.id', '<', cursor[0] as number);
  const rows = (await q.orderBy('auditLog.id', 'desc').limit(pageSize + 1)) as unknown as (Omit<AuditRow, 'detail'> & { details: Record<string, unknown> | null })[];
  const described = rows.map(({ details, ...r }) => ({ ...r, detail: describeAuditDetails(r.action, details) }));
  return toPage(described, pageSize, (r) => [r.id]);
}
