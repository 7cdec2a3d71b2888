import { BaseModel } from './base-model.js';

export const TOOLS = ['feed', 'tasks', 'files', 'calendar', 'chat'] as const;
export type Tool = (typeof TOOLS)[number];
export type GroupKind = 'workgroup' | 'project';
export type WhoCanInvite = 'owner' | 'moderators' | 'members';
export type WriteAccess = 'members' | 'moderators';
export type Role = 'owner' | 'moderator' | 'member';

export class Group extends BaseModel {
  static override tableName = 'groups';

  id!: number;
  name!: string;
  description!: string;
  kind!: GroupKind;
  startsOn!: string | null;
  endsOn!: string | null;
  visibleToAll!: boolean;
  isOpen!: boolean;
  isExtranet!: boolean;
  whoCanInvite!: WhoCanInvite;
  hideTasks!: boolean;
  tools!: Tool[];
  filesWrite!: WriteAccess;
  calendarWrite!: WriteAccess;
  imageKey!: string | null;
  imageType!: string | null;
  createdBy!: number | null;
  archivedAt!: Date | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export class Membership extends BaseModel {
  static override tableName = 'memberships';

  id!: number;
  groupId!: number;
  userId!: number;
  role!: Role;
  notify!: boolean;
  expiresAt!: Date | null;
  createdAt!: Date;
}

export class GroupInvitation extends BaseModel {
  static override tableName = 'group_invitations';

  id!: number;
  groupId!: number;
  userId!: number;
  invitedBy!: number | null;
  createdAt!: Date;
}

export class JoinRequest extends BaseModel {
  static override tableName = 'join_requests';

  id!: number;
  groupId!: number;
  userId!: number;
  message!: string;
  createdAt!: Date;
}
