// For ad-hoc use of the knex CLI against DATABASE_URL; the app itself migrates on start
// through src/db/migrate.ts (npm run migrate), which names migrations without extensions.
export default {
  client: 'pg',
  connection: process.env.DATABASE_URL,
};
