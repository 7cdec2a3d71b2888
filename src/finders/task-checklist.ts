import { CHECKLIST_MAX_ITEMS, Task, type TaskEventKind } from '../models/task.js';
import { usersVisibleTo } from '../policy/scopes.js';
import { checklistItemsVisibleTo, taskEventsVisibleTo } from '../policy/task-scopes.js';
import type { Viewer } from '../policy/viewer.js';
import { viewerQuery } from '../policy/viewer-query.js';

export interface ChecklistRow {
  id: number;
  text: string;
  done: boolean;
}

export const checklist = viewerQuery<ChecklistRow>((viewer, [taskId]) =>
  checklistItemsVisibleTo(viewer)
    .where('taskChecklistItems.taskId', taskId ?? 0)
    .select('taskChecklistItems.id', 'taskChecklistItems.text', 'taskChecklistItems.done')
    .orderBy(['taskChecklistItems.position', 'taskChecklistItems.id'])
    .limit(CHECKLIST_MAX_ITEMS)
    .toKnexQuery(),
);

/** R-T9: a visible task's checklist in its order (bounded by the service's maximum). */
export async function findChecklist(viewer: Viewer, taskId: number): Promise<ChecklistRow[]> {
  return viewer.signedIn ? checklist(Task.knex(), viewer, [taskId]) : [];
}

export interface TaskEventRow {
  id: number;
  kind: TaskEventKind;
  label: string;
  createdAt: Date;
  /** Null when the actor is no one the viewer may see (R-X1, R-T6): shown as "someone". */
  actorName: string | null;
  actorIsExtranet: boolean | null;
}

/** R-T9: the task's own history, newest first, the latest 50. */
export const taskEvents = viewerQuery<TaskEventRow>((viewer, [taskId]) => {
  const actors = usersVisibleTo(viewer).select('users.id', 'users.name', 'users.isExtranet').as('ac');
  return taskEventsVisibleTo(viewer)
    .leftJoin(actors, 'ac.id', 'taskEvents.actorId')
    .where('taskEvents.taskId', taskId ?? 0)
    .select('taskEvents.id', 'taskEvents.kind', 'taskEvents.label', 'taskEvents.createdAt', 'ac.name as actorName', 'ac.isExtranet as actorIsExtranet')
    .orderBy('taskEvents.id', 'desc')
    .limit(50)
    .toKnexQuery();
});
