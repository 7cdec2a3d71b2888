import { decodeCursor, toPage, type Page } from '../lib/keyset.js';
import type { OutboxMessage } from '../models/outbox-message.js';
import { outboxVisibleTo } from '../policy/scopes.js';
import type { Viewer } from '../policy/viewer.js';

/** SPEC §6: the outbox of mail, newest first, keyset-paged on the id. */
export async function findOutbox(viewer: Viewer, after: unknown, pageSize = 25): Promise<Page<OutboxMessage>> {
  const q = outboxVisibleTo(viewer);
  const cursor = decodeCursor(after, ['number']);
  if (cursor) q.where('outbox.id', '<', cursor[0] as number);
  const rows = await q.orderBy('outbox.id', 'desc').limit(pageSize + 1);
  return toPage(rows, pageSize, (m) => [m.id]);
}
