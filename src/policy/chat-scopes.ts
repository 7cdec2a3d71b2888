import type { Knex } from 'knex';
import { raw, type QueryBuilder, type RawBuilder } from 'objection';
import { ChatMessage, ChatRead, Conversation, type ConversationKind } from '../models/chat.js';
import { Membership, type Role, type Tool } from '../models/group.js';
import { activeMembership, isVisiblePerson, myGroupIds, usersVisibleTo, type VisibleGroup } from './scopes.js';
import { groupsWithToolFor } from './tool-groups.js';
import type { SignedInViewer, Viewer } from './viewer.js';
import { viewerQuery } from './viewer-query.js';

/** A conversation as one viewer meets it (what the chat abilities judge). */
export interface ConversationContext {
  kind: ConversationKind;
  /** Group chat: the group, the viewer's role, its state. */
  groupId: number | null;
  role: Role | null;
  archived: boolean;
  toolOn: boolean;
  /** Direct conversation: the two people. */
  participantIds: number[];
  /** Direct: the other person is someone the viewer may contact (R-X4) … */
  otherVisible: boolean;
  /** … and can still sign in (R-U6). */
  otherActive: boolean;
}

/**
 * The conversation is of `kind`, written as a literal: the direct conversations' indexes are partial (kind
 * 'direct'), and a generic plan can use them only when the statement says so in its text, not in a parameter. A
 * parameter made the lookup of one direct conversation read all 23,000 at scale 1 (30 ms).
 */
export function conversationKindIs(kind: ConversationKind): RawBuilder {
  return raw(kind === 'direct' ? "conversations.kind = 'direct'" : "conversations.kind = 'group'");
}

/**
 * R-X4: the person in `column` is someone the viewer may contact. For an employee (who sees nearly everyone) tested by
 * probing, once per row; as `in (people it sees)` PostgreSQL tested every person of the company first (12 ms for an
 * employee's chat list at scale 1). An external user's few contacts are a set read once.
 */
function isContact(viewer: SignedInViewer, column: string): RawBuilder {
  return viewer.isExtranet ? raw(`${column} in ?`, [usersVisibleTo(viewer).select('users.id')]) : isVisiblePerson(viewer, column);
}

/**
 * The ids of the viewer's own conversations that a chat list page may show, read from their indexes: the chats of
 * its groups, and its `limit` most recent direct conversations on each side of the pair (before the keyset `before`)
 * with people it may contact (migration 0021). A narrowing for a read through conversationsVisibleTo: the list walked
 * every conversation of the company in activity order to find the viewer's, or sorted all of a busy person's.
 */
export function recentConversationIds(viewer: SignedInViewer, before: readonly [number, number] | null, limit: number): RawBuilder {
  const side = (mine: 'user_low_id' | 'user_high_id', theirs: 'user_low_id' | 'user_high_id') =>
    Conversation.query()
      .alias('mc')
      .select('mc.id')
      .whereRaw("mc.kind = 'direct'")
      .where(`mc.${mine}`, viewer.id)
      .where(isContact(viewer, `mc.${theirs}`))
      .modify((q) => (before ? q.whereRaw('(coalesce(mc.last_message_id, 0), mc.id) < (?, ?)', [before[0], before[1]]) : q))
      .orderByRaw('coalesce(mc.last_message_id, 0) desc, mc.id desc')
      .limit(limit);
  const groupChats = Conversation.query().alias('gc').select('gc.id').whereRaw('gc.group_id = any(array(?))', [myGroupIds(viewer.id)]);
  return raw('(? union all ? union all ?)', [side('user_low_id', 'user_high_id'), side('user_high_id', 'user_low_id'), groupChats]);
}

/**
 * R-F4, R-G3, R-X1, R-X4: the chats of the viewer's groups that have the chat tool on (every such
 * group in admin mode), and the direct conversations it takes part in while the other person is
 * still someone it may contact. Direct conversations stay private to their two people, admin mode included.
 */
export function conversationsVisibleTo(viewer: Viewer, kind?: ConversationKind): QueryBuilder<Conversation> {
  const q = Conversation.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  const groupChats = (g: QueryBuilder<Conversation>) => g.where(conversationKindIs('group')).whereIn('conversations.groupId', groupsWithToolFor(viewer, 'chat'));
  const contact = (column: 'user_low_id' | 'user_high_id') => isContact(viewer, `conversations.${column}`);
  const directChats = (d: QueryBuilder<Conversation>) =>
    d
      .where(conversationKindIs('direct'))
      .where((p) =>
        p
          .where((x) => x.where('conversations.userLowId', viewer.id).where(contact('user_high_id')))
          .orWhere((x) => x.where('conversations.userHighId', viewer.id).where(contact('user_low_id'))),
      );
  // One kind's arm alone, for a conversation of that kind (another kind's conversation is then never visible).
  if (kind === 'group') return q.where(groupChats);
  if (kind === 'direct') return q.where(directChats);
  return q.where((b) => b.where(groupChats).orWhere(directChats));
}

/**
 * Messages of conversations the viewer may see; of one conversation, when given, whose visibility is then tested once,
 * by its id and its kind's rule alone: with every kind's rule, PostgreSQL read the conversations one by one to find it
 * (the rule for direct conversations is estimated so costly that an index was not worth it beside it).
 */
export function chatMessagesVisibleTo(viewer: Viewer, conversation?: { id: number; kind: ConversationKind }): QueryBuilder<ChatMessage> {
  if (!conversation) return ChatMessage.query().whereIn('chatMessages.conversationId', conversationsVisibleTo(viewer).select('conversations.id'));
  // A scalar subquery: the conversation's id when the viewer sees it (else null, and no message), tested once.
  const visible = conversationsVisibleTo(viewer, conversation.kind).where('conversations.id', conversation.id).select('conversations.id');
  return ChatMessage.query().where('chatMessages.conversationId', visible);
}

/** The viewer's own read marks. */
export function chatReadsOf(viewer: Viewer): QueryBuilder<ChatRead> {
  return ChatRead.query().where('chatReads.userId', viewer.signedIn ? viewer.id : 0);
}

export interface VisibleConversation {
  conversation: Conversation;
  ctx: ConversationContext;
  group: { id: number; name: string; isExtranet: boolean; archivedAt: Date | null } | null;
  /** The last message the viewer has read here (null: none yet). */
  viewerReadUpTo: number | null;
}

type Row = Conversation & { gName: string | null; gIsExtranet: boolean | null; gArchivedAt: Date | null; gTools: Tool[] | null; viewerRole?: Role | null; otherActive?: boolean | null; viewerReadUpTo?: number | string | null };

function conversationQuery(viewer: SignedInViewer) {
  const q = conversationsVisibleTo(viewer)
    .leftJoin('groups as cg', 'cg.id', 'conversations.groupId')
    .select('conversations.*', 'cg.name as gName', 'cg.isExtranet as gIsExtranet', 'cg.archivedAt as gArchivedAt', 'cg.tools as gTools');
  q.select(Membership.query().alias('cm').select('cm.role').where('cm.userId', viewer.id).whereColumn('cm.groupId', 'conversations.groupId').whereRaw(activeMembership('cm')).as('viewerRole'));
  q.select(
    usersVisibleTo(viewer)
      .select(Conversation.raw('users.deactivated_at is null'))
      .whereRaw('users.id = (case when conversations.user_low_id = ? then conversations.user_high_id else conversations.user_low_id end)', [viewer.id])
      .as('otherActive'),
  );
  q.select(ChatRead.query().alias('vr').select('vr.lastReadId').where('vr.userId', viewer.id).whereColumn('vr.conversationId', 'conversations.id').as('viewerReadUpTo'));
  return q;
}

/** A group's chat and a conversation by id, as every chat page, poll and delivery reads them: built once per kind of viewer. */
const conversationOfGroup = viewerQuery<Row>((viewer, [groupId]) => conversationQuery(viewer).where('conversations.groupId', groupId ?? 0).toKnexQuery());
const conversationById = viewerQuery<Row>((viewer, [id]) => conversationQuery(viewer).where('conversations.id', id ?? 0).toKnexQuery());

async function conversationRow(viewer: Viewer, where: { id: number } | { groupId: number } | { withUserId: number }, trx?: Knex.Transaction): Promise<Row | undefined> {
  // Nobody signed out sees a conversation (conversationsVisibleTo).
  if (!viewer.signedIn) return undefined;
  const db = trx ?? Conversation.knex();
  if ('id' in where) return (await conversationById(db, viewer, [where.id]))[0];
  if ('groupId' in where) return (await conversationOfGroup(db, viewer, [where.groupId]))[0];
  // The pair's order depends on the two ids, so this one is built each time.
  const q = conversationQuery(viewer).first().where(conversationKindIs('direct')).where({ 'conversations.userLowId': Math.min(viewer.id, where.withUserId), 'conversations.userHighId': Math.max(viewer.id, where.withUserId) });
  if (trx) q.transacting(trx);
  return (await q) as Row | undefined;
}

/** One conversation through the scope, with its context, in one query; undefined when not visible. */
export async function findVisibleConversation(viewer: Viewer, where: { id: number } | { groupId: number } | { withUserId: number }, trx?: Knex.Transaction): Promise<VisibleConversation | undefined> {
  const row = await conversationRow(viewer, where, trx);
  if (!row) return undefined;
  const { gName, gIsExtranet, gArchivedAt, gTools, viewerRole, otherActive, viewerReadUpTo, ...rest } = row;
  const conversation = Object.assign(new Conversation(), rest);
  const direct = conversation.kind === 'direct';
  return {
    conversation,
    ctx: {
      kind: conversation.kind,
      groupId: conversation.groupId,
      role: viewerRole ?? null,
      archived: gArchivedAt !== null && gArchivedAt !== undefined,
      toolOn: gTools?.includes('chat') ?? false,
      participantIds: direct ? [conversation.userLowId ?? 0, conversation.userHighId ?? 0] : [],
      otherVisible: direct,
      otherActive: otherActive === true,
    },
    group: conversation.groupId !== null && gName !== null ? { id: conversation.groupId, name: gName, isExtranet: gIsExtranet === true, archivedAt: gArchivedAt } : null,
    viewerReadUpTo: viewerReadUpTo === null || viewerReadUpTo === undefined ? null : Number(viewerReadUpTo),
  };
}

/** The context of a direct conversation that may not exist yet, with a person the viewer has looked up through usersVisibleTo. */
export function directContext(viewerId: number, other: { id: number; deactivatedAt: Date | null }): ConversationContext {
  return { kind: 'direct', groupId: null, role: null, archived: false, toolOn: false, participantIds: [viewerId, other.id], otherVisible: true, otherActive: other.deactivatedAt === null };
}

/** A group's chat, from a group the viewer has loaded. */
export function groupChatContext(found: VisibleGroup): ConversationContext {
  const g = found.group;
  return { kind: 'group', groupId: g.id, role: found.role, archived: g.archivedAt !== null, toolOn: g.tools.includes('chat'), participantIds: [], otherVisible: false, otherActive: false };
}

/** Unread messages are counted up to this many ("99+"): a count never scans a whole history. */
export const UNREAD_CAP = 100;

/**
 * Correlated subquery: messages by others after the viewer's read mark in the conversation in
 * `conversationIdColumn`, capped at UNREAD_CAP. Only ever selected next to a visible conversation.
 */
export function unreadCountOf(viewerId: number, conversationIdColumn: string) {
  const lastRead = ChatRead.query().alias('cr').select('cr.lastReadId').whereColumn('cr.conversationId', conversationIdColumn).where('cr.userId', viewerId);
  const unread = ChatMessage.query()
    .alias('um')
    .select(ChatMessage.raw('1'))
    .whereColumn('um.conversationId', conversationIdColumn)
    .whereNot('um.authorId', viewerId)
    .where('um.id', '>', ChatMessage.raw('coalesce((?), 0)', [lastRead]))
    .limit(UNREAD_CAP);
  return ChatMessage.query().from(unread.as('u')).count('*');
}
