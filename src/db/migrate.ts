import type { Knex } from 'knex';
import { migrations } from '../../migrations/index.js';

/**
 * Migrations are listed in code and named without a file extension, so the same
 * database can be migrated from the TypeScript sources (tests) and the compiled
 * build (production) alike.
 */
const source: Knex.MigrationSource<(typeof migrations)[number]> = {
  getMigrations: async () => migrations,
  getMigrationName: (m) => m.name,
  getMigration: async (m) => m,
};

export async function migrateLatest(db: Knex): Promise<void> {
  await db.migrate.latest({ migrationSource: source });
}

export async function migrateRollbackAll(db: Knex): Promise<void> {
  await db.migrate.rollback({ migrationSource: source }, true);
}
