import type { FastifyRequest } from 'fastify';
import { feedPostContext, findPostRow, type FeedComment, type FeedRow } from '../../finders/feed.js';
import { NotFoundError, parseId } from '../../lib/errors.js';
import type { Page } from '../../lib/keyset.js';
import { linkify } from '../../lib/linkify.js';
import { can } from '../../policy/abilities.js';
import type { PostContext } from '../../policy/feed-scopes.js';
import type { Viewer } from '../../policy/viewer.js';
import { commentQuestion, postQuestion, type Question } from '../questions.js';

export interface PersonRef {
  id: number;
  name: string;
  isExtranet: boolean;
  deactivated: boolean;
}

export interface CommentView {
  id: number;
  body: string;
  /** The text escaped, with links and mentions (issue 18). */
  html: string;
  createdAt: Date;
  editedAt: Date | null;
  /** Null when the viewer may not see the author (R-X1). */
  author: PersonRef | null;
  likes: number;
  liked: boolean;
  may: { edit: boolean; like: boolean; delete: boolean };
  /** What deleting it asks (issue 17 item 7), when the viewer may. */
  deleteQuestion: Question | null;
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
  /** The text escaped, with links and mentions (issue 18). */
  html: string;
  editedAt: Date | null;
  likeCount: number;
  liked: boolean;
  task: { id: number; title: string } | null;
  subjectLabel: string | null;
  appreciated: PersonRef | null;
  commentCount: number;
  comments: CommentView[];
  poll: PollView | null;
  may: { comment: boolean; vote: boolean; delete: boolean; edit: boolean; like: boolean };
  /** What deleting it asks (issue 17 item 7), when the viewer may. */
  deleteQuestion: Question | null;
}

const person = (id: number | null, name: string | null, isExtranet: boolean | null, deactivated: boolean | null, visible: boolean | null): PersonRef | null =>
  id !== null && name !== null && visible === true ? { id, name, isExtranet: isExtranet === true, deactivated: deactivated === true } : null;

function commentView(viewer: Viewer, post: PostContext, c: FeedComment): CommentView {
  const author = person(c.authorId, c.authorName, c.authorIsExtranet, c.authorDeactivated, c.authorVisible);
  const mayDelete = can(viewer, 'comment:delete', { post, authorId: c.authorId });
  return {
    id: c.id,
    body: c.body,
    html: linkify(c.body, c.mentions),
    createdAt: new Date(c.createdAt),
    editedAt: c.editedAt ? new Date(c.editedAt) : null,
    author,
    likes: c.likes,
    liked: c.liked,
    may: { edit: can(viewer, 'comment:edit', { post, authorId: c.authorId }), like: can(viewer, 'post:like', post), delete: mayDelete },
    deleteQuestion: mayDelete ? commentQuestion(post.post.id, { id: c.id, body: c.body, authorName: author?.name ?? null, likes: c.likes }) : null,
  };
}

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
    const mayDelete = isPost && can(viewer, 'post:delete', ctx);
    return {
      src: r.src,
      id: r.id,
      kind: r.kind,
      createdAt: r.createdAt,
      group: r.groupId !== null && r.groupName !== null ? { id: r.groupId, name: r.groupName, isExtranet: r.groupIsExtranet === true } : null,
      actor: person(r.actorId, r.actorName, r.actorIsExtranet, r.actorDeactivated, r.actorVisible),
      body: r.body,
      html: r.body === null ? '' : linkify(r.body, r.mentions),
      editedAt: r.editedAt,
      likeCount: r.likeCount,
      liked: r.likedByMe,
      task: r.taskId !== null && r.taskTitle !== null ? { id: r.taskId, title: r.taskTitle } : null,
      subjectLabel: r.subjectLabel,
      appreciated: person(r.appreciatedId, r.appreciatedName, r.appreciatedIsExtranet, false, true),
      commentCount: r.commentCount,
      comments: isPost ? r.comments.map((c) => commentView(viewer, ctx, c)) : [],
      poll,
      may: isPost
        ? { comment: can(viewer, 'post:comment', ctx), vote: mayVote && !(poll?.voted ?? false), delete: mayDelete, edit: can(viewer, 'post:edit', ctx), like: can(viewer, 'post:like', ctx) }
        : { comment: false, vote: false, delete: false, edit: false, like: false },
      deleteQuestion: mayDelete ? postQuestion(r.id, r.commentCount) : null,
    };
  });
}

export function feedPage(request: FastifyRequest, page: Page<FeedRow>): Page<FeedItemView> {
  return { items: feedItems(request, page.items), nextCursor: page.nextCursor };
}

/** One post as the feed shows it, through the scope; 404 when the viewer may not see it (R-X1). */
export async function loadPostItem(request: FastifyRequest, postId: number): Promise<FeedItemView> {
  const row = await findPostRow(request.viewer, postId);
  const item = row ? feedItems(request, [row])[0] : undefined;
  if (!item) throw new NotFoundError();
  return item;
}

/** One of a post's comments by the id in the address; 404 for a comment of another post or none. */
export function commentOf(item: FeedItemView, raw: string | undefined): CommentView {
  const comment = item.comments.find((c) => c.id === parseId(raw ?? ''));
  if (!comment) throw new NotFoundError();
  return comment;
}

/** The page a form about a post was on, if it is one of the post's own ('' otherwise: nothing else is a place to return to). */
export function pageOfPost(raw: unknown, post: { id: number; groupId: number | null }): string {
  const allowed = ['/feed', `/posts/${post.id}`, ...(post.groupId !== null ? [`/groups/${post.groupId}`] : [])];
  return typeof raw === 'string' && allowed.includes(raw) ? raw : '';
}

/** Where an answer about a post returns: the page it was on (one of the post's, else its own), at `anchor`. */
export function backToPost(raw: unknown, post: { id: number; groupId: number | null }, anchor = `post-${post.id}`): string {
  return `${pageOfPost(raw, post) || `/posts/${post.id}`}#${anchor}`;
}
