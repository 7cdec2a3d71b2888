import type { Knex } from 'knex';
import { raw } from 'objection';
import { camelCaseRows, QueryTemplate } from '../db/query-template.js';
import { decodeCursor, toPage, type Page } from '../lib/keyset.js';
import { TASK_STATUSES, Task, type TaskMemberRole, type TaskStatus } from '../models/task.js';
import type { Role } from '../models/group.js';
import { can } from '../policy/abilities.js';
import { viewerGroupRoleIn, viewerTaskRoleIn } from '../policy/task-scopes.js';
import type { Viewer } from '../policy/viewer.js';
import { taskPageKey, taskPageQuery, taskPageValues, toTaskRow, type TaskListParams, type TaskPageShape, type TaskRow } from './tasks.js';

export const BOARD_COLUMN_SIZE = 20;

export interface BoardCard extends TaskRow {
  /** R-T8: whether the viewer may move this card (change its status). */
  movable: boolean;
}

export interface BoardColumn {
  status: TaskStatus;
  page: Page<BoardCard>;
  /** The cursor this column was read after (kept in the other columns' "more" links). */
  after: string | null;
}

type Row = TaskRow & { creatorId: number; groupArchived: boolean | null; groupTasksOn: boolean | null; taskRole: TaskMemberRole | null; groupRole: Role | null };

/**
 * The board (R-T9): one keyset page per status column, whatever its size (the
 * filters of the list, plus what `task:change-status` needs to judge each card), all columns in one
 * statement. A status filter shows its column only. `after` holds each column's cursor.
 */
export async function findBoard(viewer: Viewer, params: TaskListParams, after: Partial<Record<TaskStatus, string>>, size = BOARD_COLUMN_SIZE): Promise<BoardColumn[]> {
  if (!viewer.signedIn) return [];
  const statuses = params.status && params.status !== 'any' ? [params.status] : [...TASK_STATUSES];
  const columns = statuses.map((status) => {
    const cursor = decodeCursor(after[status], ['number']);
    const shape: TaskPageShape = { viewer, role: params.role ?? 'any', status, inGroup: params.groupId !== undefined, afterCursor: cursor !== null, size };
    return { status, cursor, query: boardColumn.run(Task.knex(), taskPageKey(shape), shape, taskPageValues(viewer, params.groupId, cursor)).toSQL() };
  });
  // Every column in one round trip: each keeps its own ORDER BY and LIMIT inside the union.
  const result = (await Task.knex().raw(
    columns.map((c) => `(${c.query.sql})`).join(' union all '),
    columns.flatMap((c) => c.query.bindings) as Knex.RawBinding[],
  )) as { rows: Record<string, unknown>[] };
  const rows = camelCaseRows<Row & { groupArchivedAt: Date | null }>(result.rows);
  return columns.map(({ status, cursor }) => {
    const cards = rows
      .filter((r) => r.status === status)
      .sort((a, b) => b.id - a.id)
      .map((r) => ({
        ...toTaskRow(r),
        movable: can(viewer, 'task:change-status', {
          task: { creatorId: r.creatorId, responsibleId: r.responsibleId, groupId: r.groupId },
          taskRole: r.taskRole,
          groupRole: r.groupRole,
          groupArchived: r.groupArchivedAt !== null && r.groupArchivedAt !== undefined,
          groupTasksOn: r.groupTasksOn === true,
        }),
      }));
    return { status, page: toPage(cards, size, (c) => [c.id]), after: cursor ? (after[status] ?? null) : null };
  });
}

/** A column's text, built once per shape (db/query-template.ts), with what `task:change-status` needs to judge each card. */
const boardColumn = new QueryTemplate((s: TaskPageShape, values) =>
  taskPageQuery(s, values, (q, viewer) => {
    q.select('tasks.creatorId', 'groups.archivedAt as groupArchivedAt', raw("'tasks' = any(groups.tools) as ??", ['groupTasksOn']), viewerTaskRoleIn(viewer.id, 'tasks.id').as('taskRole'), viewerGroupRoleIn(viewer.id, 'tasks.groupId').as('groupRole'));
  }),
);
