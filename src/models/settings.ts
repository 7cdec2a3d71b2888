import { BaseModel } from './base-model.js';

export class Settings extends BaseModel {
  static override tableName = 'settings';

  id!: number;
  extranetEnabled!: boolean;
  seatLimit!: number | null;
  uploadLimitMb!: number;
  updatedAt!: Date;
}
