import cluster, { type Worker } from 'node:cluster';
import path from 'node:path';
import pino from 'pino';
import type { Config } from '../config.js';
import { ensureDatabase } from '../db/database.js';
import { takeOverSignals, type EmbeddedServer } from '../db/embedded.js';
import { superviseEmbeddedPostgres } from '../db/embedded-supervisor.js';
import { createKnex, LONG_TIMEOUTS } from '../db/knex.js';
import { migrateLatest } from '../db/migrate.js';
import { SHUTDOWN_GRACE_MS } from './grace.js';

/** Past the workers' own grace period, the ones still running are killed. */
const WORKER_KILL_AFTER_MS = SHUTDOWN_GRACE_MS + 2000;
/** A worker that dies before it listens is started again after this, doubling up to the maximum. */
const FIRST_RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;

/**
 * The primary of `npm start`: starts and supervises the embedded PostgreSQL (when DATABASE_URL is
 * unset), migrates once, then forks `config.workers` HTTP workers sharing the listening port and
 * replaces any that dies. SIGTERM/SIGINT: every worker drains and exits, then PostgreSQL stops.
 * It serves no requests and holds no pool, so little can take it down.
 */
export async function runPrimary(config: Config): Promise<void> {
  const started = Date.now();
  const log = pino({ level: config.logLevel });
  takeOverSignals();

  let closing = false;
  let embedded: Promise<EmbeddedServer | null> = Promise.resolve(null);
  let everReady = false;
  let restartDelay = FIRST_RESTART_DELAY_MS;
  const listening = new Set<number>();

  const stopWorkers = async () => {
    const running = Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined && !w.isDead());
    const exits = running.map((w) => new Promise<void>((resolve) => (w.isDead() ? resolve() : w.once('exit', () => resolve()))));
    // The same signal a worker gets from `kill`: it drains its connections and exits by itself.
    for (const w of running) w.process.kill('SIGTERM');
    const killer = setTimeout(() => {
      for (const w of running) if (!w.isDead()) w.process.kill('SIGKILL');
    }, WORKER_KILL_AFTER_MS);
    await Promise.all(exits);
    clearTimeout(killer);
  };

  const shutdown = async (reason: string, exitCode = 0) => {
    if (closing) return;
    closing = true;
    log.info({ reason }, 'shutting down');
    try {
      await stopWorkers();
      log.info('workers stopped');
      // Still starting at SIGTERM: let it finish, then stop it, rather than leave it orphaned.
      await (await embedded.catch(() => null))?.stop();
    } catch (err) {
      log.error({ err }, 'shutdown failed');
      exitCode = 1;
    } finally {
      process.exit(exitCode);
    }
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  let databaseUrl = config.databaseUrl;
  try {
    if (!databaseUrl) {
      const starting = superviseEmbeddedPostgres({
        dir: path.join(config.dataDir, 'pg'),
        port: config.embeddedPgPort,
        log: (line) => log.debug(line),
        report: (level, message) => log[level](message),
      });
      embedded = starting;
      databaseUrl = await ensureDatabase((await starting).url, 'atrium');
    }
    const knex = createKnex(databaseUrl, 1, LONG_TIMEOUTS);
    try {
      await migrateLatest(knex);
    } finally {
      await knex.destroy();
    }
  } catch (err) {
    log.error(err instanceof Error ? err.message : String(err));
    return shutdown('start-up failed', 1);
  }
  if (closing) return;

  // Workers accept from the shared socket themselves. With the default round-robin the primary
  // accepts and hands each connection over; one handed to a worker that has just died is lost
  // (the client hangs), and the hand-over costs the primary CPU on every connection.
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const fork = () => cluster.fork({ DATABASE_URL: databaseUrl });
  cluster.on('listening', (worker) => {
    listening.add(worker.id);
    restartDelay = FIRST_RESTART_DELAY_MS;
    if (!everReady && listening.size === config.workers) {
      everReady = true;
      log.info(`Atrium ready at http://${config.host}:${config.port} (${config.databaseUrl ? 'DATABASE_URL' : 'embedded PostgreSQL'}, ${config.workers} ${config.workers === 1 ? 'worker' : 'workers'}) in ${Date.now() - started} ms`);
    }
  });
  cluster.on('exit', (worker, code, signal) => {
    const wasServing = listening.delete(worker.id);
    if (closing) return;
    const how = signal ?? `code ${code}`;
    if (!everReady && !wasServing) {
      log.error(`worker ${worker.process.pid} exited during start-up (${how})`);
      void shutdown('a worker could not start', 1);
    } else if (wasServing) {
      log.warn(`worker ${worker.process.pid} exited (${how}); starting another`);
      fork();
    } else {
      log.warn(`worker ${worker.process.pid} exited before it listened (${how}); starting another in ${restartDelay / 1000} s`);
      setTimeout(() => closing || fork(), restartDelay);
      restartDelay = Math.min(restartDelay * 2, MAX_RESTART_DELAY_MS);
    }
  });
  for (let i = 0; i < config.workers; i++) fork();
}
