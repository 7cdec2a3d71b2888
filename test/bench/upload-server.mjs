// A real Atrium app process, compiled as in production, for the upload memory measurement
// (test/http/upload-memory.test.ts): listens on a free port over ATRIUM_BENCH_DATABASE_URL and
// prints the port. ATRIUM_BENCH_DIST is a compiled `dist` folder (views and public beside it).
import { Model } from 'objection';

const dist = process.env.ATRIUM_BENCH_DIST;
const url = process.env.ATRIUM_BENCH_DATABASE_URL;
if (!dist || !url) throw new Error('ATRIUM_BENCH_DIST and ATRIUM_BENCH_DATABASE_URL are required');
const { buildApp } = await import(`${dist}/src/app.js`);
const { loadConfig } = await import(`${dist}/src/config.js`);
const { createKnex } = await import(`${dist}/src/db/knex.js`);

// The config's URL is only checked for its shape; the database is the one given.
const config = loadConfig({ ...process.env, DATABASE_URL: 'postgres://unused/x', LOG_LEVEL: 'silent' });
const db = createKnex(url, 5);
Model.knex(db);
const app = await buildApp({ config, db, production: true });
await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`listening ${app.server.address().port}\n`);
process.on('SIGTERM', () => {
  void app.close().then(() => db.destroy()).then(() => process.exit(0));
});
