import type { Knex } from 'knex';
import { NotFoundError } from '../lib/errors.js';
import { CalendarEvent } from '../models/event.js';
import { DriveFile, Folder } from '../models/file.js';
import { Group } from '../models/group.js';
import { Post } from '../models/post.js';
import { Task } from '../models/task.js';
import { findVisibleEvent, type VisibleEvent } from './calendar-scopes.js';
import { findVisiblePost, type VisiblePost } from './feed-scopes.js';
import { findVisibleFile, findVisibleFolder, type VisibleFile, type VisibleFolder } from './file-scopes.js';
import { findVisibleGroup, type VisibleGroup } from './scopes.js';
import { findVisibleTask, type VisibleTask } from './task-scopes.js';
import type { Viewer } from './viewer.js';

/**
 * One write path (STYLE): a service locks the row it is about to change inside its transaction,
 * and only then reads it through the viewer's scope. Requests that change the same row at once
 * take turns, and each reads what the one before it committed, so "did the state really change?"
 * has one answer and side effects happen once (issue 15). Not visible and missing are the same
 * 404 (R-X1); a lock on a row the viewer may not see is released with the transaction.
 * FOR NO KEY UPDATE: writers of the row take turns (and FOR SHARE readers, such as an upload
 * holding its group, wait), while rows that only point at it (a comment, a membership) can still
 * be added meanwhile.
 */
async function lockThenFind<T>(lock: PromiseLike<unknown>, find: () => Promise<T | undefined>): Promise<T> {
  await lock;
  const found = await find();
  if (!found) throw new NotFoundError();
  return found;
}

/** A group and the viewer's role in it; the roles read next cannot change before the transaction ends (R-G4: one owner). */
export function lockVisibleGroup(trx: Knex.Transaction, viewer: Viewer, groupId: number): Promise<VisibleGroup> {
  return lockThenFind(Group.query(trx).findById(groupId).forNoKeyUpdate(), () => findVisibleGroup(viewer, groupId, trx));
}

export function lockVisibleTask(trx: Knex.Transaction, viewer: Viewer, taskId: number): Promise<VisibleTask> {
  return lockThenFind(Task.query(trx).findById(taskId).forNoKeyUpdate(), () => findVisibleTask(viewer, taskId, trx));
}

export function lockVisibleFile(trx: Knex.Transaction, viewer: Viewer, fileId: number): Promise<VisibleFile> {
  return lockThenFind(DriveFile.query(trx).findById(fileId).forNoKeyUpdate(), () => findVisibleFile(viewer, fileId, trx));
}

export function lockVisibleFolder(trx: Knex.Transaction, viewer: Viewer, folderId: number): Promise<VisibleFolder> {
  return lockThenFind(Folder.query(trx).findById(folderId).forNoKeyUpdate(), () => findVisibleFolder(viewer, folderId, trx));
}

/** A post (issue 18: an edit, a like, a comment's edit take turns on their post). */
export function lockVisiblePost(trx: Knex.Transaction, viewer: Viewer, postId: number): Promise<VisiblePost> {
  return lockThenFind(Post.query(trx).findById(postId).forNoKeyUpdate(), () => findVisiblePost(viewer, postId, trx));
}

/** An event (R-F3): an edit or a deletion judges the event, and the viewer's place in its group, as they are once it holds the lock. */
export function lockVisibleEvent(trx: Knex.Transaction, viewer: Viewer, eventId: number): Promise<VisibleEvent> {
  return lockThenFind(CalendarEvent.query(trx).findById(eventId).forNoKeyUpdate(), () => findVisibleEvent(viewer, eventId, trx));
}
