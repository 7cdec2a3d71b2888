import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../i18n/index.js';
import { NotFoundError } from '../lib/errors.js';
import { isOverdue, timelineScale } from '../lib/timeline.js';
import { findTimeline } from '../finders/task-timeline.js';
import { seesAllOfTool } from '../policy/abilities.js';
import { groupAbilities, loadGroupTool } from './groups/load.js';
import { todayOf } from './task-board.js';

type TimelineRequest = FastifyRequest<{ Params: { id: string }; Querystring: Record<string, string | undefined> }>;

/** R-T9: a project's tasks from start to deadline across the project's dates, with a table beside it. */
export default async function taskTimelineRoutes(app: FastifyInstance): Promise<void> {
  app.get('/groups/:id/tasks/timeline', { config: { access: 'signed-in' } }, async (request: TimelineRequest, reply) => {
    const ctx = await loadGroupTool(request, reply, 'tasks');
    if (!ctx) return reply;
    const { group } = ctx;
    if (group.kind !== 'project' || !group.startsOn || !group.endsOn) throw new NotFoundError();
    const today = todayOf(request);
    const page = await findTimeline(request.viewer, { groupId: group.id, everyTask: seesAllOfTool(request.viewer, ctx, 'tasks') }, request.query.after);
    const scale = timelineScale(group.startsOn, group.endsOn, today);
    const rows = page.items.map((task) => ({ task, bar: scale.bar(task) }));
    return reply.page('pages/tasks/timeline', {
      title: t('timeline.title', { name: group.name }), group, role: ctx.role, can: groupAbilities(request.viewer, ctx), rows, page, scale, todayX: scale.at(today), today,
      baseUrl: `/groups/${group.id}/tasks/timeline`, isLater: typeof request.query.after === 'string' && request.query.after !== '', overdue: (task: { deadline: string | null; status: string }) => isOverdue(task, today),
    });
  });
}
