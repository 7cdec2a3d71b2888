import type { Knex } from 'knex';
import { pruneChatChanges } from './chat-changes.js';
import { pruneLoginFailures } from './login.js';
import type { MailDispatcher } from './mail.js';
import { endExpiredMemberships } from './membership-expiry.js';
import { prunePasswordResets } from './password-reset.js';
import { pruneSubmissions } from './submissions.js';

/** Periodic housekeeping in each app process; every step is safe to run in several at once. */
export function startMaintenance(db: Knex, mail: MailDispatcher, log: (msg: string) => void, intervalMs = 60_000): () => void {
  const run = async () => {
    try {
      if ((await endExpiredMemberships(db)) > 0) await mail.dispatch();
      await pruneLoginFailures(db);
      await pruneSubmissions(db);
      await prunePasswordResets(db);
      await pruneChatChanges(db);
    } catch (err) {
      log(`maintenance failed: ${String(err)}`);
    }
  };
  const timer = setInterval(() => void run(), intervalMs);
  timer.unref();
  void run();
  return () => clearInterval(timer);
}
