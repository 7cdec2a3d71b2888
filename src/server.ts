import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { openDatabase } from './db/database.js';
import { takeOverSignals } from './db/embedded.js';
import { startMaintenance } from './services/maintenance.js';

const SHUTDOWN_GRACE_MS = 10_000;

async function main(): Promise<void> {
  const started = Date.now();
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
  const db = await openDatabase(config, (line) => {
    if (process.env.LOG_LEVEL === 'debug') console.log(line);
  });
  const app = await buildApp({ config, db: db.knex, production: true, logger: true });

  let closing = false;
  let stopMaintenance = () => {};
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      app.log.error('shutdown took too long; exiting');
      process.exit(1);
    }, SHUTDOWN_GRACE_MS);
    timer.unref();
    try {
      stopMaintenance();
      await app.close();
      await db.close();
    } finally {
      process.exit(0);
    }
  };
  takeOverSignals();
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));

  await app.listen({ host: config.host, port: config.port });
  app.mail.start();
  stopMaintenance = startMaintenance(db.background, app.mail, (msg) => app.log.warn(msg));
  app.log.info(`Atrium ready at http://${config.host}:${config.port} (${db.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL'}) in ${Date.now() - started} ms`);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
