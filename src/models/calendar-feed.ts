import { BaseModel } from './base-model.js';

/** A person's calendar feed (R-C2): only the SHA-256 of its secret address is kept. */
export class CalendarFeed extends BaseModel {
  static override tableName = 'calendar_feeds';
  static override idColumn = 'userId';

  userId!: number;
  tokenHash!: string;
  createdAt!: Date;
}
