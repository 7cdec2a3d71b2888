import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { ForbiddenError, NotFoundError, parseId } from '../../lib/errors.js';
import { findGroupInvitations, findGroupJoinRequests, findMember, findMembers, type MemberRow } from '../../finders/members.js';
import { wantsFragment } from '../../plugins/views.js';
import { can } from '../../policy/abilities.js';
import { mayBecomeOwner } from '../../policy/membership-rules.js';
import type { VisibleGroup } from '../../policy/scopes.js';
import type { Viewer } from '../../policy/viewer.js';
import { changeOwner } from '../../services/groups.js';
import { decideJoinRequest, demoteMember, joinGroup, leaveGroup, promoteMember, removeMember, requestToJoin } from '../../services/memberships.js';
import { askFirst, ownerQuestion, removeQuestion } from '../questions.js';
import { groupAbilities, loadGroup } from './load.js';

type ListRequest = FastifyRequest<{ Params: { id: string }; Querystring: { q?: string; after?: string } }>;
type IdRequest = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> | undefined }>;
type MemberRequest = FastifyRequest<{ Params: { id: string; userId: string } }>;
type DecideRequest = FastifyRequest<{ Params: { id: string; requestId: string } }>;

/** What the viewer may do to one member, for the buttons on that member's row (R-G4, R-G6, R-X8). */
function rowActions(viewer: Viewer, ctx: VisibleGroup, m: MemberRow) {
  const target = { ...ctx, target: { userId: m.id, role: m.role, isExtranet: m.isExtranet } };
  return {
    promote: can(viewer, 'member:promote', target),
    demote: can(viewer, 'member:demote', target),
    remove: can(viewer, 'member:remove', target),
    owner: mayBecomeOwner(m, ctx.group) && can(viewer, 'group:change-owner', ctx),
    expiry: can(viewer, 'member:set-expiry', target),
  };
}

/** A member's row: what the viewer may do, and what handing the group over to it and removing it ask (issue 17 item 7). */
function memberRow(viewer: Viewer, ctx: VisibleGroup, m: MemberRow) {
  const actions = rowActions(viewer, ctx, m);
  return { ...m, actions, ownerQuestion: actions.owner ? ownerQuestion(ctx.group, m) : null, removeQuestion: actions.remove ? removeQuestion(ctx.group, m) : null };
}

const membersUrl = (groupId: number) => `/groups/${groupId}/members`;

/** R-G5, R-G6: the members page and every membership change made from it or from the About page. */
export default async function memberRoutes(app: FastifyInstance): Promise<void> {
  const signedIn = { config: { access: 'signed-in' as const } };
  const employee = { config: { access: 'employee' as const } };

  // Members see each other (R-G6); a visible group's other readers are shown its About page.
  app.get('/groups/:id/members', signedIn, async (request: ListRequest, reply) => {
    const viewer = request.viewer;
    const ctx = await loadGroup(request);
    if (!can(viewer, 'group:read-content', ctx)) return reply.redirect(`/groups/${ctx.group.id}/about`, 303);
    const q = typeof request.query.q === 'string' ? request.query.q.slice(0, 100) : '';
    const page = await findMembers(viewer, ctx.group.id, { q, after: request.query.after });
    const abilities = groupAbilities(viewer, ctx);
    // The htmx search swaps the list only; the pending lists belong to the full page.
    const full = !wantsFragment(request);
    const [requests, invitations] = await Promise.all([
      full && abilities['join-request:decide'] ? findGroupJoinRequests(viewer, ctx.group.id) : null,
      full && abilities['invitation:list'] ? findGroupInvitations(viewer, ctx.group.id) : null,
    ]);
    return reply.pageOrPartial('pages/groups/members', 'partials/groups/members-list', {
      title: t('members.pageTitle', { name: ctx.group.name }),
      group: ctx.group,
      role: ctx.role,
      can: abilities,
      q,
      isLater: typeof request.query.after === 'string' && request.query.after !== '',
      page: { nextCursor: page.nextCursor, items: page.items.map((m) => memberRow(viewer, ctx, m)) },
      requests,
      invitations,
    });
  });

  const roleChanges = [
    ['promote', promoteMember, 'members.promoted'],
    ['demote', demoteMember, 'members.demoted'],
    ['remove', removeMember, 'members.removed'],
  ] as const;
  for (const [path, change, done] of roleChanges) {
    app.post(`/groups/:id/members/:userId/${path}`, signedIn, async (request: MemberRequest, reply) => {
      const groupId = parseId(request.params.id);
      const result = await change(app.db, request.viewer, groupId, parseId(request.params.userId));
      request.session.set('flash', result.ok ? { kind: 'success', message: t(done, { name: result.value.name }) } : { kind: 'error', message: result.message });
      // Removing is posted from its question, by a form or by htmx after the browser's dialog.
      return reply.seeOther(membersUrl(groupId));
    });
  }

  // R-G6, issue 17 item 7: removing a member is asked first, on a page that says what the member loses.
  app.get('/groups/:id/members/:userId/remove', signedIn, async (request: MemberRequest, reply) => {
    const ctx = await loadGroup(request);
    const member = await findMember(request.viewer, ctx.group.id, parseId(request.params.userId));
    if (!member) throw new NotFoundError();
    if (!can(request.viewer, 'member:remove', { ...ctx, target: { userId: member.id, role: member.role, isExtranet: member.isExtranet } })) throw new ForbiddenError();
    return askFirst(reply, removeQuestion(ctx.group, member));
  });

  // R-G4, issue 17 item 7: handing over is asked first, on a page that says what changes (works without JavaScript).
  app.get('/groups/:id/members/:userId/owner', signedIn, async (request: MemberRequest, reply) => {
    const ctx = await loadGroup(request);
    const member = await findMember(request.viewer, ctx.group.id, parseId(request.params.userId));
    if (!member) throw new NotFoundError();
    if (!mayBecomeOwner({ ...member, deactivated: member.deactivatedAt !== null }, ctx.group) || !can(request.viewer, 'group:change-owner', ctx)) throw new ForbiddenError();
    return askFirst(reply, ownerQuestion(ctx.group, member));
  });

  // R-G4: the owner (or admin mode) hands over the group; the old owner becomes a moderator.
  app.post('/groups/:id/members/:userId/owner', signedIn, async (request: MemberRequest, reply) => {
    const groupId = parseId(request.params.id);
    const userId = parseId(request.params.userId);
    const result = await changeOwner(app.db, request.viewer, groupId, userId);
    const member = result.ok ? await findMember(request.viewer, groupId, userId) : undefined;
    request.session.set('flash', result.ok ? { kind: 'success', message: t('members.ownerChanged', { name: member?.name ?? '' }) } : { kind: 'error', message: result.message });
    return reply.seeOther(membersUrl(groupId));
  });

  app.post('/groups/:id/leave', signedIn, async (request: IdRequest, reply) => {
    const viewer = request.viewer;
    const group = await leaveGroup(app.db, viewer, parseId(request.params.id));
    request.session.set('flash', { kind: 'success', message: t('members.left', { name: group.name }) });
    // Employees can still read the About page of a group visible to all; otherwise it is gone for them.
    const stillVisible = can(viewer, 'group:view', { group, role: null });
    return reply.redirect(stillVisible ? `/groups/${group.id}/about` : '/groups', 303);
  });

  app.post('/groups/:id/join', employee, async (request: IdRequest, reply) => {
    const group = await joinGroup(app.db, request.viewer, parseId(request.params.id));
    request.session.set('flash', { kind: 'success', message: t('groups.joined', { name: group.name }) });
    return reply.redirect(`/groups/${group.id}`, 303);
  });

  app.post('/groups/:id/request', employee, async (request: IdRequest, reply) => {
    const groupId = parseId(request.params.id);
    const result = await requestToJoin(app.db, request.viewer, groupId, request.body?.message);
    request.session.set('flash', result.ok ? { kind: 'success', message: t('groups.requested') } : { kind: 'error', message: result.errors[0]?.message ?? '' });
    return reply.redirect(`/groups/${groupId}/about`, 303);
  });

  for (const [path, approve] of [['approve', true], ['reject', false]] as const) {
    app.post(`/groups/:id/requests/:requestId/${path}`, signedIn, async (request: DecideRequest, reply) => {
      const groupId = parseId(request.params.id);
      const result = await decideJoinRequest(app.db, request.viewer, parseId(request.params.requestId), approve, groupId);
      const message = result.ok ? t(result.value.approved ? 'members.request.approved' : 'members.request.rejected', { name: result.value.name }) : result.message;
      request.session.set('flash', { kind: result.ok ? 'success' : 'error', message });
      return reply.redirect(membersUrl(groupId), 303);
    });
  }
}
