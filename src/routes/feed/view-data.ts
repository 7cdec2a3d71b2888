import type { FastifyRequest } from 'fastify';
import { feedPostContext, type FeedComment, type FeedRow } from '../../finders/feed.js';
import type { Page } from '../../lib/keyset.js';
import { can } from '../../policy/abilities.js';

export interface PersonRef {
  id: number;
  name: string;
  isExtranet: boolean;
  deactivated: boolean;
}

export interface CommentView {
  id: number;
  body: string;
  createdAt: Date;
  /** Null when the viewer may not see the author (R-X1). */
  author: PersonRef | null;
}

export interface PollView {
  options: { id: number; label: string; votes: number; mine: boolean }[];
  voted: boolean;
  total: number;
  /** R-F1: results only once the viewer has voted, or when it cannot vote; otherwise counts are zeroed. */
  results: boolean;
}

/** Plain data for one feed entry, as the templates show it (never a model). */
export interface FeedItemView {
  src: 'post' | 'activity';
  id: number;
  kind: string;
  createdAt: Date;
  group: { id: number; name: string; isExtranet: boolean } | null;
  actor: PersonRef | null;
  body: string | null;
  task: { id: number; title: string } | null;
  subjectLabel: string | null;
  appreciated: PersonRef | null;
  commentCount: number;
  comments: CommentView[];
  poll: PollView | null;
  may: { comment: boolean; vote: boolean; delete: boolean };
}

const person = (id: number | null, name: string | null, isExtranet: boolean | null, deactivated: boolean | null, visible: boolean | null): PersonRef | null =>
  id !== null && name !== null && visible === true ? { id, name, isExtranet: isExtranet === true, deactivated: deactivated === true } : null;

const commentView = (c: FeedComment): CommentView => ({
  id: c.id,
  body: c.body,
  createdAt: new Date(c.createdAt),
  author: person(c.authorId, c.authorName, c.authorIsExtranet, c.authorDeactivated, c.authorVisible),
});

function pollView(row: FeedRow, mayVote: boolean): PollView | null {
  if (row.kind !== 'poll' || row.pollOptions.length === 0) return null;
  const voted = row.pollOptions.some((o) => o.mine);
  const results = voted || !mayVote;
  const options = row.pollOptions.map((o) => ({ id: o.id, label: o.label, mine: o.mine, votes: results ? o.votes : 0 }));
  return { options, voted, results, total: results ? options.reduce((n, o) => n + o.votes, 0) : 0 };
}

/** Feed rows as the templates show them, with what the viewer may do with each post (no query). */
export function feedItems(request: FastifyRequest, rows: FeedRow[]): FeedItemView[] {
  const viewer = request.viewer;
  return rows.map((r) => {
    const isPost = r.src === 'post';
    const ctx = feedPostContext(r);
    const mayVote = isPost && can(viewer, 'post:vote', ctx);
    const poll = isPost ? pollView(r, mayVote) : null;
    return {
      src: r.src,
      id: r.id,
      kind: r.kind,
      createdAt: r.createdAt,
      group: r.groupId !== null && r.groupName !== null ? { id: r.groupId, name: r.groupName, isExtranet: r.groupIsExtranet === true } : null,
      actor: person(r.actorId, r.actorName, r.actorIsExtranet, r.actorDeactivated, r.actorVisible),
      body: r.body,
      task: r.taskId !== null && r.taskTitle !== null ? { id: r.taskId, title: r.taskTitle } : null,
      subjectLabel: r.subjectLabel,
      appreciated: person(r.appreciatedId, r.appreciatedName, r.appreciatedIsExtranet, false, true),
      commentCount: r.commentCount,
      comments: isPost ? r.comments.map(commentView) : [],
      poll,
      may: isPost ? { comment: can(viewer, 'post:comment', ctx), vote: mayVote && !(poll?.voted ?? false), delete: can(viewer, 'post:delete', ctx) } : { comment: false, vote: false, delete: false },
    };
  });
}

export function feedPage(request: FastifyRequest, page: Page<FeedRow>): Page<FeedItemView> {
  return { items: feedItems(request, page.items), nextCursor: page.nextCursor };
}
