import { Model } from 'objection';

export class BaseModel extends Model {
  static override get modelPaths(): string[] {
    return [import.meta.dirname];
  }
}
