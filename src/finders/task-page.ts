import { readTogether } from '../db/json-arrays.js';
import { Task } from '../models/task.js';
import type { SignedInViewer } from '../policy/viewer.js';
import { checklist, taskEvents, type ChecklistRow, type TaskEventRow } from './task-checklist.js';
import { taskComments, taskNames, taskPeople, toTaskPerson, type CommentRow, type TaskName, type TaskPerson, type TaskPersonRow } from './tasks.js';

export interface TaskPageParts {
  people: TaskPerson[];
  comments: CommentRow[];
  /** The creator and the responsible person, where the viewer may see them. */
  names: TaskName[];
  checklist: ChecklistRow[];
  events: TaskEventRow[];
}

/**
 * What a task page shows besides the task (R-T2, R-T6, R-T9): the same five queries as the finders, each
 * through its scope, read in one round trip instead of five.
 */
export async function findTaskPageParts(viewer: SignedInViewer, task: Pick<Task, 'id' | 'creatorId' | 'responsibleId'>): Promise<TaskPageParts> {
  const db = Task.knex();
  const parts = await readTogether(db, {
    people: taskPeople.statement(db, viewer, [task.id]),
    comments: taskComments.statement(db, viewer, [task.id]),
    names: taskNames.statement(db, viewer, [task.creatorId, task.responsibleId]),
    checklist: checklist.statement(db, viewer, [task.id]),
    events: taskEvents.statement(db, viewer, [task.id]),
  });
  return {
    people: (parts.people as unknown as TaskPersonRow[]).map(toTaskPerson),
    comments: parts.comments as unknown as CommentRow[],
    names: parts.names as unknown as TaskName[],
    checklist: parts.checklist as unknown as ChecklistRow[],
    events: parts.events as unknown as TaskEventRow[],
  };
}
