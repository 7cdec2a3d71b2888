import argon2 from 'argon2';
import type pg from 'pg';
import { loadConfig } from '../config.js';
import { openDatabase } from '../db/database.js';
import { LONG_TIMEOUTS } from '../db/knex.js';
import { buildCompany } from '../scale/company.js';
import { loadFeed } from '../scale/feed-rows.js';
import { finish, truncateAll } from '../scale/finish.js';
import { dropSecondaryIndexes, recreateIndexes } from '../scale/indexes.js';
import { loadPeople } from '../scale/people-rows.js';
import { BENCH_EMPLOYEE_EMAIL, BENCH_EXTERNAL_EMAIL, countsFor, SCALE_PASSWORD } from '../scale/plan.js';
import { Random } from '../scale/random.js';
import { loadTasks } from '../scale/tasks-rows.js';
import { loadTools } from '../scale/tools-rows.js';
import { parseArgs } from './args.js';

/**
 * `npm run seed:scale [-- --scale N]`: replaces everything in the configured database with the
 * benchmark company (issue 9), the same on every run (fixed random seed).
 */
const { options } = parseArgs(process.argv.slice(2));
const scale = Number(options.get('scale') ?? '1');
if (!Number.isFinite(scale) || scale <= 0 || scale > 20) {
  console.error('--scale must be a number above 0 (at most 20)');
  process.exit(2);
}

const started = Date.now();
const timings: Record<string, number> = {};
async function step<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const t0 = Date.now();
  const result = await fn();
  timings[name] = (Date.now() - t0) / 1000;
  console.log(`  ${name.padEnd(22)} ${timings[name]?.toFixed(1)} s`);
  return result;
}

const db = await openDatabase(loadConfig(), undefined, LONG_TIMEOUTS);
const client = (await db.knex.client.acquireConnection()) as pg.PoolClient;
try {
  console.log(`Loading the benchmark company at scale ${scale} (migrated; everything else in this database is replaced)`);
  const counts = countsFor(scale);
  const random = new Random(20261129);
  await client.query("set synchronous_commit = off; set maintenance_work_mem = '512MB'");
  await step('truncate', () => truncateAll(client));
  const saved = await step('drop indexes', () => dropSecondaryIndexes(client));
  const hash = await argon2.hash(SCALE_PASSWORD, { type: argon2.argon2id });
  const company = buildCompany(counts, random);
  const rows: Record<string, number> = {};
  Object.assign(rows, await step('users, groups, members', () => loadPeople(client, company, random, hash)));
  const tasks = await step('tasks', () => loadTasks(client, company, random, counts.tasks));
  Object.assign(rows, tasks.rows);
  Object.assign(rows, await step('feed', () => loadFeed(client, company, random, counts, tasks.facts)));
  Object.assign(rows, await step('files, events, chat', () => loadTools(client, company, random, counts)));
  await step('indexes', () => recreateIndexes(client, saved));
  await step('finish', () => finish(client));
  await step('vacuum analyze', () => client.query('vacuum analyze'));
  for (const [table, n] of Object.entries(rows)) console.log(`  ${table.padEnd(22)} ${n.toLocaleString('en')}`);
  console.log(`Done in ${((Date.now() - started) / 1000).toFixed(1)} s. Every account's password: ${SCALE_PASSWORD}`);
  console.log(`  typical employee: ${BENCH_EMPLOYEE_EMAIL}   external user: ${BENCH_EXTERNAL_EMAIL}   administrator: admin@bench.example`);
} finally {
  await db.knex.client.releaseConnection(client);
  await db.close();
}
