import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../i18n/index.js';
import { NotFoundError, parseId } from '../lib/errors.js';
import { isOverdue } from '../lib/timeline.js';
import { toLocalParts } from '../lib/zoned-time.js';
import { findBoard } from '../finders/task-board.js';
import { TASK_ROLES, parseRole, parseStatus } from '../finders/tasks.js';
import { TASK_STATUSES, type TaskStatus } from '../models/task.js';
import { seesAllOfTool } from '../policy/abilities.js';
import { boardGroupOf, findVisibleTask } from '../policy/task-scopes.js';
import { changeTaskStatus } from '../services/tasks.js';
import { wantsFragment } from '../plugins/views.js';
import { groupAbilities, loadGroupTool } from './groups/load.js';

type BoardRequest = FastifyRequest<{ Params: { id: string }; Body: Record<string, unknown>; Querystring: Record<string, string | undefined> }>;
const signedIn = { config: { access: 'signed-in' as const } };

/** Each column's cursor, from `after_<status>`. */
function columnCursors(query: Record<string, string | undefined>): Partial<Record<TaskStatus, string>> {
  return Object.fromEntries(TASK_STATUSES.flatMap((s) => (typeof query[`after_${s}`] === 'string' ? [[s, query[`after_${s}`]]] : [])));
}

/** The viewer's today, for "overdue" (a deadline before today, the task not completed). */
export function todayOf(request: FastifyRequest): string {
  return toLocalParts(new Date(), request.viewer.signedIn ? request.viewer.timeZone : 'UTC').date;
}

/** What the cards need to mark a task overdue. */
function dates(request: FastifyRequest) {
  const today = todayOf(request);
  return { today, overdue: (task: { deadline: string | null; status: string }) => isOverdue(task, today) };
}

/** Where a move returns to: a board address of this app, filters kept; anything else is My tasks' board. */
const BOARD_URL = /^\/(?:groups\/\d{1,10}\/)?tasks\/board(?:\?[A-Za-z0-9_=&%.-]{0,500})?$/;
export function boardReturn(raw: unknown): string {
  return typeof raw === 'string' && BOARD_URL.test(raw) ? raw : '/tasks/board';
}

export default async function taskBoardRoutes(app: FastifyInstance): Promise<void> {
  app.get('/tasks/board', signedIn, async (request: BoardRequest, reply) => {
    const role = parseRole(request.query.role);
    const status = parseStatus(request.query.status);
    const columns = await findBoard(request.viewer, { role, status }, columnCursors(request.query));
    const baseUrl = `/tasks/board?role=${role}&status=${status}`;
    return reply.pageOrPartial('pages/tasks/board', 'partials/tasks/board', {
      title: t('board.myTitle'), role, status, roles: TASK_ROLES, statuses: TASK_STATUSES, columns, baseUrl, back: baseUrl, ...dates(request), showGroup: true, group: null,
    });
  });

  app.get('/groups/:id/tasks/board', signedIn, async (request: BoardRequest, reply) => {
    const ctx = await loadGroupTool(request, reply, 'tasks');
    if (!ctx) return reply;
    const status = parseStatus(request.query.status);
    const columns = await findBoard(request.viewer, { groupId: ctx.group.id, everyTask: seesAllOfTool(request.viewer, ctx, 'tasks'), status, group: boardGroupOf(ctx) }, columnCursors(request.query));
    const baseUrl = `/groups/${ctx.group.id}/tasks/board?status=${status}`;
    return reply.pageOrPartial('pages/tasks/board', 'partials/tasks/board', {
      title: t('board.groupTitle', { name: ctx.group.name }), group: ctx.group, role: ctx.role, can: groupAbilities(request.viewer, ctx), status, statuses: TASK_STATUSES, roles: null,
      columns, baseUrl, back: baseUrl, ...dates(request), showGroup: false,
    });
  });

  /**
   * A card moved to another column (R-T9): the same service and rule as the status form (R-T8:
   * participants may, observers may not). Post/Redirect/Get back to the board; a script's request
   * (HX-Request) gets the sentence to announce, or 422 with the message.
   */
  app.post('/tasks/:id/move', signedIn, async (request: BoardRequest, reply) => {
    const found = await findVisibleTask(request.viewer, parseId(request.params.id));
    if (!found) throw new NotFoundError();
    const back = boardReturn(request.body?.back);
    const result = await changeTaskStatus(app.db, request.viewer, found.task.id, request.body?.status);
    if (wantsFragment(request)) {
      if (!result.ok) return reply.code(422).type('text/plain; charset=utf-8').send(result.errors.map((e) => e.message).join('. '));
      return reply.code(200).type('text/plain; charset=utf-8').send(t('board.moved', { title: found.task.title, status: t(`tasks.status.${result.value.status}`) }));
    }
    if (!result.ok) return reply.page('pages/error', { title: t('board.moveRefused'), message: result.errors.map((e) => e.message).join('. ') }, 422);
    request.session.set('flash', { kind: 'success', message: t('board.moved', { title: found.task.title, status: t(`tasks.status.${result.value.status}`) }) });
    return reply.redirect(`${back}#task-${found.task.id}`, 303);
  });
}
