import { BaseModel } from './base-model.js';

/** A group event, or a company event (groupId null) for all employees (R-F3). */
export class CalendarEvent extends BaseModel {
  static override tableName = 'events';

  id!: number;
  groupId!: number | null;
  title!: string;
  description!: string;
  location!: string;
  startsAt!: Date;
  endsAt!: Date;
  createdBy!: number | null;
  /** Raised by each edit (iCalendar SEQUENCE), so calendar apps replace their copy. */
  sequence!: number;
  createdAt!: Date;
  updatedAt!: Date;
}
