import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../i18n/index.js';
import { ForbiddenError, NotFoundError, parseId } from '../lib/errors.js';
import { formValues, type FieldError } from '../lib/forms.js';
import { TASK_ROLES, findAssignablePeople, findTaskComment, findTaskComments, findTaskNames, findTaskPeople, findTasks, parseRole, parseStatus, type CommentRow } from '../finders/tasks.js';
import { TASK_STATUSES, type Task } from '../models/task.js';
import { findTaskPage, findTaskPageParts, type TaskPageParts } from '../finders/task-page.js';
import { can, seesAllOfTool } from '../policy/abilities.js';
import { findVisibleGroup, type VisibleGroup } from '../policy/scopes.js';
import { findVisibleTask, type VisibleTask } from '../policy/task-scopes.js';
import { addTaskComment, deleteTaskComment } from '../services/task-comments.js';
import { changeTaskStatus, createTask, deleteTask, updateTask } from '../services/tasks.js';
import { wantsFragment } from '../plugins/views.js';
import { askFirst, taskCommentQuestion, taskQuestion } from './questions.js';
import { submitOnce } from './submit-once.js';
import { groupAbilities, loadGroupTool } from './groups/load.js';

export type TaskRequest = FastifyRequest<{ Params: { id: string; commentId?: string }; Body: Record<string, unknown>; Querystring: Record<string, string | undefined> }>;
const signedIn = { config: { access: 'signed-in' as const } };

export function taskAbilities(request: FastifyRequest, ctx: VisibleTask) {
  const v = request.viewer;
  return {
    edit: can(v, 'task:edit', ctx), delete: can(v, 'task:delete', ctx), status: can(v, 'task:change-status', ctx), comment: can(v, 'task:comment', ctx),
    editChecklist: can(v, 'task:edit-checklist', ctx), tick: can(v, 'task:tick', ctx),
  };
}

/** A task's comments with what deleting each asks, where the viewer may (issue 17 item 7, R-T8). */
function commentViews(request: FastifyRequest, ctx: VisibleTask, comments: CommentRow[]) {
  return comments.map((c) => ({ ...c, deleteQuestion: can(request.viewer, 'task-comment:delete', { task: ctx, authorId: c.authorId }) ? taskCommentQuestion(ctx.task.id, c) : null }));
}

export async function loadTask(request: TaskRequest): Promise<VisibleTask> {
  const found = await findVisibleTask(request.viewer, parseId(request.params.id));
  if (!found) throw new NotFoundError();
  return found;
}

/** The group a new task goes into, when ?group= names one the viewer may add tasks to. */
async function targetGroup(request: FastifyRequest, raw: unknown): Promise<VisibleGroup | null> {
  if (raw === undefined || raw === '') return null;
  const ctx = await findVisibleGroup(request.viewer, parseId(raw));
  if (!ctx || !can(request.viewer, 'tool:read', { ...ctx, tool: 'tasks' })) throw new NotFoundError();
  return ctx;
}

/** The task page (R-T2: `ctx` came through the scope), with a form's errors when it was refused. */
export async function showTask(request: TaskRequest, reply: FastifyReply, ctx: VisibleTask, extra: TaskPageExtra = {}, status = 200) {
  const viewer = request.viewer;
  if (!viewer.signedIn) throw new NotFoundError();
  return renderTask(request, reply, ctx, await findTaskPageParts(viewer, ctx.task), extra, status);
}

type TaskPageExtra = { errors?: FieldError[]; values?: Record<string, string> };

function renderTask(request: TaskRequest, reply: FastifyReply, ctx: VisibleTask, parts: TaskPageParts, extra: TaskPageExtra = {}, status = 200) {
  const { people, comments, names, checklist, events } = parts;
  const person = (id: number) => {
    const u = names.find((n) => n.id === id);
    return u ? { id: u.id, name: u.name, isExtranet: u.isExtranet, deactivated: u.deactivatedAt !== null } : null;
  };
  const may = taskAbilities(request, ctx);
  const data = {
    title: ctx.task.title, task: ctx.task, ctx, people, comments: commentViews(request, ctx, comments), checklist, events, statuses: TASK_STATUSES,
    creator: person(ctx.task.creatorId), responsible: person(ctx.task.responsibleId), may, deleteQuestion: may.delete ? taskQuestion(ctx.task, comments.length) : null, errors: extra.errors ?? [], values: extra.values ?? {},
  };
  return reply.page('pages/tasks/show', data, status);
}

export default async function taskRoutes(app: FastifyInstance): Promise<void> {
  app.get('/tasks', signedIn, async (request: TaskRequest, reply) => {
    const role = parseRole(request.query.role);
    const status = parseStatus(request.query.status);
    const page = await findTasks(request.viewer, { role, status, after: request.query.after });
    const base = `/tasks?role=${role}&status=${status}`;
    return reply.pageOrPartial('pages/tasks/index', 'partials/tasks/list', { title: t('tasks.title'), role, status, roles: TASK_ROLES, statuses: TASK_STATUSES, page, baseUrl: base });
  });

  app.get('/groups/:id/tasks', signedIn, async (request: TaskRequest, reply) => {
    const ctx = await loadGroupTool(request, reply, 'tasks');
    if (!ctx) return reply;
    const status = parseStatus(request.query.status);
    const page = await findTasks(request.viewer, { groupId: ctx.group.id, everyTask: seesAllOfTool(request.viewer, ctx, 'tasks'), status, after: request.query.after });
    return reply.pageOrPartial('pages/tasks/group', 'partials/tasks/list', {
      title: t('tasks.groupTitle', { name: ctx.group.name }), group: ctx.group, role: ctx.role, can: groupAbilities(request.viewer, ctx), status, statuses: TASK_STATUSES, page, baseUrl: `/groups/${ctx.group.id}/tasks?status=${status}`, showGroup: false,
    });
  });

  async function taskForm(request: FastifyRequest, reply: FastifyReply, group: VisibleGroup | null, values: Record<string, string>, errors: FieldError[] = [], status = 200) {
    const assignable = await findAssignablePeople(request.viewer, group?.group.id ?? null);
    return reply.page('pages/tasks/new', { title: t('tasks.new'), group: group?.group ?? null, values, errors, assignable }, status);
  }

  app.get('/tasks/new', signedIn, async (request: TaskRequest, reply) => taskForm(request, reply, await targetGroup(request, request.query.group), {}));

  app.post('/tasks', signedIn, async (request: TaskRequest, reply) =>
    submitOnce(request, reply, (task: Task) => `/tasks/${task.id}`, async (once) => {
      const group = await targetGroup(request, request.body?.group);
      const result = await createTask(app.db, request.viewer, group?.group.id ?? null, request.body, once);
      if (!result.ok) return taskForm(request, reply, group, formValues(request.body), result.errors, 422);
      request.session.set('flash', { kind: 'success', message: t('tasks.created') });
      return reply.redirect(`/tasks/${result.value.id}`, 303);
    }),
  );

  // The task and everything its page shows, in one round trip.
  app.get('/tasks/:id', signedIn, async (request: TaskRequest, reply) => {
    const viewer = request.viewer;
    const page = viewer.signedIn ? await findTaskPage(viewer, parseId(request.params.id)) : undefined;
    if (!page) throw new NotFoundError();
    return renderTask(request, reply, page.ctx, page.parts);
  });

  app.get('/tasks/:id/edit', signedIn, async (request: TaskRequest, reply) => {
    const ctx = await loadTask(request);
    if (!can(request.viewer, 'task:edit', ctx)) throw new NotFoundError();
    const people = await findTaskPeople(request.viewer, ctx.task.id);
    const named = await findTaskNames(request.viewer, [ctx.task.responsibleId, ...people.map((p) => p.id)]);
    const emailOf = (id: number) => named.find((e) => e.id === id)?.email ?? '';
    const values = {
      title: ctx.task.title, description: ctx.task.description, startOn: ctx.task.startOn ?? '', deadline: ctx.task.deadline ?? '', status: ctx.task.status, responsible: emailOf(ctx.task.responsibleId),
      participants: people.filter((p) => p.role === 'participant').map((p) => emailOf(p.id)).join('\n'),
      observers: people.filter((p) => p.role === 'observer').map((p) => emailOf(p.id)).join('\n'),
    };
    const assignable = await findAssignablePeople(request.viewer, ctx.task.groupId);
    return reply.page('pages/tasks/edit', { title: t('tasks.show.edit'), task: ctx.task, ctx, values, statuses: TASK_STATUSES, assignable });
  });

  app.post('/tasks/:id/edit', signedIn, async (request: TaskRequest, reply) => {
    const ctx = await loadTask(request);
    const result = await updateTask(app.db, request.viewer, ctx.task.id, request.body);
    if (!result.ok) {
      const assignable = await findAssignablePeople(request.viewer, ctx.task.groupId);
      return reply.page('pages/tasks/edit', { title: t('tasks.show.edit'), task: ctx.task, ctx, values: formValues(request.body), errors: result.errors, statuses: TASK_STATUSES, assignable }, 422);
    }
    request.session.set('flash', { kind: 'success', message: t('tasks.saved') });
    return reply.redirect(`/tasks/${ctx.task.id}`, 303);
  });

  app.post('/tasks/:id/status', signedIn, async (request: TaskRequest, reply) => {
    const ctx = await loadTask(request);
    const result = await changeTaskStatus(app.db, request.viewer, ctx.task.id, request.body?.status);
    if (wantsFragment(request)) {
      const fresh = await loadTask(request);
      const data = { title: ctx.task.title, task: fresh.task, may: taskAbilities(request, fresh), statuses: TASK_STATUSES };
      if (!result.ok) return reply.header('Vary', 'HX-Request').page('partials/tasks/status', { ...data, errors: result.errors }, 422);
      return reply.header('Vary', 'HX-Request').page('partials/tasks/status', { ...data, announce: t('tasks.statusChanged', { status: t(`tasks.status.${fresh.task.status}`) }) });
    }
    if (!result.ok) return showTask(request, reply, ctx, { errors: result.errors }, 422);
    request.session.set('flash', { kind: 'success', message: t('tasks.statusChanged', { status: t(`tasks.status.${result.value.status}`) }) });
    return reply.redirect(`/tasks/${ctx.task.id}`, 303);
  });

  app.post('/tasks/:id/comments', signedIn, async (request: TaskRequest, reply) => {
    const ctx = await loadTask(request);
    return submitOnce(request, reply, () => `/tasks/${ctx.task.id}#comments`, async (once) => {
      const result = await addTaskComment(app.db, request.viewer, ctx.task.id, request.body?.comment, once);
      if (wantsFragment(request)) {
        const comments = commentViews(request, ctx, await findTaskComments(request.viewer, ctx.task.id));
        const data = { title: ctx.task.title, task: ctx.task, comments, may: taskAbilities(request, ctx) };
        if (!result.ok) return reply.header('Vary', 'HX-Request').page('partials/tasks/comments', { ...data, values: formValues(request.body), errors: result.errors }, 422);
        return reply.header('Vary', 'HX-Request').page('partials/tasks/comments', { ...data, values: {}, announce: t('tasks.commented') });
      }
      if (!result.ok) return showTask(request, reply, ctx, { errors: result.errors, values: formValues(request.body) }, 422);
      request.session.set('flash', { kind: 'success', message: t('tasks.commented') });
      return reply.redirect(`/tasks/${ctx.task.id}#comments`, 303);
    });
  });

  app.get('/tasks/:id/delete', signedIn, async (request: TaskRequest, reply) => {
    const ctx = await loadTask(request);
    if (!can(request.viewer, 'task:delete', ctx)) throw new ForbiddenError();
    const comments = await findTaskComments(request.viewer, ctx.task.id);
    return askFirst(reply, taskQuestion(ctx.task, comments.length));
  });

  app.post('/tasks/:id/delete', signedIn, async (request: TaskRequest, reply) => {
    const ctx = await loadTask(request);
    await deleteTask(app.db, request.viewer, ctx.task.id);
    return reply.done(t('tasks.deleted'), ctx.task.groupId ? `/groups/${ctx.task.groupId}/tasks` : '/tasks');
  });

  // Issue 17 item 7, R-T8: a comment is deleted by its author or the task's managers, after a question.
  app.get('/tasks/:id/comments/:commentId/delete', signedIn, async (request: TaskRequest, reply) => {
    const ctx = await loadTask(request);
    const comment = await findTaskComment(request.viewer, ctx.task.id, parseId(request.params.commentId ?? ''));
    if (!comment) throw new NotFoundError();
    const [view] = commentViews(request, ctx, [comment]);
    if (!view?.deleteQuestion) throw new ForbiddenError();
    return askFirst(reply, view.deleteQuestion);
  });

  app.post('/tasks/:id/comments/:commentId/delete', signedIn, async (request: TaskRequest, reply) => {
    const found = await deleteTaskComment(app.db, request.viewer, parseId(request.params.id), parseId(request.params.commentId ?? ''));
    return reply.done(t('social.commentDeleted'), `/tasks/${found.task.id}#comments`);
  });
}
