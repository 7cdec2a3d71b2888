import type { Knex } from 'knex';
import { preparedNameOn, type PreparingConnection } from './prepared-statements.js';

export interface NativeResult {
  rows: Record<string, unknown>[];
}

/** A result read with `rowMode: 'array'`: each row a list of values, in the order of `fields`. */
export interface NativeArrayResult {
  rows: unknown[][];
  fields: { name: string }[];
}

interface PooledConnection extends PreparingConnection {
  __knexUid?: string;
  query(config: { name?: string; text: string; values: readonly unknown[]; rowMode?: 'array' }): Promise<NativeResult | NativeArrayResult>;
}

interface PoolClient {
  acquireConnection(): Promise<PooledConnection>;
  releaseConnection(connection: PooledConnection): Promise<unknown>;
  emit(event: string, ...args: unknown[]): boolean;
}

/** pg's own text ($1 …) of each statement run here, by knex's text: our statements are a few hundred texts, each converted once. */
const pgTexts = new Map<string, string>();
const PG_TEXTS_KEPT = 2000;

function pgTextOf(db: Knex, sql: string, values: readonly unknown[]): string {
  let text = pgTexts.get(sql);
  if (text === undefined) {
    text = db.raw(sql, values as Knex.RawBinding[]).toSQL().toNative().sql;
    if (pgTexts.size >= PG_TEXTS_KEPT) pgTexts.clear();
    pgTexts.set(sql, text);
  }
  return text;
}

/**
 * Runs knex's `sql` (? placeholders) with `values` on a pooled connection as a named prepared statement, as knex would, without knex's
 * per-run work: placing the placeholders again, its runner and query object (0.07 ms a query here, 2 to 4
 * queries a page). knex's events are emitted as knex emits them, so query counts and the outage log see it.
 * Inside a transaction knex runs it: knex guards a transaction's connection once the transaction has ended.
 */
export async function runAsPgText(db: Knex, sql: string, values: readonly unknown[]): Promise<NativeResult> {
  return (await run(db, sql, values, false)) as NativeResult;
}

/**
 * runAsPgText, with each row as a list of values (pg's `rowMode: 'array'`): pg then builds no object per row, which a
 * caller that makes its own objects from the rows (QueryTemplate.rows) would only copy. In a transaction knex runs it,
 * and the rows are objects.
 */
export async function runAsPgArrays(db: Knex, sql: string, values: readonly unknown[]): Promise<NativeResult | NativeArrayResult> {
  return run(db, sql, values, true);
}

async function run(db: Knex, sql: string, values: readonly unknown[], arrays: boolean): Promise<NativeResult | NativeArrayResult> {
  if ((db as { isTransaction?: boolean }).isTransaction) return (await db.raw(sql, values as Knex.RawBinding[])) as NativeResult;
  const text = pgTextOf(db, sql, values);
  const client = db.client as unknown as PoolClient;
  const connection = await client.acquireConnection();
  const event = { sql: text, bindings: values, __knexUid: connection.__knexUid };
  client.emit('query', event);
  try {
    const name = preparedNameOn(connection, text);
    const rowMode = arrays ? ('array' as const) : undefined;
    const result = await connection.query(name ? { name, text, values, rowMode } : { text, values, rowMode });
    client.emit('query-response', result, event);
    return result;
  } catch (err) {
    client.emit('query-error', err, event);
    throw err;
  } finally {
    await client.releaseConnection(connection);
  }
}
