// `bash .ci/reliability.sh` runs this after `npm run build`: graceful shutdown; workers and the
// supervised embedded PostgreSQL; two app processes behind nginx, then overload; SIGTERM under load
// behind nginx. Prints each check, the figures, and "N passed, N failed".
import { Checks } from './check.js';
import { clusterCheck } from './cluster.js';
import { loadedShutdownCheck } from './loaded-shutdown.js';
import { shutdownCheck } from './shutdown.js';
import { throughputCheck } from './throughput.js';
import { workersCheck } from './workers.js';

const checks = new Checks();
const only = process.argv[2];
// Figures only, taken when asked for by name.
const onRequest = new Set(['throughput']);
const steps: [string, (c: Checks) => Promise<void>][] = [
  ['shutdown', shutdownCheck],
  ['workers', workersCheck],
  ['cluster', clusterCheck],
  ['loaded-shutdown', loadedShutdownCheck],
  ['throughput', throughputCheck],
];
for (const [name, step] of steps) {
  if (only ? only !== name : onRequest.has(name)) continue;
  console.log(`== ${name}`);
  const started = Date.now();
  try {
    await step(checks);
  } catch (err) {
    checks.ok(false, `${name} ran to the end`, err instanceof Error ? err.stack ?? err.message : String(err));
  }
  console.log(`# ${name}: ${Math.round((Date.now() - started) / 1000)} s`);
}
console.log('== figures');
for (const f of checks.figures) console.log(`  ${f}`);
console.log(`reliability: ${checks.passed} passed, ${checks.failed} failed`);
process.exit(checks.failed === 0 ? 0 : 1);
