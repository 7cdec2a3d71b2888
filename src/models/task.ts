import { BaseModel } from './base-model.js';

export const TASK_STATUSES = ['pending', 'in_progress', 'completed', 'deferred'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];
export type TaskMemberRole = 'participant' | 'observer';

export class Task extends BaseModel {
  static override tableName = 'tasks';

  id!: number;
  title!: string;
  description!: string;
  status!: TaskStatus;
  deadline!: string | null;
  /** R-T9: optional start date, inside the project's dates and not after the deadline. */
  startOn!: string | null;
  creatorId!: number;
  responsibleId!: number;
  groupId!: number | null;
  completedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export class TaskMember extends BaseModel {
  static override tableName = 'task_members';
  static override get idColumn() {
    return ['taskId', 'userId'];
  }

  taskId!: number;
  userId!: number;
  role!: TaskMemberRole;
}

export class TaskComment extends BaseModel {
  static override tableName = 'task_comments';

  id!: number;
  taskId!: number;
  authorId!: number;
  body!: string;
  createdAt!: Date;
}

export class Activity extends BaseModel {
  static override tableName = 'activity';

  id!: number;
  groupId!: number | null;
  actorId!: number | null;
  kind!: string;
  taskId!: number | null;
  /** What the event names besides a task, e.g. the uploaded file's name (file.uploaded). */
  subjectLabel?: string | null;
  createdAt!: Date;
}

/** R-T9: how many items one checklist holds at most. */
export const CHECKLIST_MAX_ITEMS = 100;

/** R-T9: one item of a task's checklist, in `position` order. */
export class ChecklistItem extends BaseModel {
  static override tableName = 'task_checklist_items';

  id!: number;
  taskId!: number;
  position!: number;
  text!: string;
  done!: boolean;
  createdAt!: Date;
}

export type TaskEventKind = 'checklist.added' | 'checklist.ticked' | 'checklist.unticked' | 'checklist.removed' | 'checklist.moved' | 'status';

/** R-T9: one entry of a task's own history; `label` is the item's text or the new status. */
export class TaskEvent extends BaseModel {
  static override tableName = 'task_events';

  id!: number;
  taskId!: number;
  actorId!: number | null;
  kind!: TaskEventKind;
  label!: string;
  createdAt!: Date;
}
