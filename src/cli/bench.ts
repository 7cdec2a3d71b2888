import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Model } from 'objection';
import { buildApp } from '../app.js';
import { loadConfig, projectRoot } from '../config.js';
import { createKnex } from '../db/knex.js';
import { loadUrl } from '../bench/load.js';
import { queriesFor } from '../bench/query-count.js';
import { soloMs } from '../bench/solo.js';
import { backendPids, processTree, sample, spentBetween, type CpuSample } from '../bench/proc-cpu.js';
import { round2, table, type Row } from '../bench/report.js';
import { startProcess } from '../bench/server-process.js';
import { signIn } from '../bench/sign-in.js';
import { findPersona, pagesFor, type Page } from '../bench/targets.js';
import { BASE_COUNTS, BENCH_EMPLOYEE_EMAIL, BENCH_EXTERNAL_EMAIL, SCALE_PASSWORD } from '../scale/plan.js';
import { parseArgs } from './args.js';

/**
 * `npm run bench [-- --duration S --connections N --only TEXT --node-options '…']`: the production build against the
 * benchmark company at DATABASE_URL (load it with `npm run seed:scale`), each page loaded by
 * autocannon; queries per request counted in-process; writes bench/results.json.
 */
const { options } = parseArgs(process.argv.slice(2));
const duration = Number(options.get('duration') ?? '20');
const connections = Number(options.get('connections') ?? '10');
const port = Number(options.get('port') ?? '3917');
const only = options.get('only');
// The node options `npm start` gives the server (package.json's start script), unless told otherwise.
const nodeOptions = options.get('node-options') ?? npmStartNodeOptions();
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('Set DATABASE_URL to the database loaded by npm run seed:scale');
  process.exit(2);
}

const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atrium-bench-'));
const env = { DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: String(port), SESSION_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn', DATA_DIR: dataDir };
const config = loadConfig({ ...process.env, ...env });
// One worker: the figures are per process, as before `npm start` ran one worker per CPU.
const serverEnv = { ...env, NODE_OPTIONS: nodeOptions, WEB_CONCURRENCY: '1' };
// The bench's own connections name themselves, so the server's PostgreSQL backends can be told apart.
const BENCH_APPLICATION = 'atrium-bench';
const benchUrl = new URL(databaseUrl);
benchUrl.searchParams.set('application_name', BENCH_APPLICATION);
const db = createKnex(benchUrl.toString());
const databaseName = ((await db.raw('select current_database() as name')).rows[0] as { name: string }).name;
Model.knex(db);

const employees = (await db.raw('select count(*)::int as n from users where not is_extranet')).rows[0] as { n: number };
const scale = Math.round((employees.n / BASE_COUNTS.employees) * 1000) / 1000;
const employee = await findPersona(db, 'employee', BENCH_EMPLOYEE_EMAIL);
const external = await findPersona(db, 'external', BENCH_EXTERNAL_EMAIL);
console.log(`Scale ${scale}: ${employee.email} in ${employee.groupCount} groups, ${external.email} in ${external.groupCount}; ${duration} s per page, ${connections} connections`);

const loadBefore = os.loadavg()[0] ?? 0;
const server = await startProcess('dist/src/server.js', serverEnv, port, '/healthz');
const app = await buildApp({ config, db, production: true });
const rows: Row[] = [];
let ceilingHtml = '';
try {
  const cookies = new Map<string, string>([
    ['employee', await signIn(server.baseUrl, employee.email, SCALE_PASSWORD)],
    ['external', await signIn(server.baseUrl, external.email, SCALE_PASSWORD)],
  ]);
  const pages: Page[] = [{ name: '/login', path: '/login', persona: null }, ...pagesFor(employee), ...pagesFor(external)].filter((p) => !only || p.name.includes(only));
  for (const page of pages) {
    const cookie = page.persona ? (cookies.get(page.persona.label) ?? null) : null;
    const counted = await queriesFor(app, db, page.path, cookie);
    const solo = await soloMs(app, page.path, cookie);
    if (page.path === '/tasks' && page.persona?.label === 'employee') ceilingHtml = counted.body;
    await loadUrl(server.baseUrl + page.path, cookie, Math.min(2, duration), connections); // warm-up, not recorded
    const before = await cpuNow(server.pid);
    const load = await loadUrl(server.baseUrl + page.path, cookie, duration, connections);
    const after = await cpuNow(server.pid);
    const perRequest = (ms: number) => round2(ms / Math.max(1, load.requests));
    const row: Row = {
      page: page.name,
      path: page.path,
      ...load,
      appCpuMs: perRequest(spentBetween(before.app, after.app)),
      pgCpuMs: perRequest(spentBetween(before.pg, after.pg)),
      budgetMs: page.budgetMs ?? null,
      soloMs: solo,
      queries: counted.queries,
      bytes: counted.bytes,
      status: counted.status,
    };
    rows.push(row);
    console.log(`  ${row.page}: ${row.appCpuMs} + ${row.pgCpuMs} CPU ms/req (app + pg), ${row.requestsPerSecond} req/s, p50 ${row.p50Ms} ms, p99 ${row.p99Ms} ms, alone ${row.soloMs} ms, ${row.queries} queries, ${row.bytes} bytes, status ${row.status}, non-2xx ${row.non2xx}`);
  }
} finally {
  await app.close();
}
const peakRssMb = server.peakRssMb();
await server.stop();

let ceiling: Row | null = null;
if (ceilingHtml) {
  const file = path.join(dataDir, 'my-tasks.html');
  writeFileSync(file, ceilingHtml);
  const ceilingPort = port + 1;
  const bare = await startProcess('dist/src/bench/ceiling-server.js', { CEILING_HTML: file, CEILING_PORT: String(ceilingPort) }, ceilingPort, '/healthz');
  try {
    await loadUrl(`${bare.baseUrl}/`, null, Math.min(2, duration), connections);
    const load = await loadUrl(`${bare.baseUrl}/`, null, duration, connections);
    ceiling = { page: 'ceiling: My tasks bytes from memory', path: '/', ...load, appCpuMs: null, pgCpuMs: null, budgetMs: null, soloMs: null, queries: 0, bytes: Buffer.byteLength(ceilingHtml), status: 200 };
    rows.push(ceiling);
  } finally {
    await bare.stop();
  }
}
await db.destroy();
rmSync(dataDir, { recursive: true, force: true });

const myTasks = rows.find((r) => r.page === '/tasks (my tasks)');
const summary = {
  scale,
  measuredAt: new Date().toISOString(),
  machine: { cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model ?? '', node: process.version },
  settings: { duration, connections, logLevel: env.LOG_LEVEL, serverNodeOptions: nodeOptions },
  // Other work on the machine skews the figures: the 1-minute load average before and after the run.
  loadAverage: { before: loadBefore, after: os.loadavg()[0] ?? 0 },
  personas: { employee: { email: employee.email, groups: employee.groupCount }, external: { email: external.email, groups: external.groupCount } },
  serverPeakRssMb: peakRssMb,
  myTasksShareOfCeiling: myTasks && ceiling ? Math.round((myTasks.requestsPerSecond / ceiling.requestsPerSecond) * 1000) / 1000 : null,
  pages: rows,
};
console.log('\n' + table(rows));
console.log(`\nserver peak RSS (VmHWM): ${peakRssMb} MB; My tasks at ${summary.myTasksShareOfCeiling ?? '-'} of the ceiling`);
const outDir = path.join(projectRoot, 'bench');
mkdirSync(outDir, { recursive: true });
const json = JSON.stringify(summary, null, 2) + '\n';
if (!only) {
  writeFileSync(path.join(outDir, 'results.json'), json);
  writeFileSync(path.join(outDir, `results-${scale}.json`), json);
  console.log(`written: bench/results.json, bench/results-${scale}.json`);
}
process.exit(0);

/** CPU so far of the server (primary and workers) and of the PostgreSQL backends serving it. */
async function cpuNow(serverPid: number): Promise<{ app: CpuSample; pg: CpuSample }> {
  return { app: sample(processTree(serverPid)), pg: sample(await backendPids(db, databaseName, BENCH_APPLICATION)) };
}

function npmStartNodeOptions(): string {
  const pkg = JSON.parse(readFileSync(path.join(projectRoot, 'package.json'), 'utf8')) as { scripts: { start: string } };
  return pkg.scripts.start.split(/\s+/).filter((a) => a.startsWith('--')).join(' ');
}
