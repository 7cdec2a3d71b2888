import { BaseModel } from './base-model.js';

export type OutboxStatus = 'pending' | 'sent' | 'kept' | 'failed';

export class OutboxMessage extends BaseModel {
  static override tableName = 'outbox';
  static override jsonAttributes = ['headers'];

  id!: number;
  toAddress!: string;
  subject!: string;
  bodyText!: string;
  bodyHtml!: string | null;
  /** Headers the app adds (List-Unsubscribe …); never anything a person typed. */
  headers!: Record<string, string>;
  status!: OutboxStatus;
  attempts!: number;
  lastError!: string | null;
  nextAttemptAt!: Date;
  sentAt!: Date | null;
  createdAt!: Date;
}
