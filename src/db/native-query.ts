import type { Knex } from 'knex';
import { preparedNameOn, type PreparingConnection } from './prepared-statements.js';

/** A statement kept in knex's form (? placeholders) and in pg's own ($1 …), converted once, not on every run. */
export interface TwoFormStatement {
  sql: string;
  native: string;
}

export interface NativeResult {
  rows: Record<string, unknown>[];
}

interface PooledConnection extends PreparingConnection {
  __knexUid?: string;
  query(config: { name?: string; text: string; values: readonly unknown[] }): Promise<NativeResult>;
}

interface PoolClient {
  acquireConnection(): Promise<PooledConnection>;
  releaseConnection(connection: PooledConnection): Promise<unknown>;
  emit(event: string, ...args: unknown[]): boolean;
}

/** pg's own text for knex's `sql` (its ? placeholders as $1 …), as knex writes it before each run. */
export function nativeText(db: Knex, sql: string, bindings: readonly unknown[]): string {
  return db.raw(sql, bindings as Knex.RawBinding[]).toSQL().toNative().sql;
}

/**
 * Runs a statement on a pooled connection as a named prepared statement, as knex would, without knex's
 * per-run work: placing the placeholders again, its runner and query object (0.07 ms a query here, 2 to 4
 * queries a page). knex's events are emitted as knex emits them, so query counts and the outage log see it.
 * Inside a transaction knex runs it: knex guards a transaction's connection once the transaction has ended.
 */
export async function runTwoForm(db: Knex, statement: TwoFormStatement, values: readonly unknown[]): Promise<NativeResult> {
  if ((db as { isTransaction?: boolean }).isTransaction) return (await db.raw(statement.sql, values as Knex.RawBinding[])) as NativeResult;
  const client = db.client as unknown as PoolClient;
  const connection = await client.acquireConnection();
  const event = { sql: statement.native, bindings: values, __knexUid: connection.__knexUid };
  client.emit('query', event);
  try {
    const name = preparedNameOn(connection, statement.native);
    const result = await connection.query(name ? { name, text: statement.native, values } : { text: statement.native, values });
    client.emit('query-response', result, event);
    return result;
  } catch (err) {
    client.emit('query-error', err, event);
    throw err;
  } finally {
    await client.releaseConnection(connection);
  }
}
