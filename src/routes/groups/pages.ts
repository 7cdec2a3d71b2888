import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../../lib/errors.js';
import { formValues, type FieldError } from '../../lib/forms.js';
import { GROUP_TABS, findGroups, groupMemberCount, groupOwner, type GroupTab } from '../../finders/groups.js';
import { TOOLS, type Group } from '../../models/group.js';
import { can } from '../../policy/abilities.js';
import { joinRequestsVisibleTo, type VisibleGroup } from '../../policy/scopes.js';
import { inviteExternal } from '../../services/external-invitations.js';
import { createGroup, deleteGroup, setArchived, updateGroup } from '../../services/groups.js';
import { getSettings } from '../../services/settings.js';
import type { Submission } from '../../services/submissions.js';
import { submitOnce } from '../submit-once.js';
import { renderGroupHome } from '../feed/group-feed.js';
import { groupAbilities, loadGroup } from './load.js';

type IdRequest = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown> }>;

const defaults = { kind: 'workgroup', whoCanInvite: 'moderators', filesWrite: 'members', calendarWrite: 'members', tools: [...TOOLS] };

/** Form values of an existing group, as the edit form shows them. */
function groupValues(g: VisibleGroup['group']): Record<string, unknown> {
  return {
    name: g.name, description: g.description, kind: g.kind, startsOn: g.startsOn ?? '', endsOn: g.endsOn ?? '',
    visibleToAll: g.visibleToAll ? 'on' : '', isOpen: g.isOpen ? 'on' : '', isExtranet: g.isExtranet ? 'on' : '',
    whoCanInvite: g.whoCanInvite, hideTasks: g.hideTasks ? 'on' : '', tools: g.tools, filesWrite: g.filesWrite, calendarWrite: g.calendarWrite,
  };
}

/** Submitted values, keeping the tools list as a list. */
function submitted(body: unknown): Record<string, unknown> {
  const tools = (body as Record<string, unknown> | null)?.tools;
  return { ...formValues(body), tools: Array.isArray(tools) ? tools : typeof tools === 'string' ? [tools] : [] };
}

export default async function groupPageRoutes(app: FastifyInstance): Promise<void> {
  const signedIn = { config: { access: 'signed-in' as const } };
  const employee = { config: { access: 'employee' as const } };

  async function groupPage(request: FastifyRequest, reply: FastifyReply, template: string, ctx: VisibleGroup, data: Record<string, unknown> & { title: string; errors?: FieldError[] }, status = 200) {
    return reply.page(template, { ...data, group: ctx.group, role: ctx.role, can: groupAbilities(request.viewer, ctx) }, status);
  }

  app.get('/groups', signedIn, async (request: FastifyRequest<{ Querystring: { tab?: string; q?: string; after?: string } }>, reply) => {
    const tab: GroupTab = (GROUP_TABS as readonly string[]).includes(request.query.tab ?? '') ? (request.query.tab as GroupTab) : 'my';
    const q = typeof request.query.q === 'string' ? request.query.q.slice(0, 100) : '';
    const page = await findGroups(request.viewer, { tab, q, after: request.query.after });
    return reply.pageOrPartial('pages/groups/index', 'partials/groups/list', { title: t('groups.title'), tab, tabs: GROUP_TABS, q, page, canCreate: can(request.viewer, 'group:create', null) });
  });

  async function renderForm(reply: FastifyReply, values: Record<string, unknown>, errors: FieldError[] = [], status = 200) {
    const settings = await getSettings();
    return reply.page('pages/groups/new', { title: t('groups.new.title'), values, errors, tools: TOOLS, extranetEnabled: settings.extranetEnabled }, status);
  }

  app.get('/groups/new', employee, async (_request, reply) => renderForm(reply, defaults));

  app.post('/groups', employee, async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) =>
    submitOnce(request, reply, (group: Group) => `/groups/${group.id}`, (once) => create(request, reply, once)),
  );

  async function create(request: FastifyRequest<{ Body: Record<string, unknown> }>, reply: FastifyReply, once: Submission<Group> | null) {
    const result = await createGroup(app.db, request.viewer, request.body, once);
    if (!result.ok) return renderForm(reply, submitted(request.body), result.errors, 422);
    const group = result.value;
    // R-X3: external people can be invited while the extranet group is created.
    const external = request.body?.inviteExternal;
    if (group.isExtranet && typeof external === 'string' && external.trim()) {
      const invited = await inviteExternal(app.db, request.viewer, group.id, { emails: external }, app.config.publicUrl);
      if (!invited.ok) {
        request.session.set('flash', { kind: 'error', message: invited.errors[0]?.message ?? '' });
        return reply.redirect(`/groups/${group.id}/invite-external`, 303);
      }
      void app.mail.dispatch().catch(() => {});
    }
    request.session.set('flash', { kind: 'success', message: t('groups.created', { name: group.name }) });
    return reply.redirect(`/groups/${group.id}`, 303);
  }

  // Group content is for members; a visible group's other readers are shown its About page.
  // With the feed tool on, the home page shows the group's feed (R-F1), paged by ?after=.
  app.get('/groups/:id', signedIn, async (request: FastifyRequest<{ Params: { id: string }; Querystring: { after?: string } }>, reply) => {
    const ctx = await loadGroup(request);
    if (!can(request.viewer, 'group:read-content', ctx)) return reply.redirect(`/groups/${ctx.group.id}/about`, 303);
    return renderGroupHome(request, reply, ctx, { after: request.query.after });
  });

  app.get('/groups/:id/about', signedIn, async (request: IdRequest, reply) => {
    const ctx = await loadGroup(request);
    const viewer = request.viewer;
    const [owner, count, pending] = await Promise.all([
      groupOwner(viewer, ctx.group.id),
      groupMemberCount(viewer, ctx.group.id),
      viewer.signedIn && ctx.role === null ? joinRequestsVisibleTo(viewer).where({ groupId: ctx.group.id, userId: viewer.id }).first() : Promise.resolve(undefined),
    ]);
    const full = { ...ctx, hasPendingRequest: pending !== undefined };
    return reply.page('pages/groups/about', {
      title: t('groups.about.title', { name: ctx.group.name }), group: ctx.group, role: ctx.role, owner, memberCount: count, pendingRequest: pending !== undefined,
      can: { ...groupAbilities(viewer, ctx), 'group:request-join': can(viewer, 'group:request-join', full) },
    });
  });

  app.get('/groups/:id/edit', signedIn, async (request: IdRequest, reply) => {
    const ctx = await loadGroup(request);
    if (!can(request.viewer, 'group:edit', ctx) && !can(request.viewer, 'group:unarchive', ctx) && !can(request.viewer, 'group:delete', ctx)) throw new NotFoundError();
    const settings = await getSettings();
    return groupPage(request, reply, 'pages/groups/edit', ctx, { title: t('groups.edit.title', { name: ctx.group.name }), values: groupValues(ctx.group), tools: TOOLS, extranetEnabled: settings.extranetEnabled });
  });

  app.post('/groups/:id/edit', signedIn, async (request: IdRequest, reply) => {
    const ctx = await loadGroup(request);
    const result = await updateGroup(app.db, request.viewer, ctx.group.id, request.body);
    if (!result.ok) {
      const settings = await getSettings();
      return groupPage(request, reply, 'pages/groups/edit', ctx, { title: t('groups.edit.title', { name: ctx.group.name }), values: submitted(request.body), errors: result.errors, tools: TOOLS, extranetEnabled: settings.extranetEnabled }, 422);
    }
    request.session.set('flash', { kind: 'success', message: t('groups.saved') });
    return reply.redirect(`/groups/${ctx.group.id}/about`, 303);
  });

  for (const [path, archived] of [['archive', true], ['unarchive', false]] as const) {
    app.post(`/groups/:id/${path}`, signedIn, async (request: IdRequest, reply) => {
      const ctx = await loadGroup(request);
      const group = await setArchived(app.db, request.viewer, ctx.group.id, archived);
      request.session.set('flash', { kind: 'success', message: t(archived ? 'groups.archived' : 'groups.unarchived', { name: group.name }) });
      return reply.redirect(`/groups/${group.id}/about`, 303);
    });
  }

  app.get('/groups/:id/delete', signedIn, async (request: IdRequest, reply) => {
    const ctx = await loadGroup(request);
    if (!can(request.viewer, 'group:delete', ctx)) throw new ForbiddenError();
    return groupPage(request, reply, 'pages/groups/delete', ctx, { title: t('groups.delete.title', { name: ctx.group.name }), values: {} });
  });

  app.post('/groups/:id/delete', signedIn, async (request: IdRequest, reply) => {
    const ctx = await loadGroup(request);
    const result = await deleteGroup(app.db, request.viewer, ctx.group.id, request.body?.confirmName, app.config.dataDir);
    if (!result.ok) return groupPage(request, reply, 'pages/groups/delete', ctx, { title: t('groups.delete.title', { name: ctx.group.name }), values: formValues(request.body), errors: result.errors }, 422);
    request.session.set('flash', { kind: 'success', message: t('groups.deleted', { name: result.value.name }) });
    return reply.redirect('/groups', 303);
  });
}
