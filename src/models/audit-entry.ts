import { BaseModel } from './base-model.js';

export class AuditEntry extends BaseModel {
  static override tableName = 'audit_log';

  id!: number;
  actorId!: number | null;
  action!: string;
  subjectType!: string;
  subjectId!: number | null;
  subjectLabel!: string;
  details!: Record<string, unknown>;
  createdAt!: Date;
}
