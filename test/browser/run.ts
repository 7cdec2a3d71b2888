// `npm run test:browser`: builds the app, starts it on a fresh database with the demo seed,
// and runs the journeys in Debian's Chromium with JavaScript on and off, checking every page
// type with axe-core and html-validate. Ends with one "N passed, N failed" line.
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { freePort } from '../free-port.js';
import os from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { createKnex, LONG_TIMEOUTS } from '../../src/db/knex.js';
import { Tally } from './checks.js';
import { extranetJourney, groupJourney, keyboardJourney, passwordResetJourney } from './journeys.js';
import { CLIENT_SECRET, startOidcProvider } from '../oidc-provider.js';
import { singleSignOnJourney, twoFactorJourney } from './sign-in-journeys.js';
import { textBrowserJourney } from './text-browser.js';
import { boardJourney } from './board-journeys.js';
import { germanJourney } from './german-journey.js';

const root = path.resolve(import.meta.dirname, '..', '..');
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
if (!existsSync(chromiumPath)) {
  console.error(`Chromium not found at ${chromiumPath}: apt-get install -y chromium`);
  process.exit(1);
}

execFileSync(process.execPath, [path.join(root, 'scripts', 'build.mjs')], { stdio: 'inherit' });
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atrium-browser-'));
chmodSync(dataDir, 0o755);
const port = await freePort();
// A real OpenID provider for the single sign-on journey, in this process.
const provider = await startOidcProvider({ sam: { email: 'sam.single@example.com', email_verified: true, name: 'Sam Single' } }, `http://127.0.0.1:${port}`);
const env: NodeJS.ProcessEnv = {
  ...process.env,
  DATA_DIR: dataDir,
  PORT: String(port),
  PUBLIC_URL: `http://127.0.0.1:${port}`,
  OIDC_CLIENT_SECRET: CLIENT_SECRET,
  LOG_LEVEL: 'warn',
  EMBEDDED_PG_PORT: String(await freePort()),
};
const dbName = `atrium_browser_${process.pid}`;
if (process.env.DATABASE_URL) {
  const admin = createKnex(process.env.DATABASE_URL, 1, LONG_TIMEOUTS);
  await admin.raw('drop database if exists ??', [dbName]);
  await admin.raw('create database ??', [dbName]);
  await admin.destroy();
  const url = new URL(process.env.DATABASE_URL);
  url.pathname = `/${dbName}`;
  env.DATABASE_URL = url.toString();
}

const cli = path.join(root, 'dist', 'src', 'cli', 'index.js');
execFileSync(process.execPath, [cli, 'seed'], { env, stdio: 'inherit' });
const server = spawn(process.execPath, [path.join(root, 'dist', 'src', 'server.js')], { env, stdio: ['ignore', 'ignore', 'inherit'] });
const serverExited = new Promise((resolve) => server.once('exit', resolve));
const base = `http://127.0.0.1:${port}`;
let healthy = false;
// Up to 2 minutes: on a loaded machine (several test runs at once) a cluster start takes over 30 s.
for (let i = 0; i < 480 && !healthy && server.exitCode === null; i++) {
  healthy = await fetch(`${base}/healthz`).then((r) => r.ok, () => false);
  if (!healthy) await new Promise((r) => setTimeout(r, 250));
}
if (!healthy) {
  console.error('browser: the app did not start');
  server.kill('SIGTERM');
  process.exit(1);
}

const browser = await chromium.launch({
  executablePath: chromiumPath,
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
});
const tally = new Tally(browser);
try {
  for (const js of [true, false]) {
    const c = { browser, base, js, tally };
    const singleSignOn = (jc: typeof c) => singleSignOnJourney(jc, provider.issuer);
    // ATRIUM_JOURNEYS=germanJourney,keyboardJourney runs only those (a quick re-check of one area).
    const only = process.env.ATRIUM_JOURNEYS?.split(',');
    const all = [groupJourney, extranetJourney, keyboardJourney, boardJourney, twoFactorJourney, singleSignOn, passwordResetJourney, germanJourney];
    for (const journey of all.filter((j) => !only || only.includes(j.name))) {
      try {
        // A journey that hangs (a navigation that never ends) fails instead of stalling CI.
        // The German tour visits every page type (up to 60), so it gets more time than one journey.
        const limit = journey === germanJourney ? 600 : 180;
        await Promise.race([journey(c), new Promise((_, reject) => setTimeout(() => reject(new Error(`took longer than ${limit} s`)), limit * 1000).unref())]);
      } catch (err) {
        tally.ok(false, `${journey.name} (${js ? 'JS' : 'no-JS'}) stopped: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
      }
      await Promise.all(browser.contexts().map((context) => context.close()));
      tally.forgetAuditor();
    }
  }
  await textBrowserJourney(base, tally);
} finally {
  await browser.close();
  await provider.stop();
  server.kill('SIGTERM');
  await serverExited;
  if (process.env.DATABASE_URL) {
    const admin = createKnex(process.env.DATABASE_URL, 1, LONG_TIMEOUTS);
    await admin.raw('drop database if exists ?? with (force)', [dbName]);
    await admin.destroy();
  }
  rmSync(dataDir, { recursive: true, force: true });
}
tally.nuCheck();
if (tally.failures.length) console.log(`\nFailed:\n${tally.failures.map((f) => `  - ${f}`).join('\n')}`);
console.log(`browser: ${tally.passed} passed, ${tally.failed} failed`);
process.exit(tally.failed === 0 ? 0 : 1);
