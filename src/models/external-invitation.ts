import { BaseModel } from './base-model.js';

export class ExternalInvitation extends BaseModel {
  static override tableName = 'external_invitations';

  id!: number;
  groupId!: number;
  email!: string;
  tokenHash!: string;
  invitedBy!: number | null;
  membershipExpiresOn!: string | null;
  expiresAt!: Date;
  usedAt!: Date | null;
  createdAt!: Date;
}
