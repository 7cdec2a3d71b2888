import type { FastifyReply, FastifyRequest } from 'fastify';
import { NotFoundError, parseId } from '../../lib/errors.js';
import { can, readableTools, type Action } from '../../policy/abilities.js';
import { findVisibleGroup, type VisibleGroup } from '../../policy/scopes.js';
import type { Viewer } from '../../policy/viewer.js';
import type { Tool } from '../../models/group.js';

/** A group the viewer may see, from the route's :id; anything else is a 404 (R-X1). */
export async function loadGroup(request: FastifyRequest<{ Params: { id: string } }>): Promise<VisibleGroup> {
  const found = await findVisibleGroup(request.viewer, parseId(request.params.id));
  if (!found) throw new NotFoundError();
  return found;
}

type GroupAction = { [A in Action]: VisibleGroup extends Parameters<typeof can<A>>[2] ? A : never }[Action];

/** What the group pages may offer this viewer, computed once for the menu and the buttons. */
export function groupAbilities(viewer: Viewer, ctx: VisibleGroup): Record<GroupAction, boolean> & ReturnType<typeof readableTools> {
  const actions: GroupAction[] = [
    'group:view', 'group:read-content', 'group:edit', 'group:archive', 'group:unarchive', 'group:delete', 'group:change-owner',
    'member:invite', 'member:invite-external', 'invitation:list', 'group:join', 'group:request-join', 'join-request:decide', 'member:leave',
  ];
  return { ...(Object.fromEntries(actions.map((a) => [a, can(viewer, a, ctx)])) as Record<GroupAction, boolean>), ...readableTools(viewer, ctx) };
}

/**
 * A group's tool page, from the route's :id (R-G3, R-X1): 404 when the group is not visible or the
 * tool is off; a reader of a visible group who is not a member is sent to its About page (null),
 * or, without a reply to redirect (writes), gets 404.
 */
export async function loadGroupTool(request: FastifyRequest<{ Params: { id: string } }>, reply: FastifyReply | null, tool: Tool): Promise<VisibleGroup | null> {
  const ctx = await loadGroup(request);
  if (!can(request.viewer, 'tool:enabled', { ...ctx, tool })) throw new NotFoundError();
  if (can(request.viewer, 'tool:read', { ...ctx, tool })) return ctx;
  if (!reply) throw new NotFoundError();
  await reply.redirect(`/groups/${ctx.group.id}/about`, 303);
  return null;
}
