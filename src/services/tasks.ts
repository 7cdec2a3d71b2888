import type { Knex } from 'knex';
import { z } from 'zod';
import { t } from '../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import { formatDate } from '../lib/format.js';
import { fieldError, fieldMessage, mergeErrors, normaliseDate, optionalText, parseForm, requiredText, validFields, type FieldError, type FormResult } from '../lib/forms.js';
import { Group } from '../models/group.js';
import { Activity, TASK_STATUSES, Task, TaskEvent, TaskMember, type TaskStatus } from '../models/task.js';
import { can, type Action } from '../policy/abilities.js';
import { findVisibleGroup } from '../policy/scopes.js';
import { lockVisibleTask } from '../policy/locks.js';
import type { VisibleTask } from '../policy/task-scopes.js';
import type { SignedInViewer, Viewer } from '../policy/viewer.js';
import { notifyAssigned, notifyStatusChanged, participantIds } from './task-notifications.js';
import { recordSubmission, type Submission } from './submissions.js';
import { resolveTaskPeople, type TaskPeople } from './task-people.js';
import { recordModeration } from './audit.js';

/** A real 'YYYY-MM-DD' date (no 2026-02-30). */
export function isCalendarDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().startsWith(s);
}

const dateField = (label: 'tasks.form.deadline' | 'tasks.form.startOn') =>
  z
    .string(fieldError('invalid', label))
    .trim()
    .optional()
    .default('')
    .transform(normaliseDate)
    .refine((s) => s === '' || isCalendarDate(s), { error: () => t('validation.date', { label: t(label) }) })
    .transform((s) => (s === '' ? null : s));

const peopleField = z.string(fieldError('invalid', 'tasks.form.participants')).max(10_000).optional().default('');

const taskSchema = z.object({
  title: requiredText('tasks.form.title', 255),
  description: optionalText('tasks.form.description', 10_000),
  startOn: dateField('tasks.form.startOn'),
  deadline: dateField('tasks.form.deadline'),
  responsible: peopleField,
  participants: peopleField,
  observers: peopleField,
});

const TASK_FIELDS = Object.keys(taskSchema.shape);

/**
 * The checks after parsing (people named, R-T3 dates) run on the fields that are valid, so one
 * round reports every error (issue 17, item 6); the zod errors come first per field.
 */
async function taskErrors(trx: Knex.Transaction, viewer: SignedInViewer, group: { id: number; isExtranet: boolean } | null, dates: GroupDates | null, body: unknown, zodErrors: FieldError[]) {
  const fields = validFields(taskSchema.shape, body);
  const people = await resolveTaskPeople(trx, viewer, group, { responsible: fields.responsible ?? '', participants: fields.participants ?? '', observers: fields.observers ?? '' });
  const dateProblems = dateErrors({ startOn: fields.startOn ?? null, deadline: fields.deadline ?? null }, dates);
  return { people, errors: mergeErrors([...TASK_FIELDS, 'status'], zodErrors, dateProblems, people.ok ? [] : people.errors) };
}

const statusSchema = z.enum(TASK_STATUSES, fieldError('choose', 'tasks.form.status'));

interface GroupDates {
  kind: 'workgroup' | 'project' | null;
  startsOn: string | null;
  endsOn: string | null;
}

/** R-T3: a project task's deadline lies within the project's dates, inclusive. */
export function deadlineError(deadline: string | null, group: GroupDates): FieldError | null {
  if (!deadline || group.kind !== 'project' || !group.startsOn || !group.endsOn) return null;
  if (deadline >= group.startsOn && deadline <= group.endsOn) return null;
  return { field: 'deadline', message: t('tasks.form.deadlineOutside', { start: formatDate(group.startsOn), end: formatDate(group.endsOn) }) };
}

/** R-T9 with R-T3: the start date lies within the project's dates and not after the deadline. */
export function startError(input: { startOn: string | null; deadline: string | null }, group: GroupDates | null): FieldError | null {
  const { startOn, deadline } = input;
  if (!startOn) return null;
  if (group?.kind === 'project' && group.startsOn && group.endsOn && (startOn < group.startsOn || startOn > group.endsOn)) {
    return { field: 'startOn', message: t('tasks.form.startOutside', { start: formatDate(group.startsOn), end: formatDate(group.endsOn) }) };
  }
  if (deadline && startOn > deadline) return { field: 'startOn', message: t('tasks.form.startAfterDeadline') };
  return null;
}

/** Every date problem of a task form (R-T3, R-T9). */
function dateErrors(input: { startOn: string | null; deadline: string | null }, group: GroupDates | null): FieldError[] {
  return [startError(input, group), group ? deadlineError(input.deadline, group) : null].filter((e): e is FieldError => e !== null);
}

/** The database enforces R-T3 too; its refusal becomes the same field error. */
function isDeadlineViolation(err: unknown): boolean {
  return (err as { constraint?: string }).constraint === 'tasks_deadline_in_project';
}

async function replaceMembers(trx: Knex.Transaction, taskId: number, people: TaskPeople): Promise<void> {
  await TaskMember.query(trx).where('taskId', taskId).delete();
  const rows = [...people.participantIds.map((userId) => ({ taskId, userId, role: 'participant' as const })), ...people.observerIds.map((userId) => ({ taskId, userId, role: 'observer' as const }))];
  if (rows.length) await TaskMember.query(trx).insert(rows);
}

/** R-T1..R-T5: a personal task, or a task in a group whose tasks tool is on and that is not archived. */
export async function createTask(db: Knex, viewer: Viewer, groupId: number | null, body: unknown, once: Submission<Task> | null = null): Promise<FormResult<Task>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  const parsed = parseForm(taskSchema, body);
  try {
    return await db.transaction(async (trx) => {
      let group: Group | null = null;
      if (groupId !== null) {
        const ctx = await findVisibleGroup(viewer, groupId, trx);
        if (!ctx) throw new NotFoundError();
        if (!can(viewer, 'group:read-content', ctx) || !ctx.group.tools.includes('tasks')) throw new NotFoundError();
        if (ctx.group.archivedAt) throw new ForbiddenError();
        group = ctx.group;
      }
      const { people, errors } = await taskErrors(trx, viewer, group, group, body, parsed.ok ? [] : parsed.errors);
      if (!parsed.ok || !people.ok || errors.length) return { ok: false, errors };
      const input = parsed.value;
      const task = await Task.query(trx).insertAndFetch({
        title: input.title,
        description: input.description,
        deadline: input.deadline,
        startOn: input.startOn,
        creatorId: viewer.id,
        responsibleId: people.people.responsibleId,
        groupId: group?.id ?? null,
      });
      await replaceMembers(trx, task.id, people.people);
      if (group) await Activity.query(trx).insert({ groupId: group.id, actorId: viewer.id, kind: 'task.created', taskId: task.id });
      await notifyAssigned(trx, viewer.id, task, { responsibleId: null, participantIds: [] }, people.people);
      await recordSubmission(trx, once, task);
      return { ok: true, value: task };
    });
  } catch (err) {
    if (isDeadlineViolation(err)) return { ok: false, errors: [{ field: 'deadline', message: t('tasks.form.deadlineOutsideProject') }] };
    throw err;
  }
}

/** The task the viewer may see (404 otherwise, R-X1), locked for this transaction, on which it may do one thing (403). */
export async function taskForAction(trx: Knex.Transaction, viewer: Viewer, taskId: number, ability: Action & `task:${string}`): Promise<VisibleTask> {
  const found = await lockVisibleTask(trx, viewer, taskId);
  if (!can(viewer, ability as 'task:edit', found)) throw new ForbiddenError();
  return found;
}

/** R-T3 refused by the database: the same field error as the form's own check. */
function deadlineRefusal<T>(err: unknown, group: GroupDates | null): FormResult<T> {
  if (!isDeadlineViolation(err)) throw err;
  const message = group?.startsOn && group.endsOn ? t('tasks.form.deadlineOutside', { start: formatDate(group.startsOn), end: formatDate(group.endsOn) }) : t('tasks.form.deadlineOutsideProject');
  return { ok: false, errors: [{ field: 'deadline', message }] };
}

/**
 * R-F1, R-F5: what a change of status sets off, only when the status really changed: "task completed"
 * in the group's activity, and "status changed" for the people on the task.
 */
async function statusChanged(trx: Knex.Transaction, actorId: number, before: TaskStatus, task: Task): Promise<void> {
  if (task.status === before) return;
  await TaskEvent.query(trx).insert({ taskId: task.id, actorId, kind: 'status', label: task.status });
  if (task.status === 'completed' && task.groupId) await Activity.query(trx).insert({ groupId: task.groupId, actorId, kind: 'task.completed', taskId: task.id });
  await notifyStatusChanged(trx, actorId, task, task.status);
}

/** R-T8: creator, responsible and the group's owner/moderators edit; R-T3 again on change. */
export async function updateTask(db: Knex, viewer: Viewer, taskId: number, body: unknown): Promise<FormResult<Task>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  let dates: GroupDates | null = null;
  try {
    return await db.transaction(async (trx) => {
      // Locked before anything is compared, so of two edits at once the second sees the first's result.
      const ctx = await taskForAction(trx, viewer, taskId, 'task:edit');
      dates = { kind: ctx.groupKind, startsOn: ctx.groupStartsOn, endsOn: ctx.groupEndsOn };
      const parsed = parseForm(taskSchema.extend({ status: statusSchema }), body);
      const group = ctx.task.groupId ? { id: ctx.task.groupId, isExtranet: ctx.groupIsExtranet } : null;
      const { people, errors } = await taskErrors(trx, viewer, group, dates, body, parsed.ok ? [] : parsed.errors);
      if (!parsed.ok || !people.ok || errors.length) return { ok: false, errors };
      const input = parsed.value;
      const before = { responsibleId: ctx.task.responsibleId, participantIds: await participantIds(trx, taskId) };
      const task = await Task.query(trx).patchAndFetchById(taskId, {
        title: input.title,
        description: input.description,
        deadline: input.deadline,
        startOn: input.startOn,
        status: input.status,
        completedAt: input.status === 'completed' ? (ctx.task.completedAt ?? new Date()) : null,
        responsibleId: people.people.responsibleId,
        updatedAt: new Date(),
      });
      await replaceMembers(trx, taskId, people.people);
      await notifyAssigned(trx, viewer.id, task, before, people.people);
      await statusChanged(trx, viewer.id, ctx.task.status, task);
      return { ok: true, value: task };
    });
  } catch (err) {
    return deadlineRefusal(err, dates);
  }
}

/** R-T8: participants may change the status too; the same status again changes nothing and tells nobody. */
export async function changeTaskStatus(db: Knex, viewer: Viewer, taskId: number, status: unknown): Promise<FormResult<Task>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  return db.transaction(async (trx) => {
    const ctx = await taskForAction(trx, viewer, taskId, 'task:change-status');
    const parsed = statusSchema.safeParse(status);
    if (!parsed.success) return { ok: false, errors: [{ field: 'status', message: fieldMessage('choose', 'tasks.form.status') }] };
    const next: TaskStatus = parsed.data;
    if (next === ctx.task.status) return { ok: true, value: ctx.task };
    const task = await Task.query(trx).patchAndFetchById(taskId, { status: next, completedAt: next === 'completed' ? (ctx.task.completedAt ?? new Date()) : null, updatedAt: new Date() });
    await statusChanged(trx, viewer.id, ctx.task.status, task);
    return { ok: true, value: task };
  });
}

/** R-T8: deleting a task someone else created is moderation and goes into the audit log, as a comment's does. */
export async function deleteTask(db: Knex, viewer: Viewer, taskId: number): Promise<Task> {
  return db.transaction(async (trx) => {
    const ctx = await taskForAction(trx, viewer, taskId, 'task:delete');
    await Task.query(trx).deleteById(taskId);
    if (viewer.signedIn && ctx.task.creatorId !== viewer.id) await recordModeration(trx, viewer.id, 'task.delete', { type: 'task', id: ctx.task.id, label: ctx.task.title }, ctx.task.creatorId);
    return ctx.task;
  });
}

/** R-T3: a project's dates cannot move so that existing deadlines fall outside; lists those tasks. */
export async function tasksOutsideDates(trx: Knex.Transaction, groupId: number, startsOn: string, endsOn: string): Promise<string[]> {
  const rows = await Task.query(trx).where('groupId', groupId).where((b) => b.where('deadline', '<', startsOn).orWhere('deadline', '>', endsOn).orWhere('startOn', '<', startsOn).orWhere('startOn', '>', endsOn)).orderBy('deadline').limit(20).select('title');
  return rows.map((r) => r.title);
}
