import { mkdtempSync, chmodSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../../src/db/embedded.js';
import { freePort } from './server.js';

export interface SharedDatabase {
  /** A fresh, empty database for this run (the app migrates it on start). */
  url: string;
  drop(): Promise<void>;
}

async function exec(url: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/**
 * One database that several app processes share: a new database on DATABASE_URL's server, or,
 * without DATABASE_URL, on an embedded PostgreSQL started for the run in a temporary folder.
 */
export async function sharedDatabase(): Promise<SharedDatabase> {
  let adminUrl = process.env.DATABASE_URL;
  let stopServer = async () => {};
  let tmp: string | null = null;
  if (!adminUrl) {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'atrium-reliability-pg-'));
    chmodSync(tmp, 0o755);
    const server = await startEmbeddedPostgres({ dir: path.join(tmp, 'pg'), port: await freePort() });
    adminUrl = server.url;
    stopServer = () => server.stop();
  }
  const name = `atrium_reliability_${process.pid}`;
  await exec(adminUrl, `drop database if exists ${name} with (force)`);
  await exec(adminUrl, `create database ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const admin = adminUrl;
  return {
    url: url.toString(),
    async drop() {
      await exec(admin, `drop database if exists ${name} with (force)`).catch(() => {});
      await stopServer();
      if (tmp) rmSync(tmp, { recursive: true, force: true });
    },
  };
}

/** Runs one statement on the run's database and returns its rows. */
export async function query<T>(url: string, sql: string, params: unknown[] = []): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows as T[];
  } finally {
    await client.end();
  }
}
