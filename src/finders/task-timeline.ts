import { raw } from 'objection';
import { decodeCursor, toPage, type Page } from '../lib/keyset.js';
import type { Viewer } from '../policy/viewer.js';
import { taskListQuery, toTaskRow, type TaskRow } from './tasks.js';

export const TIMELINE_PAGE_SIZE = 50;

/**
 * R-T9: a project's tasks that have a start date or a deadline, in the order they begin
 * (start, else deadline), keyset-paged on that date and the id; one query a page.
 */
export async function findTimeline(viewer: Viewer, group: { groupId: number; everyTask: boolean }, after: unknown, pageSize = TIMELINE_PAGE_SIZE): Promise<Page<TaskRow & { begins: string }>> {
  if (!viewer.signedIn) return { items: [], nextCursor: null };
  const begins = 'coalesce(tasks.start_on, tasks.deadline)';
  const q = taskListQuery(viewer, group).select(raw(`to_char(${begins}, 'YYYY-MM-DD') as begins`)).whereRaw(`${begins} is not null`);
  const cursor = decodeCursor(after, ['string', 'number']);
  if (cursor && /^\d{4}-\d{2}-\d{2}$/.test(String(cursor[0]))) q.whereRaw(`(${begins}, tasks.id) > (?::date, ?)`, cursor);
  const rows = (await q.orderByRaw(`${begins}, tasks.id`).limit(pageSize + 1)) as unknown as (TaskRow & { begins: string })[];
  return toPage(rows.map(toTaskRow), pageSize, (r) => [r.begins, r.id]);
}
