// `bash .ci/reliability.sh` runs this after `npm run build`: graceful shutdown, then two app
// processes behind nginx, then overload. Prints each check, the figures, and "N passed, N failed".
import { Checks } from './check.js';
import { clusterCheck } from './cluster.js';
import { shutdownCheck } from './shutdown.js';

const checks = new Checks();
const only = process.argv[2];
const steps: [string, (c: Checks) => Promise<void>][] = [
  ['shutdown', shutdownCheck],
  ['cluster', clusterCheck],
];
for (const [name, step] of steps) {
  if (only && only !== name) continue;
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
