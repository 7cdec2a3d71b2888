import { BaseModel } from './base-model.js';

export const NOTIFICATION_KINDS = ['invitation', 'join_request', 'task.assigned', 'task.status', 'mention', 'comment', 'appreciation'] as const;
export type NotificationKind = (typeof NOTIFICATION_KINDS)[number];

/** R-F5: something that happened for one person; subjects (group, task, post) go with it by cascade. */
export class Notification extends BaseModel {
  static override tableName = 'notifications';

  id!: number;
  userId!: number;
  actorId!: number | null;
  kind!: NotificationKind;
  groupId!: number | null;
  taskId!: number | null;
  postId!: number | null;
  /** The comment or chat message that caused it (issue 17 item 7: deleting that deletes this). */
  commentId!: number | null;
  chatMessageId!: number | null;
  /** The new status (task.status) or the role given (task.assigned). */
  detail!: string;
  readAt!: Date | null;
  createdAt!: Date;
}
