import { BaseModel } from './base-model.js';

export const POST_KINDS = ['post', 'poll', 'appreciation'] as const;
export type PostKind = (typeof POST_KINDS)[number];

/** A post in a group's feed, or (groupId null) to all employees (R-F1). Polls and appreciations are posts. */
export class Post extends BaseModel {
  static override tableName = 'posts';

  id!: number;
  groupId!: number | null;
  authorId!: number;
  kind!: PostKind;
  body!: string;
  /** The colleague an appreciation thanks. */
  appreciatedId!: number | null;
  createdAt!: Date;
  updatedAt!: Date;
}

export class PostComment extends BaseModel {
  static override tableName = 'post_comments';

  id!: number;
  postId!: number;
  authorId!: number;
  body!: string;
  createdAt!: Date;
}

export class PollOption extends BaseModel {
  static override tableName = 'poll_options';

  id!: number;
  postId!: number;
  position!: number;
  label!: string;
}

/** One per person and poll (primary key). */
export class PollVote extends BaseModel {
  static override tableName = 'poll_votes';
  static override get idColumn() {
    return ['postId', 'userId'];
  }

  postId!: number;
  optionId!: number;
  userId!: number;
  createdAt!: Date;
}
