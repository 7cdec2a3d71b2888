import { BaseModel } from './base-model.js';

/** What a person can get e-mail about (issue 18): one choice each. */
export const MAIL_KINDS = ['invitation', 'join_request', 'task_assigned', 'task_changed', 'mention', 'comment', 'direct_message'] as const;
export type MailKind = (typeof MAIL_KINDS)[number];

export const MAIL_MODES = ['immediate', 'digest', 'off'] as const;
export type MailMode = (typeof MAIL_MODES)[number];

/** A person's choices; no row means DEFAULT_MAIL_PREFERENCES. */
export class MailPreference extends BaseModel {
  static override tableName = 'mail_preferences';
  static override get idColumn() {
    return 'userId';
  }

  userId!: number;
  invitation!: MailMode;
  joinRequest!: MailMode;
  taskAssigned!: MailMode;
  taskChanged!: MailMode;
  mention!: MailMode;
  comment!: MailMode;
  directMessage!: MailMode;
  digestHour!: number;
  updatedAt!: Date;
}

/** Something waiting to be mailed: built later, through the recipient's scopes at that moment (R-X1). */
export class MailQueueItem extends BaseModel {
  static override tableName = 'mail_queue';

  id!: number;
  userId!: number;
  kind!: MailKind;
  notificationId!: number | null;
  chatMessageId!: number | null;
  mode!: 'immediate' | 'digest';
  dueAt!: Date;
  createdAt!: Date;
}

export class PasswordReset extends BaseModel {
  static override tableName = 'password_resets';

  id!: number;
  userId!: number;
  tokenHash!: string;
  expiresAt!: Date;
  usedAt!: Date | null;
  createdAt!: Date;
}
