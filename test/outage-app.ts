import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import type { Knex } from 'knex';
import { Model } from 'objection';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createKnex, REQUEST_TIMEOUTS, type DbTimeouts } from '../src/db/knex.js';
import { CuttableProxy } from './cuttable-proxy.js';
import { testDatabase } from './helper.js';

interface Teardown {
  teardown(fn: () => unknown): void;
}

export interface AppBehindProxy {
  app: FastifyInstance;
  /** Straight to the test's database, for setting up and checking. */
  db: Knex;
  /** The app's pool, through the proxy. */
  appDb: Knex;
  proxy: CuttableProxy;
}

/**
 * The real app on a fresh database reached through a CuttableProxy, so a test can take the
 * database away (cut) or make it hang (freeze) without touching the shared server.
 * Acquiring a connection gives up after 2 s rather than the production 10 s, to keep tests short.
 */
export async function appBehindProxy(t: Teardown, opts: { poolMax?: number; timeouts?: Partial<DbTimeouts>; logStream?: { write(line: string): void } } = {}): Promise<AppBehindProxy> {
  const db = await testDatabase(t);
  const { rows } = (await db.raw('select current_database() as name')) as { rows: { name: string }[] };
  const direct = new URL(process.env.ATRIUM_TEST_ADMIN_URL ?? '');
  const proxy = new CuttableProxy(direct.hostname, Number(direct.port || 5432));
  await proxy.open();
  const viaProxy = new URL(direct.toString());
  viaProxy.port = String(proxy.port);
  viaProxy.pathname = `/${rows[0]?.name}`;
  const appDb = createKnex(viaProxy.toString(), opts.poolMax ?? 5, { ...REQUEST_TIMEOUTS, acquireMs: 2000, ...opts.timeouts });
  appDb.client.config.acquireConnectionTimeout = opts.timeouts?.acquireMs ?? 2000;
  Model.knex(appDb);

  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atrium-outage-'));
  const config = loadConfig({ ...process.env, DATABASE_URL: 'postgres://unused/x', DATA_DIR: dataDir, LOG_LEVEL: opts.logStream ? 'info' : 'silent' });
  const app = await buildApp({ config, db: appDb, logger: opts.logStream !== undefined, ...(opts.logStream ? { logStream: opts.logStream } : {}) });
  await app.ready();
  t.teardown(async () => {
    await app.close();
    await proxy.cut();
    await appDb.destroy();
    rmSync(dataDir, { recursive: true, force: true });
  });
  return { app, db, appDb, proxy };
}
