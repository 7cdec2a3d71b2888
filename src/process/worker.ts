import { once } from 'node:events';
import { Model } from 'objection';
import { buildApp } from '../app.js';
import type { Config } from '../config.js';
import { createKnex, destroyPool, LONG_TIMEOUTS } from '../db/knex.js';
import { startMaintenance } from '../services/maintenance.js';
import { SHUTDOWN_GRACE_MS } from './grace.js';
import { endKeepAliveOnClose } from './keep-alive.js';

/** Requests still open this long before the grace period ends are cut, so the pool and the exit still happen in order. */
const CUT_OFF_BEFORE_END_MS = 1500;
/** Connections to PostgreSQL for all workers together once there are many of them (each keeps at most 10). */
const CONNECTIONS_FOR_ALL_WORKERS = 80;

/**
 * One HTTP worker: the app on the listening port it shares with the others (node:cluster), its
 * own pool, mail dispatcher and maintenance (both claim rows with SKIP LOCKED, so N of them never
 * do the same work twice). The primary has already migrated the database and set DATABASE_URL.
 */
export async function runWorker(config: Config): Promise<void> {
  if (!config.databaseUrl) throw new Error('a worker needs DATABASE_URL from the primary');
  const knex = createKnex(config.databaseUrl, Math.max(2, Math.min(10, Math.floor(CONNECTIONS_FOR_ALL_WORKERS / config.workers))));
  Model.knex(knex);
  // Maintenance is bulk work nobody waits for: a small pool of its own with the long timeouts.
  const background = createKnex(config.databaseUrl, 2, LONG_TIMEOUTS);
  const app = await buildApp({ config, db: knex, production: true, logger: true });
  endKeepAliveOnClose(app);

  let closing = false;
  let stopMaintenance = () => {};
  const shutdown = async (reason: string) => {
    if (closing) return;
    closing = true;
    const since = Date.now();
    app.log.info({ reason }, 'shutting down');
    const forceExit = setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    forceExit.unref();
    const cutOff = setTimeout(() => {
      app.log.warn('grace period ending: closing the connections still open');
      app.server.closeAllConnections();
    }, SHUTDOWN_GRACE_MS - CUT_OFF_BEFORE_END_MS);
    cutOff.unref();
    try {
      stopMaintenance();
      const httpClosed = once(app.server, 'close');
      const appClosed = app.close();
      await httpClosed;
      // Every request has been answered; what may still wait for a connection is background work
      // (mail, maintenance), which would wait out the pool's acquire timeout on a database that is
      // down. destroyPool() lets work that holds a connection finish and refuses the waiting and later ones.
      await Promise.all([appClosed, destroyPool(knex), destroyPool(background)]);
      app.log.info(`closed in ${Date.now() - since} ms`);
    } finally {
      process.exit(0);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
  // The primary is gone (killed): nobody would replace or stop this worker any more.
  process.on('disconnect', () => void shutdown('primary gone'));

  await app.listen({ host: config.host, port: config.port });
  app.mail.start();
  stopMaintenance = startMaintenance(background, app.mail, (msg) => app.log.warn(msg));
}
