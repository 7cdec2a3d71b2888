import { BaseModel } from './base-model.js';

/** A person a text names (@-mention), by id, with the name as it was written. */
export interface Mention {
  id: number;
  name: string;
}

export const POST_KINDS = ['post', 'poll', 'appreciation'] as const;
export type PostKind = (typeof POST_KINDS)[number];

/** A post in a group's feed, or (groupId null) to all employees (R-F1). Polls and appreciations are posts. */
export class Post extends BaseModel {
  static override tableName = 'posts';
  static override jsonAttributes = ['mentions'];

  id!: number;
  groupId!: number | null;
  authorId!: number;
  kind!: PostKind;
  body!: string;
  /** The colleague an appreciation thanks. */
  appreciatedId!: number | null;
  /** When the author last changed the text (null: never). */
  editedAt!: Date | null;
  /** The people the text names, as resolved when it was written (issue 18). */
  mentions!: Mention[];
  createdAt!: Date;
  updatedAt!: Date;
}

export class PostComment extends BaseModel {
  static override tableName = 'post_comments';
  static override jsonAttributes = ['mentions'];

  id!: number;
  postId!: number;
  authorId!: number;
  body!: string;
  editedAt!: Date | null;
  mentions!: Mention[];
  createdAt!: Date;
}

/** One like per person and post (primary key). */
export class PostLike extends BaseModel {
  static override tableName = 'post_likes';
  static override get idColumn() {
    return ['postId', 'userId'];
  }

  postId!: number;
  userId!: number;
  createdAt!: Date;
}

/** One like per person and comment (primary key). */
export class CommentLike extends BaseModel {
  static override tableName = 'comment_likes';
  static override get idColumn() {
    return ['commentId', 'userId'];
  }

  commentId!: number;
  userId!: number;
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
