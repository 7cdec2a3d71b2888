import type { Knex } from 'knex';
import { runAsPgText } from './native-query.js';
import { camelCaseRows, type Statement } from './query-template.js';

/** A timestamp as PostgreSQL writes it in JSON (a date alone stays text, as the driver gives it). */
const TIMESTAMP = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?[+-]\d\d:\d\d$/;

/**
 * Timestamps back as Dates: columns named as every timestamp column is (`…_at`, so `…At`) and holding one. JSON does
 * not say which text was a timestamp; a text column (a post's body, a task's title) may hold one as written.
 */
function revive(row: Record<string, unknown>): Record<string, unknown> {
  for (const [key, value] of Object.entries(row)) if (key.endsWith('At') && typeof value === 'string' && TIMESTAMP.test(value)) row[key] = new Date(value);
  return row;
}

/**
 * Several queries' rows in one round trip: each query becomes a JSON array column of one row, its rows in
 * the query's own order (PostgreSQL aggregates a sorted subquery in its order), with camelCase keys and
 * timestamps (`…_at` columns) as Dates, as the driver and the models would give them.
 */
export async function readTogether<Names extends string>(db: Knex, parts: Record<Names, Statement>): Promise<Record<Names, Record<string, unknown>[]>> {
  const names = Object.keys(parts) as Names[];
  const columns = names.map((name, i) => `(select coalesce(json_agg(r${i}), '[]'::json) from (${parts[name].sql}) r${i}) as c${i}`);
  const sql = `select ${columns.join(', ')}`;
  const bindings = names.flatMap((name) => parts[name].bindings);
  const result = await runAsPgText(db, sql, bindings);
  const row = (result.rows[0] ?? {}) as Record<string, Record<string, unknown>[]>;
  return Object.fromEntries(names.map((name, i) => [name, camelCaseRows<Record<string, unknown>>(row[`c${i}`] ?? []).map(revive)])) as Record<Names, Record<string, unknown>[]>;
}
