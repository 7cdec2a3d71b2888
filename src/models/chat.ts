import type { Mention } from './post.js';
import { BaseModel } from './base-model.js';

export type ConversationKind = 'group' | 'direct';

/** A group's chat (one per group) or a direct conversation between two people (R-F4). */
export class Conversation extends BaseModel {
  static override tableName = 'conversations';

  id!: number;
  kind!: ConversationKind;
  groupId!: number | null;
  /** Direct conversations: the two people, lower id first. */
  userLowId!: number | null;
  userHighId!: number | null;
  lastMessageId!: number | null;
  createdAt!: Date;
}

export class ChatMessage extends BaseModel {
  static override tableName = 'chat_messages';
  static override jsonAttributes = ['mentions'];

  id!: number;
  conversationId!: number;
  authorId!: number;
  body!: string;
  editedAt!: Date | null;
  /** The people the text names (issue 18). */
  mentions!: Mention[];
  createdAt!: Date;
}

/** The last message one person has seen in one conversation (unread counts). */
export class ChatRead extends BaseModel {
  static override tableName = 'chat_reads';
  static override get idColumn() {
    return ['conversationId', 'userId'];
  }

  conversationId!: number;
  userId!: number;
  lastReadId!: number;
}
