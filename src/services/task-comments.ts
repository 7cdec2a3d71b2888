import type { Knex } from 'knex';
import { t } from '../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import type { FormResult } from '../lib/forms.js';
import { TaskComment } from '../models/task.js';
import { can } from '../policy/abilities.js';
import { lockVisibleTask } from '../policy/locks.js';
import type { VisibleTask } from '../policy/task-scopes.js';
import type { Viewer } from '../policy/viewer.js';
import { recordModeration } from './audit.js';
import { recordSubmission, type Submission } from './submissions.js';
import { taskForAction } from './tasks.js';

/** R-T8: observers comment too. A form sent again with the same submission token adds nothing (issue 15). */
export async function addTaskComment(db: Knex, viewer: Viewer, taskId: number, body: unknown, once: Submission<TaskComment> | null = null): Promise<FormResult<TaskComment>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  return db.transaction(async (trx) => {
    await taskForAction(trx, viewer, taskId, 'task:comment');
    const text = typeof body === 'string' ? body.trim() : '';
    if (!text) return { ok: false, errors: [{ field: 'comment', message: t('tasks.comment.required') }] };
    if (text.length > 5000 || text.includes('\u0000')) return { ok: false, errors: [{ field: 'comment', message: t('tasks.comment.tooLong') }] };
    const comment = await TaskComment.query(trx).insertAndFetch({ taskId, authorId: viewer.id, body: text });
    await recordSubmission(trx, once, comment);
    return { ok: true, value: comment };
  });
}

/**
 * Issue 17 item 7 with R-T8: the author (while it sees the task) or those who manage the task delete
 * a comment; not in an archived group (R-G7). Someone else's is moderation and goes into the audit log.
 */
export async function deleteTaskComment(db: Knex, viewer: Viewer, taskId: number, commentId: number): Promise<VisibleTask> {
  if (!viewer.signedIn) throw new NotFoundError();
  return db.transaction(async (trx) => {
    const found = await lockVisibleTask(trx, viewer, taskId);
    const comment = await TaskComment.query(trx).findOne({ id: commentId, taskId: found.task.id }).forNoKeyUpdate();
    if (!comment) throw new NotFoundError();
    if (!can(viewer, 'task-comment:delete', { task: found, authorId: comment.authorId })) throw new ForbiddenError(found.groupArchived ? t('groups.archivedBanner') : '');
    await TaskComment.query(trx).deleteById(comment.id);
    if (comment.authorId !== viewer.id) await recordModeration(trx, viewer.id, 'task-comment.delete', { type: 'task', id: found.task.id, label: found.task.title }, comment.authorId);
    return found;
  });
}
