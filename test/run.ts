// `npm test`: prepares a PostgreSQL server (DATABASE_URL, or an embedded one in a temp dir),
// migrates a template database once, runs tap (each test file clones the template), cleans up.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { freePort } from './free-port.js';
import os from 'node:os';
import path from 'node:path';
import { copyAssets } from '../scripts/assets.mjs';
import { startEmbeddedPostgres, type EmbeddedServer } from '../src/db/embedded.js';
import { createKnex, LONG_TIMEOUTS } from '../src/db/knex.js';
import { migrateLatest } from '../src/db/migrate.js';

const root = path.resolve(import.meta.dirname, '..');
copyAssets(root);

let embedded: EmbeddedServer | null = null;
let tmpDir: string | null = null;
let adminUrl = process.env.DATABASE_URL;
if (!adminUrl) {
  tmpDir = mkdtempSync(path.join(os.tmpdir(), 'atrium-test-'));
  chmodSync(tmpDir, 0o755);
  embedded = await startEmbeddedPostgres({ dir: path.join(tmpDir, 'pg'), port: await freePort() });
  adminUrl = embedded.url;
}

const template = `atrium_test_tpl_${process.pid}`;
const admin = createKnex(adminUrl, 2, LONG_TIMEOUTS);
await admin.raw('drop database if exists ??', [template]);
await admin.raw('create database ??', [template]);
const templateUrl = new URL(adminUrl);
templateUrl.pathname = `/${template}`;
const tpl = createKnex(templateUrl.toString(), 1, LONG_TIMEOUTS);
await migrateLatest(tpl);
await tpl.destroy();

// tap compiles its plugin list (.taprc drops @tapjs/typescript, which TypeScript 7 breaks)
// into node_modules; a fresh install still has the default list until `tap build` runs.
const tapBin = path.join(root, 'node_modules', 'tap', 'dist', 'esm', 'run.mjs');
const builtMarker = path.join(root, 'node_modules', '.atrium-tap-plugins');
const taprc = readFileSync(path.join(root, '.taprc'), 'utf8');
if (!existsSync(builtMarker) || readFileSync(builtMarker, 'utf8') !== taprc) {
  const build = spawnSync(process.execPath, [tapBin, 'build'], { stdio: 'inherit' });
  if (build.status !== 0) throw new Error('tap build failed');
  writeFileSync(builtMarker, taprc);
}

const args = process.argv.slice(2);
rmSync(path.join(root, '.tap', 'test-results'), { recursive: true, force: true });
const tap = spawn(process.execPath, [tapBin, ...args], {
  stdio: 'inherit',
  env: { ...process.env, ATRIUM_TEST_ADMIN_URL: adminUrl, ATRIUM_TEST_TEMPLATE: template, ATRIUM_TEST_PREFIX: `atrium_t_${process.pid}_`, LOG_LEVEL: 'silent' },
});
const code: number = await new Promise((resolve) => tap.on('close', (c) => resolve(c ?? 1)));
printAssertionCounts(path.join(root, '.tap', 'test-results'));

const leftovers = await admin.raw('select datname from pg_database where starts_with(datname, ?) or datname = ?', [`atrium_t_${process.pid}_`, template]);
for (const row of leftovers.rows as { datname: string }[]) await admin.raw('drop database if exists ?? with (force)', [row.datname]);
await admin.destroy();
await embedded?.stop();
if (tmpDir) rmSync(tmpDir, { recursive: true, force: true });
process.exit(code);

/** One plain closing line with assertion counts, read from the TAP files tap saves. */
function printAssertionCounts(dir: string): void {
  if (!existsSync(dir)) return;
  let passed = 0;
  let failed = 0;
  for (const file of readdirSync(dir, { recursive: true, encoding: 'utf8' })) {
    if (!file.endsWith('.tap')) continue;
    for (const line of readFileSync(path.join(dir, file), 'utf8').split('\n')) {
      const m = /^\s*(not )?ok \d+/.exec(line);
      if (!m || line.includes('# time=')) continue;
      if (m[1]) failed++;
      else passed++;
    }
  }
  console.log(`assertions: ${passed} passed, ${failed} failed`);
}
