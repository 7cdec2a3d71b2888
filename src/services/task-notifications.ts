import type { Knex } from 'knex';
import { TaskMember } from '../models/task.js';
import { notify } from './notifications.js';
import type { TaskPeople } from './task-people.js';

interface TaskRef {
  id: number;
  groupId: number | null;
}

/**
 * R-F5: "task assigned": whoever becomes responsible or a participant is told, in the transaction
 * that names them. `before` is who was named until now (nobody, for a new task).
 */
export async function notifyAssigned(trx: Knex.Transaction, actorId: number, task: TaskRef, before: { responsibleId: number | null; participantIds: number[] }, after: TaskPeople): Promise<void> {
  const drafts = [];
  if (after.responsibleId !== before.responsibleId) drafts.push({ userId: after.responsibleId, detail: 'responsible' });
  for (const id of after.participantIds) if (!before.participantIds.includes(id) && id !== after.responsibleId) drafts.push({ userId: id, detail: 'participant' });
  await notify(trx, drafts.map((d) => ({ ...d, kind: 'task.assigned' as const, actorId, groupId: task.groupId, taskId: task.id })));
}

/** R-F5: "task status changed": the creator, the responsible, participants and observers are told. */
export async function notifyStatusChanged(trx: Knex.Transaction, actorId: number, task: TaskRef & { creatorId: number; responsibleId: number }, status: string): Promise<void> {
  const named = await TaskMember.query(trx).where('taskId', task.id).select('userId');
  const people = new Set([task.creatorId, task.responsibleId, ...named.map((m) => m.userId)]);
  await notify(trx, [...people].map((userId) => ({ userId, kind: 'task.status' as const, actorId, groupId: task.groupId, taskId: task.id, detail: status })));
}

/** Participants of a task before a change, to tell only the newly named ones. */
export async function participantIds(trx: Knex.Transaction, taskId: number): Promise<number[]> {
  return (await TaskMember.query(trx).where({ taskId, role: 'participant' }).select('userId')).map((m) => m.userId);
}
