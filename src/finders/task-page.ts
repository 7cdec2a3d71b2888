import { readTogether } from '../db/json-arrays.js';
import type { Statement } from '../db/query-template.js';
import { Task } from '../models/task.js';
import { toVisibleTask, visibleTaskById, type VisibleTask, type VisibleTaskRow } from '../policy/task-scopes.js';
import type { SignedInViewer } from '../policy/viewer.js';
import { checklist, taskEvents, type ChecklistRow, type TaskEventRow } from './task-checklist.js';
import { taskComments, taskCreatorAndResponsible, taskNames, taskPeople, toTaskPerson, type CommentRow, type TaskName, type TaskPerson, type TaskPersonRow } from './tasks.js';

export interface TaskPageParts {
  people: TaskPerson[];
  comments: CommentRow[];
  /** The creator and the responsible person, where the viewer may see them. */
  names: TaskName[];
  checklist: ChecklistRow[];
  events: TaskEventRow[];
}

type Parts = Record<keyof TaskPageParts, Record<string, unknown>[]>;

function toParts(parts: Parts): TaskPageParts {
  return {
    people: (parts.people as unknown as TaskPersonRow[]).map(toTaskPerson),
    comments: parts.comments as unknown as CommentRow[],
    names: parts.names as unknown as TaskName[],
    checklist: parts.checklist as unknown as ChecklistRow[],
    events: parts.events as unknown as TaskEventRow[],
  };
}

/** A task page's parts (R-T2, R-T6, R-T9), each through its scope; `names` names the creator and the responsible person. */
function partStatements(viewer: SignedInViewer, taskId: number, names: Statement): Record<keyof TaskPageParts, Statement> {
  return {
    people: taskPeople.statement(viewer, [taskId]),
    comments: taskComments.statement(viewer, [taskId]),
    names,
    checklist: checklist.statement(viewer, [taskId]),
    events: taskEvents.statement(viewer, [taskId]),
  };
}

/** What a task page shows besides the task: the same five queries as the finders, read in one round trip instead of five. */
export async function findTaskPageParts(viewer: SignedInViewer, task: Pick<Task, 'id' | 'creatorId' | 'responsibleId'>): Promise<TaskPageParts> {
  const db = Task.knex();
  return toParts(await readTogether(db, partStatements(viewer, task.id, taskNames.statement(viewer, [task.creatorId, task.responsibleId]))));
}

/**
 * A task page in one round trip (issue 16): the task through the viewer's scope, as findVisibleTask reads it, and
 * its parts, each through its own scope. Undefined when the viewer may not see the task (R-X1): its parts are
 * then dropped unread by anyone.
 */
export async function findTaskPage(viewer: SignedInViewer, id: number): Promise<{ ctx: VisibleTask; parts: TaskPageParts } | undefined> {
  const db = Task.knex();
  const { task, ...parts } = await readTogether(db, { task: visibleTaskById.statement(viewer, [id]), ...partStatements(viewer, id, taskCreatorAndResponsible.statement(viewer, [id])) });
  const row = task[0] as VisibleTaskRow | undefined;
  return row ? { ctx: toVisibleTask(row), parts: toParts(parts) } : undefined;
}
