import type { Knex } from 'knex';
import { t } from '../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import type { FormResult } from '../lib/forms.js';
import { CHECKLIST_MAX_ITEMS, ChecklistItem, TaskEvent, type TaskEventKind } from '../models/task.js';
import type { Viewer } from '../policy/viewer.js';
import { recordSubmission, type Submission } from './submissions.js';
import { taskForAction } from './tasks.js';

/** The item of this task, locked for the transaction (404 for an item of another task). */
async function lockItem(trx: Knex.Transaction, taskId: number, itemId: number): Promise<ChecklistItem> {
  const item = await ChecklistItem.query(trx).findOne({ id: itemId, taskId }).forNoKeyUpdate();
  if (!item) throw new NotFoundError();
  return item;
}

function record(trx: Knex.Transaction, taskId: number, actorId: number, kind: TaskEventKind, label: string) {
  return TaskEvent.query(trx).insert({ taskId, actorId, kind, label });
}

/** R-T9: those who edit the task add items (R-T8); the item joins the end of the list. */
export async function addChecklistItem(db: Knex, viewer: Viewer, taskId: number, raw: unknown, once: Submission<ChecklistItem> | null = null): Promise<FormResult<ChecklistItem>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  return db.transaction(async (trx) => {
    await taskForAction(trx, viewer, taskId, 'task:edit-checklist');
    const text = typeof raw === 'string' ? raw.trim() : '';
    if (!text) return { ok: false, errors: [{ field: 'item', message: t('checklist.required') }] };
    if (text.length > 500 || text.includes('\u0000')) return { ok: false, errors: [{ field: 'item', message: t('checklist.tooLong') }] };
    const last = (await ChecklistItem.query(trx).where({ taskId }).max('position as max').count('* as n').first()) as unknown as { max: number | null; n: string | number };
    if (Number(last.n) >= CHECKLIST_MAX_ITEMS) return { ok: false, errors: [{ field: 'item', message: t('checklist.full', { max: CHECKLIST_MAX_ITEMS }) }] };
    const item = await ChecklistItem.query(trx).insertAndFetch({ taskId, text, position: (last.max ?? 0) + 1 });
    await record(trx, taskId, viewer.id, 'checklist.added', text);
    await recordSubmission(trx, once, item);
    return { ok: true, value: item };
  });
}

/** R-T9: participants tick items too; ticking what is already ticked changes and records nothing. */
export async function tickChecklistItem(db: Knex, viewer: Viewer, taskId: number, itemId: number, done: boolean): Promise<ChecklistItem> {
  if (!viewer.signedIn) throw new ForbiddenError();
  return db.transaction(async (trx) => {
    await taskForAction(trx, viewer, taskId, 'task:tick');
    const item = await lockItem(trx, taskId, itemId);
    if (item.done === done) return item;
    const changed = await ChecklistItem.query(trx).patchAndFetchById(itemId, { done });
    await record(trx, taskId, viewer.id, done ? 'checklist.ticked' : 'checklist.unticked', item.text);
    return changed;
  });
}

/** R-T9: one step up or down, swapping places with the neighbour; at either end nothing moves. */
export async function moveChecklistItem(db: Knex, viewer: Viewer, taskId: number, itemId: number, direction: 'up' | 'down'): Promise<void> {
  if (!viewer.signedIn) throw new ForbiddenError();
  await db.transaction(async (trx) => {
    await taskForAction(trx, viewer, taskId, 'task:edit-checklist');
    const item = await lockItem(trx, taskId, itemId);
    const neighbour = await ChecklistItem.query(trx)
      .where({ taskId })
      .where('position', direction === 'up' ? '<' : '>', item.position)
      .orderBy('position', direction === 'up' ? 'desc' : 'asc')
      .first()
      .forNoKeyUpdate();
    if (!neighbour) return;
    await ChecklistItem.query(trx).patchAndFetchById(item.id, { position: neighbour.position });
    await ChecklistItem.query(trx).patchAndFetchById(neighbour.id, { position: item.position });
    await record(trx, taskId, viewer.id, 'checklist.moved', item.text);
  });
}

export async function removeChecklistItem(db: Knex, viewer: Viewer, taskId: number, itemId: number): Promise<void> {
  if (!viewer.signedIn) throw new ForbiddenError();
  await db.transaction(async (trx) => {
    await taskForAction(trx, viewer, taskId, 'task:edit-checklist');
    const item = await lockItem(trx, taskId, itemId);
    await ChecklistItem.query(trx).deleteById(item.id);
    await record(trx, taskId, viewer.id, 'checklist.removed', item.text);
  });
}
