import type { FastifyReply, FastifyRequest } from 'fastify';
import { findFeed } from '../../finders/feed.js';
import type { FieldError } from '../../lib/forms.js';
import type { Page } from '../../lib/keyset.js';
import { can, seesAllOfTool } from '../../policy/abilities.js';
import type { VisibleGroup } from '../../policy/scopes.js';
import { POLL_OPTIONS } from '../../services/post-form.js';
import { groupAbilities } from '../groups/load.js';
import { feedPage, type FeedItemView } from './view-data.js';

/** What the group home shows of its feed (R-F1): the stream, the post form, the member's switch. */
export interface GroupFeed {
  page: Page<FeedItemView>;
  baseUrl: string;
  isLater: boolean;
  action: string;
  canPost: boolean;
  /** The member's notification switch (null: not a member, no switch). */
  notify: boolean | null;
  pollOptions: number;
  /** Who reads a post here, for the "@" suggestions (issue 18). */
  mentionsIn: string;
}

/** The group's feed, when the feed tool is on (null otherwise): two or three queries whatever its size. */
export async function groupFeed(request: FastifyRequest, ctx: VisibleGroup, after?: unknown): Promise<GroupFeed | null> {
  const g = ctx.group;
  if (!can(request.viewer, 'tool:read', { ...ctx, tool: 'feed' })) return null;
  const rows = await findFeed(request.viewer, { group: { groupId: g.id, everyPost: seesAllOfTool(request.viewer, ctx, 'feed') }, after });
  return {
    page: feedPage(request, rows),
    baseUrl: `/groups/${g.id}`,
    isLater: typeof after === 'string' && after !== '',
    action: `/groups/${g.id}/posts`,
    canPost: can(request.viewer, 'post:create', { groupId: g.id, role: ctx.role, toolOn: true, archived: g.archivedAt !== null }),
    notify: can(request.viewer, 'notification:switch', ctx) ? ctx.notify : null,
    pollOptions: POLL_OPTIONS,
    mentionsIn: `group-${g.id}`,
  };
}

/**
 * The group home page (R-F1): the group's header and, with the feed tool on, its feed. A failed
 * post or switch re-renders it with the values kept and the errors listed; htmx gets the stream alone.
 */
export async function renderGroupHome(
  request: FastifyRequest,
  reply: FastifyReply,
  ctx: VisibleGroup,
  opts: { after?: unknown; values?: Record<string, string>; errors?: FieldError[]; announce?: string } = {},
  status = 200,
): Promise<FastifyReply> {
  const feed = await groupFeed(request, ctx, opts.after);
  const data = {
    title: ctx.group.name, tools: ctx.group.tools, group: ctx.group, role: ctx.role, can: groupAbilities(request.viewer, ctx),
    feed, values: opts.values ?? {}, errors: opts.errors ?? [], announce: opts.announce ?? '',
  };
  if (feed) return reply.pageOrPartial('pages/groups/home', 'partials/feed/stream', data, status);
  return reply.page('pages/groups/home', data, status);
}
