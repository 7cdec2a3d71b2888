import type { Knex } from 'knex';
import { Activity } from '../models/task.js';

/**
 * Whether an `insert … on conflict do nothing returning <column>` wrote a row: objection answers
 * with the inserted model (for one row) or models, which lack the returned column when nothing was
 * written. The column must be one the insert does not set itself (a generated id, a default).
 */
export function wroteRow(result: unknown, column: string): boolean {
  const rows = Array.isArray(result) ? result : [result];
  return rows.some((r) => r !== null && typeof r === 'object' && (r as Record<string, unknown>)[column] !== undefined);
}

/** R-F1: "member joined" in the group's activity stream, in the transaction that adds the member. */
export async function recordMemberJoined(trx: Knex.Transaction, groupId: number, userId: number): Promise<void> {
  await Activity.query(trx).insert({ groupId, actorId: userId, kind: 'member.joined' });
}
