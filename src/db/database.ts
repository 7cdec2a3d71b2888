import path from 'node:path';
import type { Knex } from 'knex';
import { Model } from 'objection';
import type { Config } from '../config.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded.js';
import { createKnex, LONG_TIMEOUTS, REQUEST_TIMEOUTS, type DbTimeouts } from './knex.js';
import { migrateLatest } from './migrate.js';

export interface Database {
  knex: Knex;
  /** For maintenance jobs: a small pool of its own with the long timeouts (bulk work, no one waiting). */
  background: Knex;
  embedded: EmbeddedServer | null;
  close(): Promise<void>;
}

/**
 * Connects to DATABASE_URL, or starts the embedded server when it is unset, then migrates.
 * `timeouts` are the main pool's: the server's requests get the short ones, the CLI the long ones.
 * Migrations always run with the long ones: on a big database they may take minutes.
 */
export async function openDatabase(config: Config, log: (line: string) => void = () => {}, timeouts: DbTimeouts = REQUEST_TIMEOUTS): Promise<Database> {
  let embedded: EmbeddedServer | null = null;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'pg'), port: config.embeddedPgPort, log });
    url = await ensureDatabase(embedded.url, 'atrium');
  }
  const migrator = createKnex(url, 1, LONG_TIMEOUTS);
  try {
    await migrateLatest(migrator);
  } finally {
    await migrator.destroy();
  }
  const knex = createKnex(url, 10, timeouts);
  Model.knex(knex);
  const background = timeouts === LONG_TIMEOUTS ? knex : createKnex(url, 2, LONG_TIMEOUTS);
  return {
    knex,
    background,
    embedded,
    async close() {
      await knex.destroy();
      if (background !== knex) await background.destroy();
      await embedded?.stop();
    },
  };
}

/** Creates database `name` on the server at `adminUrl` if missing; returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  const admin = createKnex(adminUrl, 1, LONG_TIMEOUTS);
  try {
    const found = await admin.raw('select 1 from pg_database where datname = ?', [name]);
    if (found.rows.length === 0) {
      await admin.raw(template ? 'create database ?? template ??' : 'create database ??', template ? [name, template] : [name]);
    }
  } finally {
    await admin.destroy();
  }
  const u = new URL(adminUrl);
  u.pathname = `/${name}`;
  return u.toString();
}
