import { BaseModel } from './base-model.js';

export type OutboxStatus = 'pending' | 'sent' | 'kept' | 'failed';

export class OutboxMessage extends BaseModel {
  static override tableName = 'outbox';

  id!: number;
  toAddress!: string;
  subject!: string;
  bodyText!: string;
  status!: OutboxStatus;
  attempts!: number;
  lastError!: string | null;
  nextAttemptAt!: Date;
  sentAt!: Date | null;
  createdAt!: Date;
}
