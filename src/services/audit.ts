import type { Knex } from 'knex';
import { AuditEntry } from '../models/audit-entry.js';

export interface AuditInput {
  actorId: number | null;
  action: string;
  subjectType: string;
  subjectId?: number | null;
  subjectLabel?: string;
  details?: Record<string, unknown>;
}

/** Records an administrative or destructive action, inside the caller's transaction. */
export async function recordAudit(trx: Knex.Transaction | Knex, entry: AuditInput): Promise<void> {
  await AuditEntry.query(trx).insert({
    actorId: entry.actorId,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId ?? null,
    subjectLabel: (entry.subjectLabel ?? '').slice(0, 300),
    details: entry.details ?? {},
  });
}
