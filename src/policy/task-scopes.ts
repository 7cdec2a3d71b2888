import type { Knex } from 'knex';
import type { QueryBuilder } from 'objection';
import { Membership, type Role } from '../models/group.js';
import { ChecklistItem, Task, TaskComment, TaskEvent, TaskMember, type TaskMemberRole } from '../models/task.js';
import { activeMembership, shownGroupColumns } from './scopes.js';
import type { SignedInViewer, Viewer } from './viewer.js';
import { isSuperuser } from './viewer.js';
import { viewerQuery } from './viewer-query.js';

/** Groups where the viewer is an active member and the tasks tool is on, as an id subquery. */
function myTaskGroupIds(viewerId: number): QueryBuilder<Membership> {
  return Membership.query()
    .alias('tm')
    .join('groups as tg', 'tg.id', 'tm.groupId')
    .select('tm.groupId')
    .where('tm.userId', viewerId)
    .whereRaw(activeMembership('tm'))
    .whereRaw("'tasks' = any(tg.tools)");
}

/** Tasks that name the viewer as participant or observer, as an id subquery. */
function tasksNamingMe(viewerId: number): QueryBuilder<TaskMember> {
  return TaskMember.query().alias('named').select('named.taskId').where('named.userId', viewerId);
}

/**
 * Ids of the tasks the viewer is responsible for, created, or is named on (participant or observer,
 * or only `role`), as one UNION ALL over the three indexes, for My tasks (R-T7). Every such task is
 * visible to the viewer under R-T2, so callers still read through tasksVisibleTo; this only gives
 * PostgreSQL an index path instead of filtering the whole table through an OR.
 */
export function taskIdsInvolving(viewerId: number, role?: TaskMemberRole): QueryBuilder<TaskMember> {
  const named = tasksNamingMe(viewerId);
  if (role) return named.where('named.role', role);
  return named.unionAll([
    Task.query().alias('inv_r').select('inv_r.id').where('inv_r.responsibleId', viewerId),
    Task.query().alias('inv_c').select('inv_c.id').where('inv_c.creatorId', viewerId),
  ]);
}

/**
 * Ids of every task the viewer may see (R-T2, R-X1), as one UNION ALL of index scans: the tasks that involve it and
 * those of its groups with the tasks tool on. A candidate set that callers still read through tasksVisibleTo(); as
 * an array it is an index condition, where the scope's OR made PostgreSQL read the whole table newest first to find
 * a few of them (20 ms of an external user's search at scale 1). Not for a superuser: see taskCandidatesOf().
 */
export function taskIdsOf(viewer: SignedInViewer): QueryBuilder<TaskMember> {
  return taskIdsInvolving(viewer.id).unionAll([Task.query().alias('inv_g').select('inv_g.id').whereIn('inv_g.groupId', myTaskGroupIds(viewer.id))]);
}

/** The tasks a viewer may see as narrowings PostgreSQL reads from the indexes (taskCandidatesOf). */
export interface TaskCandidates {
  /** Its groups' tasks, those it created or is responsible for, and those naming it: a bitmap over four indexes. */
  byIndex: (q: QueryBuilder<Task>) => QueryBuilder<Task>;
  /** The same tasks' ids, read once into an array (taskIdsOf). */
  ids: QueryBuilder<TaskMember>;
}

/**
 * Where each task the viewer may see is (R-T2), for reads that would otherwise test the whole table against the
 * scope; they narrow a read through tasksVisibleTo(), never widen it. Null for a superuser, who sees every task.
 */
export function taskCandidatesOf(viewer: SignedInViewer): TaskCandidates | null {
  if (isSuperuser(viewer)) return null;
  return {
    byIndex: (q) =>
      q.where((b) =>
        b
          .whereRaw('tasks.group_id = any(array(?))', [myTaskGroupIds(viewer.id)])
          .orWhere('tasks.creatorId', viewer.id)
          .orWhere('tasks.responsibleId', viewer.id)
          .orWhereRaw('tasks.id = any(array(?))', [tasksNamingMe(viewer.id)]),
      ),
    ids: taskIdsOf(viewer),
  };
}

/**
 * R-T2: members of the task's group (while the tasks tool is on) see it, and so do its
 * creator, responsible, participants and observers. For an external viewer that is exactly
 * "inside its own groups or where it is personally named". Admin mode sees all.
 */
export function tasksVisibleTo(viewer: Viewer): QueryBuilder<Task> {
  return visibleTasks(viewer, 'sets');
}

/**
 * The same tasks as tasksVisibleTo, each tested by probing the indexes (is the viewer named on it? an active member of
 * its group, with the tasks tool on?): for reading a task or a few by id. The list form hashes every task that names
 * the viewer and every group of its to test one row (0.15 of the 0.2 ms a task page's lookup took, issue 16).
 */
export function tasksVisibleByProbeTo(viewer: Viewer): QueryBuilder<Task> {
  return visibleTasks(viewer, 'probes');
}

/** R-T2, with the "named" and "my group" tests as sets of ids (lists) or as a probe per row (a few rows). */
function visibleTasks(viewer: Viewer, tests: 'sets' | 'probes'): QueryBuilder<Task> {
  const q = Task.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  if (isSuperuser(viewer)) return q;
  return q.where((b) => {
    b.where('tasks.creatorId', viewer.id).orWhere('tasks.responsibleId', viewer.id);
    if (tests === 'sets') b.orWhereIn('tasks.id', tasksNamingMe(viewer.id)).orWhereIn('tasks.groupId', myTaskGroupIds(viewer.id));
    else b.orWhereExists(tasksNamingMe(viewer.id).whereColumn('named.taskId', 'tasks.id')).orWhereExists(myTaskGroupIds(viewer.id).whereColumn('tm.groupId', 'tasks.groupId'));
  });
}

/**
 * The tasks of group `groupId` the viewer sees, on the group's own list, board and timeline (R-T2). `everyTask` is
 * seesAllOfTool(…, 'tasks') for that group: then every task of it; else those that name the viewer.
 */
export function groupTasksVisibleTo(viewer: Viewer, groupId: number, everyTask: boolean): QueryBuilder<Task> {
  return (everyTask ? Task.query() : tasksVisibleTo(viewer)).where('tasks.groupId', groupId);
}

/** Correlated subquery: the viewer's participant/observer role on the task in `taskIdColumn`. */
export function viewerTaskRoleIn(viewerId: number, taskIdColumn: string): QueryBuilder<TaskMember> {
  return TaskMember.query().alias('vr').select('vr.role').where('vr.userId', viewerId).whereColumn('vr.taskId', taskIdColumn);
}

/** Correlated subquery: the viewer's active role in the group in `groupIdColumn`. */
export function viewerGroupRoleIn(viewerId: number, groupIdColumn: string): QueryBuilder<Membership> {
  return Membership.query().alias('gm').select('gm.role').where('gm.userId', viewerId).whereColumn('gm.groupId', groupIdColumn).whereRaw(activeMembership('gm'));
}

export interface VisibleTask {
  task: Task;
  taskRole: TaskMemberRole | null;
  groupRole: Role | null;
  groupArchived: boolean;
  groupTasksOn: boolean;
  /** Null when the task has no group or the viewer may not see it (then groupHidden). */
  groupName: string | null;
  groupIsExtranet: boolean;
  groupHidden: boolean;
  groupKind: 'workgroup' | 'project' | null;
  groupStartsOn: string | null;
  groupEndsOn: string | null;
}

export type VisibleTaskRow = Task & { groupName: string | null; groupIsExtranet: boolean | null; groupHidden: boolean; groupArchivedAt: Date | null; groupKind: 'workgroup' | 'project' | null; groupStartsOn: string | null; groupEndsOn: string | null; groupTools: string[] | null; taskRole?: TaskMemberRole | null; groupRole?: Role | null };

/** Every task page and task write starts here: built once per kind of viewer (viewer-query.ts). */
export const visibleTaskById = viewerQuery<VisibleTaskRow>((viewer, [id]) =>
  tasksVisibleByProbeTo(viewer)
    .findById(id ?? 0)
    .leftJoin('groups', 'groups.id', 'tasks.groupId')
    .select('tasks.*', ...shownGroupColumns(viewer, 'groups'), 'groups.archivedAt as groupArchivedAt', 'groups.kind as groupKind', 'groups.startsOn as groupStartsOn', 'groups.endsOn as groupEndsOn', 'groups.tools as groupTools')
    .select(viewerTaskRoleIn(viewer.id, 'tasks.id').as('taskRole'), viewerGroupRoleIn(viewer.id, 'tasks.groupId').as('groupRole'))
    .toKnexQuery(),
);

/** One task through the scope, with everything the abilities need, in one query (inside `trx` when given). */
export async function findVisibleTask(viewer: Viewer, id: number, trx?: Knex.Transaction): Promise<VisibleTask | undefined> {
  // Nobody signed out sees a task (tasksVisibleTo).
  if (!viewer.signedIn) return undefined;
  const [row] = await visibleTaskById(trx ?? Task.knex(), viewer, [id]);
  return row ? toVisibleTask(row) : undefined;
}

/** A row of visibleTaskById as what the abilities judge. */
export function toVisibleTask(row: VisibleTaskRow): VisibleTask {
  return {
    task: row,
    taskRole: row.taskRole ?? null,
    groupRole: row.groupRole ?? null,
    groupArchived: row.groupArchivedAt !== null && row.groupArchivedAt !== undefined,
    groupTasksOn: row.groupTools?.includes('tasks') ?? false,
    groupName: row.groupName,
    groupIsExtranet: row.groupIsExtranet === true,
    groupHidden: row.groupHidden === true,
    groupKind: row.groupKind,
    groupStartsOn: row.groupStartsOn,
    groupEndsOn: row.groupEndsOn,
  };
}

/*
 * A task's parts, read for one task at a time (its page), so its visibility is probed once through the indexes
 * (tasksVisibleByProbeTo): the list form hashed every task naming the viewer and every group of its, once per part,
 * four times a task page (0.3 of its 0.9 ms of PostgreSQL at scale 1, issue 16).
 */

/** Participant and observer rows of tasks the viewer may see (names are filtered by the caller, R-T6). */
export function taskMembersVisibleTo(viewer: Viewer): QueryBuilder<TaskMember> {
  return TaskMember.query().whereIn('taskMembers.taskId', tasksVisibleByProbeTo(viewer).select('tasks.id'));
}

/** Comments on tasks the viewer may see. */
export function taskCommentsVisibleTo(viewer: Viewer): QueryBuilder<TaskComment> {
  return TaskComment.query().whereIn('taskComments.taskId', tasksVisibleByProbeTo(viewer).select('tasks.id'));
}

/** R-T9: checklist items of tasks the viewer may see. */
export function checklistItemsVisibleTo(viewer: Viewer): QueryBuilder<ChecklistItem> {
  return ChecklistItem.query().whereIn('taskChecklistItems.taskId', tasksVisibleByProbeTo(viewer).select('tasks.id'));
}

/** R-T9: the history of tasks the viewer may see (actors are filtered by the caller, R-X1). */
export function taskEventsVisibleTo(viewer: Viewer): QueryBuilder<TaskEvent> {
  return TaskEvent.query().whereIn('taskEvents.taskId', tasksVisibleByProbeTo(viewer).select('tasks.id'));
}

/** What `task:change-status` needs of a card's group: the same for every card of a group's own board, which has read it. */
export interface BoardGroup {
  archived: boolean;
  tasksOn: boolean;
  /** The viewer's role in it (null: not an active member). */
  role: Role | null;
}

/** A group's own board's BoardGroup, from the group the page has loaded. */
export function boardGroupOf(ctx: { group: { archivedAt: Date | null; tools: readonly string[] }; role: Role | null }): BoardGroup {
  return { archived: ctx.group.archivedAt !== null, tasksOn: ctx.group.tools.includes('tasks'), role: ctx.role };
}
