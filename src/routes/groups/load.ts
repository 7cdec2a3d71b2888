import type { FastifyRequest } from 'fastify';
import { NotFoundError, parseId } from '../../lib/errors.js';
import { can, type Action } from '../../policy/abilities.js';
import { findVisibleGroup, type VisibleGroup } from '../../policy/scopes.js';
import type { Viewer } from '../../policy/viewer.js';

/** A group the viewer may see, from the route's :id; anything else is a 404 (R-X1). */
export async function loadGroup(request: FastifyRequest<{ Params: { id: string } }>): Promise<VisibleGroup> {
  const found = await findVisibleGroup(request.viewer, parseId(request.params.id));
  if (!found) throw new NotFoundError();
  return found;
}

type GroupAction = { [A in Action]: VisibleGroup extends Parameters<typeof can<A>>[2] ? A : never }[Action];

/** What the group pages may offer this viewer, computed once for the menu and the buttons. */
export function groupAbilities(viewer: Viewer, ctx: VisibleGroup): Record<GroupAction, boolean> {
  const actions: GroupAction[] = [
    'group:view', 'group:read-content', 'group:edit', 'group:archive', 'group:unarchive', 'group:delete', 'group:change-owner',
    'member:invite', 'group:join', 'group:request-join', 'join-request:decide', 'member:leave',
  ];
  return Object.fromEntries(actions.map((a) => [a, can(viewer, a, ctx)])) as Record<GroupAction, boolean>;
}
