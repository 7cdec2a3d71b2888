import path from 'node:path';
import type { Knex } from 'knex';
import { Model } from 'objection';
import type { Config } from '../config.js';
import { startEmbeddedPostgres, type EmbeddedServer } from './embedded.js';
import { createKnex } from './knex.js';
import { migrateLatest } from './migrate.js';

export interface Database {
  knex: Knex;
  embedded: EmbeddedServer | null;
  close(): Promise<void>;
}

/** Connects to DATABASE_URL, or starts the embedded server when it is unset, then migrates. */
export async function openDatabase(config: Config, log: (line: string) => void = () => {}): Promise<Database> {
  let embedded: EmbeddedServer | null = null;
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'pg'), port: config.embeddedPgPort, log });
    url = await ensureDatabase(embedded.url, 'atrium');
  }
  const knex = createKnex(url);
  Model.knex(knex);
  await migrateLatest(knex);
  return {
    knex,
    embedded,
    async close() {
      await knex.destroy();
      await embedded?.stop();
    },
  };
}

/** Creates database `name` on the server at `adminUrl` if missing; returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string, template?: string): Promise<string> {
  const admin = createKnex(adminUrl, 1);
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
