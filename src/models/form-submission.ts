import { BaseModel } from './base-model.js';

/** A create form already answered (issue 15 item 7): its one-time token and where the answer went. */
export class FormSubmission extends BaseModel {
  static override tableName = 'form_submissions';
  static override idColumn = ['userId', 'token'];

  userId!: number;
  token!: string;
  target!: string;
  createdAt!: Date;
}
