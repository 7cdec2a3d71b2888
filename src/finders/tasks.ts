import { raw } from 'objection';
import { codeConstant } from '../db/code-constant.js';
import { QueryTemplate } from '../db/query-template.js';
import { decodeCursor, toPage, type Page } from '../lib/keyset.js';
import { TASK_STATUSES, Task, type TaskStatus } from '../models/task.js';
import { membershipsVisibleTo, shownGroupColumns, usersVisibleTo } from '../policy/scopes.js';
import { groupTasksVisibleTo, taskCommentsVisibleTo, taskIdsInvolving, taskMembersVisibleTo, tasksVisibleByProbeTo, tasksVisibleTo } from '../policy/task-scopes.js';
import { scopeShapeKey, scopeStandIn, type SignedInViewer, type Viewer } from '../policy/viewer.js';
import { viewerQuery } from '../policy/viewer-query.js';

export const TASK_ROLES = ['any', 'responsible', 'participant', 'observer', 'creator'] as const;
export type TaskRoleFilter = (typeof TASK_ROLES)[number];
export const TASKS_PAGE_SIZE = 50;

export interface TaskRow {
  id: number;
  title: string;
  status: TaskStatus;
  deadline: string | null;
  startOn: string | null;
  groupId: number | null;
  /** Null when the task has no group or the viewer may not see it (then groupHidden, R-X1). */
  groupName: string | null;
  groupIsExtranet: boolean;
  groupHidden: boolean;
  responsibleId: number;
  responsibleName: string;
  responsibleIsExtranet: boolean;
  /** R-T9: checklist progress, "done/total". */
  checklistTotal: number;
  checklistDone: number;
}

export function parseStatus(raw: unknown): TaskStatus | 'any' {
  return (TASK_STATUSES as readonly string[]).includes(String(raw)) ? (raw as TaskStatus) : 'any';
}

export function parseRole(raw: unknown): TaskRoleFilter {
  return (TASK_ROLES as readonly string[]).includes(String(raw)) ? (raw as TaskRoleFilter) : 'any';
}

export interface TaskListParams {
  role?: TaskRoleFilter;
  status?: TaskStatus | 'any';
  groupId?: number;
  /** With `groupId`: the viewer sees every task of the group (policy: seesAllOfTool), so none is tested. */
  everyTask?: boolean;
}

/**
 * Checklist progress of each task row as two columns of the row's own query (R-T9): one lateral
 * aggregate over the item index, never a query per row.
 */
const CHECKLIST_PROGRESS = 'left join lateral (select count(*)::int as total, (count(*) filter (where ci.done))::int as done from task_checklist_items ci where ci.task_id = tasks.id) as cl on true';

/**
 * Each row's responsible person, looked up by its key. As a plain join PostgreSQL may hash every person to name a
 * page's few (a board column at scale 0.1 read all 1,200 users, 0.47 of its 0.78 ms); a lateral lookup is one probe
 * per row whatever it estimates (LIMIT keeps PostgreSQL from making it a join again). Every task has a responsible
 * person (a foreign key, not null).
 */
const RESPONSIBLE = 'cross join lateral (select r.name, r.is_extranet from users r where r.id = tasks.responsible_id limit 1) as resp';

/**
 * Each row's group, looked up the same way: as a join, My tasks at scale 0.1 hashed all 300 groups and so sorted all
 * 253 of a person's tasks for a page of 50. Its columns are what shownGroupColumns and the board read.
 */
const ITS_GROUP = 'left join lateral (select g.id, g.name, g.is_extranet, g.visible_to_all, g.archived_at, g.tools from groups g where g.id = tasks.group_id limit 1) as groups on true';

/**
 * A group's own task list and board show no group per task (the page is the group's): its name, badge and hiding
 * are not read per row (three visibility tests per row, each a set of the viewer's groups built per board column).
 */
const IN_ITS_GROUP = [raw('null::text').as('groupName'), raw('false').as('groupIsExtranet'), raw('false').as('groupHidden')];

/** The rows of a task list or board column, filtered as the list is, before order and page. */
export function taskListQuery(viewer: Viewer & { signedIn: true }, params: TaskListParams) {
  const inGroup = params.groupId !== undefined;
  const q = (params.groupId !== undefined ? groupTasksVisibleTo(viewer, params.groupId, params.everyTask === true) : tasksVisibleTo(viewer))
    .joinRaw(RESPONSIBLE)
    .joinRaw(CHECKLIST_PROGRESS)
    .select('tasks.id', 'tasks.title', 'tasks.status', 'tasks.deadline', 'tasks.startOn', 'tasks.groupId', ...(inGroup ? IN_ITS_GROUP : shownGroupColumns(viewer, 'groups')), 'tasks.responsibleId', 'resp.name as responsibleName', 'resp.isExtranet as responsibleIsExtranet', 'cl.total as checklistTotal', 'cl.done as checklistDone');
  // Across groups each row names its group; a group's own list knows it already.
  if (!inGroup) q.joinRaw(ITS_GROUP);
  const me = viewer.id;
  if (params.groupId === undefined) {
    const role = params.role ?? 'any';
    if (role === 'responsible') q.where('tasks.responsibleId', me);
    else if (role === 'creator') q.where('tasks.creatorId', me);
    // One index path per way of being involved (responsible, creator, named), not an OR over the whole
    // table; `= any(array(…))` makes the ids one index scan of tasks, then a top-N sort.
    else q.whereRaw('tasks.id = any(array(?))', [taskIdsInvolving(me, role === 'participant' || role === 'observer' ? role : undefined).toKnexQuery()]);
  }
  if (params.status && params.status !== 'any') q.where('tasks.status', codeConstant(params.status, TASK_STATUSES));
  return q;
}

export function toTaskRow<R extends TaskRow>(r: R): R {
  return { ...r, groupIsExtranet: r.groupIsExtranet === true, checklistTotal: r.checklistTotal ?? 0, checklistDone: r.checklistDone ?? 0 };
}

/** A page of a task list (or a board column): everything its text depends on besides the values. */
export interface TaskPageShape {
  viewer: SignedInViewer;
  role: TaskRoleFilter;
  status: TaskStatus | 'any';
  inGroup: boolean;
  /** In a group: the viewer sees every task of it (TaskListParams.everyTask). */
  everyTask: boolean;
  afterCursor: boolean;
  size: number;
}

export const taskPageKey = (s: TaskPageShape): string => `${scopeShapeKey(s.viewer)}|${s.role}|${s.status}|${s.inGroup}|${s.everyTask}|${s.afterCursor}|${s.size}`;

/** The values a task page's text is run with (TaskPageShape says which of them it uses). */
export const taskPageValues = (viewer: SignedInViewer, groupId: number | undefined, cursor: (string | number)[] | null): number[] => [viewer.id, groupId ?? 0, cursor ? (cursor[0] as number) : 0];

/**
 * A task page built with stand-in values (db/query-template.ts): the viewer's id, the group's, the cursor's.
 * `extend` adds columns, from the stand-in viewer.
 */
export function taskPageQuery(s: TaskPageShape, [me, groupId, before]: readonly number[], extend?: (q: ReturnType<typeof taskListQuery>, viewer: SignedInViewer) => void) {
  const viewer = scopeStandIn(s.viewer, me ?? 0);
  const q = taskListQuery(viewer, { role: s.role, status: s.status, groupId: s.inGroup ? groupId : undefined, everyTask: s.everyTask });
  extend?.(q, viewer);
  if (s.afterCursor) q.where('tasks.id', '<', before ?? 0);
  return q.orderBy('tasks.id', 'desc').limit(s.size + 1).toKnexQuery();
}

/** Built once per shape: knex and objection took longer to build and map a page than PostgreSQL to answer it. */
const taskPage = new QueryTemplate((s: TaskPageShape, values) => taskPageQuery(s, values));

/**
 * R-T7: tasks the viewer is responsible for, participates in, observes or created, across
 * groups, filtered by role and status, newest first, keyset-paged on the id; one query a page.
 */
export async function findTasks(viewer: Viewer, params: TaskListParams & { after?: unknown }, pageSize = TASKS_PAGE_SIZE): Promise<Page<TaskRow>> {
  if (!viewer.signedIn) return { items: [], nextCursor: null };
  const cursor = decodeCursor(params.after, ['number']);
  const shape: TaskPageShape = { viewer, role: params.role ?? 'any', status: params.status ?? 'any', inGroup: params.groupId !== undefined, everyTask: params.everyTask === true, afterCursor: cursor !== null, size: pageSize };
  const rows = await taskPage.rows<TaskRow>(Task.knex(), taskPageKey(shape), shape, taskPageValues(viewer, params.groupId, cursor));
  return toPage(rows.map(toTaskRow), pageSize, (r) => [r.id]);
}

export interface TaskPerson {
  id: number;
  name: string;
  isExtranet: boolean;
  deactivated: boolean;
  role: 'participant' | 'observer';
}

/** Participants and observers the viewer may see: an external viewer does not see non-contacts (R-T6). */
export const taskPeople = viewerQuery<TaskPersonRow>((viewer, [taskId]) =>
  taskMembersVisibleTo(viewer)
    .join('users', 'users.id', 'taskMembers.userId')
    .where('taskMembers.taskId', taskId ?? 0)
    .whereIn('users.id', usersVisibleTo(viewer).select('users.id'))
    .select('users.id', 'users.name', 'users.isExtranet', 'users.deactivatedAt', 'taskMembers.role')
    .orderBy(['taskMembers.role', 'users.name'])
    .toKnexQuery(),
);

export type TaskPersonRow = TaskPerson & { deactivatedAt: Date | null };

export function toTaskPerson(r: TaskPersonRow): TaskPerson {
  return { id: r.id, name: r.name, isExtranet: r.isExtranet, deactivated: r.deactivatedAt !== null, role: r.role };
}

export async function findTaskPeople(viewer: Viewer, taskId: number): Promise<TaskPerson[]> {
  if (!viewer.signedIn) return [];
  return (await taskPeople(Task.knex(), viewer, [taskId])).map(toTaskPerson);
}

export interface CommentRow {
  id: number;
  body: string;
  createdAt: Date;
  authorId: number;
  /** Null when the author is no longer someone the viewer may see (R-X1): shown as a former member. */
  authorName: string | null;
  authorIsExtranet: boolean | null;
}

function taskCommentRows(viewer: Viewer, taskId: number) {
  const authors = usersVisibleTo(viewer).select('users.id', 'users.name', 'users.isExtranet').as('au');
  return taskCommentsVisibleTo(viewer)
    .leftJoin(authors, 'au.id', 'taskComments.authorId')
    .where('taskComments.taskId', taskId)
    .select('taskComments.id', 'taskComments.body', 'taskComments.createdAt', 'taskComments.authorId', 'au.name as authorName', 'au.isExtranet as authorIsExtranet');
}

export const taskComments = viewerQuery<CommentRow>((viewer, [taskId]) => taskCommentRows(viewer, taskId ?? 0).orderBy('taskComments.id').limit(500).toKnexQuery());

export async function findTaskComments(viewer: Viewer, taskId: number): Promise<CommentRow[]> {
  return viewer.signedIn ? taskComments(Task.knex(), viewer, [taskId]) : [];
}

/** One comment of a visible task (undefined for a comment of another task, or none). */
export async function findTaskComment(viewer: Viewer, taskId: number, commentId: number): Promise<CommentRow | undefined> {
  return (await taskCommentRows(viewer, taskId).where('taskComments.id', commentId).first()) as unknown as CommentRow | undefined;
}

export interface TaskName {
  id: number;
  name: string;
  email: string;
  isExtranet: boolean;
  deactivatedAt: Date | null;
}

export const taskNames = viewerQuery<TaskName>((viewer, ids) => usersVisibleTo(viewer).whereIn('users.id', ids).select('users.id', 'users.name', 'users.email', 'users.isExtranet', 'users.deactivatedAt').toKnexQuery());

/** The creator and the responsible person of task `taskId`, where the viewer sees the task and them (R-X1). */
export const taskCreatorAndResponsible = viewerQuery<TaskName>((viewer, [taskId]) =>
  usersVisibleTo(viewer)
    .whereIn('users.id', tasksVisibleByProbeTo(viewer).where('tasks.id', taskId ?? 0).select(raw('unnest(array[tasks.creator_id, tasks.responsible_id])')))
    .select('users.id', 'users.name', 'users.email', 'users.isExtranet', 'users.deactivatedAt')
    .toKnexQuery(),
);

/** Names (and addresses) of people on one visible task, through the users scope. */
export async function findTaskNames(viewer: Viewer, ids: number[]): Promise<TaskName[]> {
  return viewer.signedIn && ids.length > 0 ? taskNames(Task.knex(), viewer, ids) : [];
}

export interface AssignablePerson {
  name: string;
  email: string;
}

/**
 * Who the viewer may name on a task, offered as suggestions: in a group, its active members
 * the viewer may see (R-T4, R-T5); for a personal task, the viewer's contacts if external.
 * The service checks again whatever is typed.
 */
export async function findAssignablePeople(viewer: Viewer, groupId: number | null, limit = 200): Promise<AssignablePerson[]> {
  const q = usersVisibleTo(viewer).whereNull('users.deactivatedAt').select('users.name', 'users.email').orderByRaw('lower(users.name), users.id').limit(limit);
  if (groupId !== null) q.whereIn('users.id', membershipsVisibleTo(viewer).where('memberships.groupId', groupId).select('memberships.userId'));
  else if (viewer.signedIn && !viewer.isExtranet) return [];
  return q;
}
