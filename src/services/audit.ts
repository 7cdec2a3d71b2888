import type { Knex } from 'knex';
import { AuditEntry } from '../models/audit-entry.js';
import { User } from '../models/user.js';

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

/**
 * Issue 17 item 7: deleting someone else's comment or message is moderation (R-G4, R-T8), recorded
 * with where it was and whose it was, never with what it said (that is gone on purpose).
 */
export async function recordModeration(trx: Knex.Transaction, actorId: number, action: string, subject: { type: string; id: number; label: string }, authorId: number): Promise<void> {
  const author = await User.query(trx).findById(authorId).select('name');
  await recordAudit(trx, { actorId, action, subjectType: subject.type, subjectId: subject.id, subjectLabel: subject.label, details: { name: author?.name ?? '' } });
}
