import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../i18n/index.js';
import { parseId } from '../lib/errors.js';
import { formValues, type FieldError } from '../lib/forms.js';
import { findChecklist } from '../finders/task-checklist.js';
import type { VisibleTask } from '../policy/task-scopes.js';
import { addChecklistItem, moveChecklistItem, removeChecklistItem, tickChecklistItem } from '../services/task-checklist.js';
import { wantsFragment } from '../plugins/views.js';
import { submitOnce } from './submit-once.js';
import { loadTask, showTask, taskAbilities, type TaskRequest } from './tasks.js';

type ItemRequest = FastifyRequest<{ Params: { id: string; item: string }; Body: Record<string, unknown>; Querystring: Record<string, string | undefined> }>;
const signedIn = { config: { access: 'signed-in' as const } };

/** After a checklist change: htmx gets the checklist again (with the form's errors), a form goes back to the task. */
async function answer(request: TaskRequest, reply: FastifyReply, ctx: VisibleTask, announce: string, errors: FieldError[] = []): Promise<FastifyReply> {
  if (wantsFragment(request)) {
    const checklist = await findChecklist(request.viewer, ctx.task.id);
    const data = { title: ctx.task.title, fragment: true, task: ctx.task, checklist, may: taskAbilities(request, ctx), errors, values: errors.length ? formValues(request.body) : {}, announce: errors.length ? '' : announce };
    return reply.header('Vary', 'HX-Request').page('partials/tasks/checklist', data, errors.length ? 422 : 200);
  }
  if (errors.length) return showTask(request, reply, ctx, { errors, values: formValues(request.body) }, 422);
  request.session.set('flash', { kind: 'success', message: announce });
  return reply.redirect(`/tasks/${ctx.task.id}#checklist`, 303);
}

/** R-T9: a task's checklist: added to, reordered and emptied by those who edit it, ticked by participants too (R-T8). */
export default async function taskChecklistRoutes(app: FastifyInstance): Promise<void> {
  app.post('/tasks/:id/checklist', signedIn, async (request: TaskRequest, reply) => {
    const ctx = await loadTask(request);
    return submitOnce(request, reply, () => `/tasks/${ctx.task.id}#checklist`, async (once) => {
      const result = await addChecklistItem(app.db, request.viewer, ctx.task.id, request.body?.item, once);
      return answer(request, reply, ctx, t('checklist.added'), result.ok ? [] : result.errors);
    });
  });

  app.post('/tasks/:id/checklist/:item/tick', signedIn, async (request: ItemRequest, reply) => {
    const ctx = await loadTask(request);
    const item = await tickChecklistItem(app.db, request.viewer, ctx.task.id, parseId(request.params.item), request.body?.done === '1');
    return answer(request, reply, ctx, t(item.done ? 'checklist.ticked' : 'checklist.unticked', { item: item.text }));
  });

  app.post('/tasks/:id/checklist/:item/move', signedIn, async (request: ItemRequest, reply) => {
    const ctx = await loadTask(request);
    const direction = request.body?.direction === 'up' ? 'up' : 'down';
    await moveChecklistItem(app.db, request.viewer, ctx.task.id, parseId(request.params.item), direction);
    return answer(request, reply, ctx, t(direction === 'up' ? 'checklist.movedUp' : 'checklist.movedDown'));
  });

  app.post('/tasks/:id/checklist/:item/delete', signedIn, async (request: ItemRequest, reply) => {
    const ctx = await loadTask(request);
    await removeChecklistItem(app.db, request.viewer, ctx.task.id, parseId(request.params.item));
    return answer(request, reply, ctx, t('checklist.removed'));
  });
}
