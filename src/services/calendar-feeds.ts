import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { ForbiddenError } from '../lib/errors.js';
import { CalendarFeed } from '../models/calendar-feed.js';
import { can } from '../policy/abilities.js';
import { hashFeedToken } from '../policy/calendar-feed.js';
import type { Viewer } from '../policy/viewer.js';
import { recordSubmission, type Submission } from './submissions.js';

/** The viewer's feed, if it has one: when its current address was made (the address itself is not kept). */
export async function findOwnFeed(viewer: Viewer): Promise<{ createdAt: Date } | undefined> {
  if (!viewer.signedIn) return undefined;
  return CalendarFeed.query().findById(viewer.id).select('createdAt');
}

/**
 * R-C2: a new secret address for the viewer's calendar feed (256 random bits). It replaces the
 * previous one, which stops working at once. Only its SHA-256 is stored, so the address can be
 * shown only now; whoever loses it makes a new one.
 */
export async function createFeed(db: Knex, viewer: Viewer, once: Submission<{ token: string }> | null = null): Promise<{ token: string }> {
  if (!viewer.signedIn || !can(viewer, 'calendar-feed:manage', { userId: viewer.id })) throw new ForbiddenError();
  const token = randomBytes(32).toString('base64url');
  return db.transaction(async (trx) => {
    await CalendarFeed.query(trx)
      .insert({ userId: viewer.id, tokenHash: hashFeedToken(token), createdAt: new Date() })
      .onConflict('userId')
      .merge(['tokenHash', 'createdAt']);
    const value = { token };
    await recordSubmission(trx, once, value);
    return value;
  });
}

/** R-C2: the viewer's feed address stops working; false when there was none. */
export async function revokeFeed(db: Knex, viewer: Viewer): Promise<boolean> {
  if (!viewer.signedIn || !can(viewer, 'calendar-feed:manage', { userId: viewer.id })) throw new ForbiddenError();
  return (await CalendarFeed.query(db).deleteById(viewer.id)) > 0;
}
