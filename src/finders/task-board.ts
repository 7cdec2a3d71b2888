import { raw } from 'objection';
import { QueryTemplate } from '../db/query-template.js';
import { decodeCursor, toPage, type Page } from '../lib/keyset.js';
import { TASK_STATUSES, Task, type TaskMemberRole, type TaskStatus } from '../models/task.js';
import type { Role } from '../models/group.js';
import { can } from '../policy/abilities.js';
import { viewerGroupRoleIn, viewerTaskRoleIn, type BoardGroup } from '../policy/task-scopes.js';
import { scopeShapeKey, type SignedInViewer, type Viewer } from '../policy/viewer.js';
import { taskPageQuery, toTaskRow, type TaskListParams, type TaskPageShape, type TaskRow } from './tasks.js';

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

type Row = TaskRow & { creatorId: number; groupArchivedAt?: Date | null; groupTasksOn?: boolean | null; taskRole: TaskMemberRole | null; groupRole?: Role | null };

/**
 * The board (R-T9): one keyset page per status column, whatever its size (the
 * filters of the list, plus what `task:change-status` needs to judge each card), all columns in one
 * statement. A status filter shows its column only. `after` holds each column's cursor.
 */
export async function findBoard(viewer: Viewer, params: TaskListParams & { group?: BoardGroup }, after: Partial<Record<TaskStatus, string>>, size = BOARD_COLUMN_SIZE): Promise<BoardColumn[]> {
  if (!viewer.signedIn) return [];
  if ((params.groupId === undefined) !== (params.group === undefined)) throw new Error('findBoard: a group board needs its group, and only it');
  const group = params.group;
  const statuses = params.status && params.status !== 'any' ? [params.status] : [...TASK_STATUSES];
  const columns = statuses.map((status) => ({ status, cursor: decodeCursor(after[status], ['number']) }));
  const shape: BoardShape = { viewer, role: params.role ?? 'any', inGroup: params.groupId !== undefined, everyTask: params.everyTask === true, size, columns: columns.map((c) => ({ status: c.status, afterCursor: c.cursor !== null })) };
  const values = [viewer.id, params.groupId ?? 0, ...columns.map((c) => (c.cursor ? (c.cursor[0] as number) : 0))];
  const rows = await boardStatement.rows<Row>(Task.knex(), boardKey(shape), shape, values);
  return columns.map(({ status, cursor }) => {
    const cards = rows
      .filter((r) => r.status === status)
      .sort((a, b) => b.id - a.id)
      .map((r) => ({
        ...toTaskRow(r),
        movable: can(viewer, 'task:change-status', {
          task: { creatorId: r.creatorId, responsibleId: r.responsibleId, groupId: r.groupId },
          taskRole: r.taskRole,
          groupRole: group ? group.role : (r.groupRole ?? null),
          groupArchived: group ? group.archived : r.groupArchivedAt !== null && r.groupArchivedAt !== undefined,
          groupTasksOn: group ? group.tasksOn : r.groupTasksOn === true,
        }),
      }));
    return { status, page: toPage(cards, size, (c) => [c.id]), after: cursor ? (after[status] ?? null) : null };
  });
}

/** Everything a board's text depends on besides the values: the viewer's kind, the filters, each column's status and whether it is paged on. */
interface BoardShape {
  viewer: SignedInViewer;
  role: TaskPageShape['role'];
  inGroup: boolean;
  everyTask: boolean;
  size: number;
  columns: { status: TaskStatus; afterCursor: boolean }[];
}

const boardKey = (s: BoardShape) => `${scopeShapeKey(s.viewer)}|${s.role}|${s.inGroup}|${s.everyTask}|${s.size}|${s.columns.map((c) => `${c.status}:${c.afterCursor}`).join(',')}`;

/**
 * Every column in one statement, built once per shape: a union of each column's page (each keeps its own ORDER BY and
 * LIMIT). Values: the viewer's id, the group's, then each column's cursor.
 */
const boardStatement = new QueryTemplate((s: BoardShape, [me = 0, groupId = 0, ...befores]: readonly number[]) => {
  const parts = s.columns.map((c, i) =>
    boardColumnQuery({ viewer: s.viewer, role: s.role, status: c.status, inGroup: s.inGroup, everyTask: s.everyTask, afterCursor: c.afterCursor, size: s.size }, [me, groupId, befores[i] ?? 0]).toSQL(),
  );
  return { toSQL: () => ({ sql: parts.map((p) => `(${p.sql})`).join(' union all '), bindings: parts.flatMap((p) => p.bindings) }) };
});

/** A column's page, with what `task:change-status` needs to judge each card; a group's own board has its group's part already (BoardGroup). */
const boardColumnQuery = (s: TaskPageShape, values: readonly number[]) =>
  taskPageQuery(s, values, (q, viewer) => {
    q.select('tasks.creatorId', viewerTaskRoleIn(viewer.id, 'tasks.id').as('taskRole'));
    if (!s.inGroup) q.select('groups.archivedAt as groupArchivedAt', raw("'tasks' = any(groups.tools) as ??", ['groupTasksOn']), viewerGroupRoleIn(viewer.id, 'tasks.groupId').as('groupRole'));
  });
