import type { Knex } from 'knex';
import { snakeCaseMappers } from 'objection';
import { runAsPgArrays, type NativeArrayResult, type NativeResult } from './native-query.js';

/**
 * Stand-ins no row has, one pair per value (one negative and odd, one positive and even, so a text that
 * branches on a value shows it): built with each, the positions where they appear are where the real values go.
 */
const probeA = (i: number) => -1_000_000_007 - 2 * i;
const probeB = (i: number) => 2_000_000_014 + 2 * i;

/** SQL text with knex's ? placeholders and the values that go in them. */
export interface Statement {
  sql: string;
  bindings: readonly unknown[];
}

interface Compiled {
  sql: string;
  bindings: readonly unknown[];
  /** [position in `bindings`, index of the value that goes there]. */
  slots: [number, number][];
}

export interface Buildable {
  toSQL(): Statement;
}

/**
 * What a template runs with: ids and cursors, and text only ever bound (a search's words). The builder is handed a
 * number stand-in for every value, text included, so it may bind a value but never read one.
 */
export type TemplateValue = number | string;

const { parse: camelCaseKeys } = snakeCaseMappers();
const camelKeys = new Map<string, string>();

/** A column's key as the models give it (objection's own mapping, asked once per name). */
function camelKey(column: string): string {
  let key = camelKeys.get(column);
  if (key === undefined) {
    key = Object.keys(camelCaseKeys({ [column]: null }))[0] ?? column;
    camelKeys.set(column, key);
  }
  return key;
}

/** Rows as the models would give them, from rows read as lists of values (or, in a transaction, as objects). */
function camelCaseResult<Row>(result: NativeResult | NativeArrayResult): Row[] {
  if (!('fields' in result) || !Array.isArray(result.rows[0])) return camelCaseRows<Row>(result.rows as Record<string, unknown>[]);
  const keys = result.fields.map((f) => camelKey(f.name));
  return (result.rows as unknown[][]).map((values) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < keys.length; i++) row[keys[i] as string] = values[i];
    return row as Row;
  });
}

/** Rows as the models would give them: snake_case columns to camelCase keys (pg gives every row the same columns, in order). */
export function camelCaseRows<Row>(rows: readonly Record<string, unknown>[]): Row[] {
  const first = rows[0];
  if (!first) return [];
  const columns = Object.keys(first);
  const keys = columns.map(camelKey);
  return rows.map((r) => {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < columns.length; i++) row[keys[i] as string] = r[columns[i] as string];
    return row as Row;
  });
}

/**
 * A query whose text depends only on a shape (a key), never on its values (a viewer's id, a group's id, a
 * cursor), built once per shape: knex and objection took about 0.6 ms to build the header's unread count, and
 * 0.44 ms for each column of a board, on every page. The first use of a shape builds it twice, with two sets of
 * stand-ins, and refuses to keep it unless the two differ exactly where the stand-ins are: a value that changes
 * per call (a Date, a random token) or a text that depends on a value can never be frozen into the template.
 * The key must name everything else the builder reads (a filter, a page size): a shape is one text.
 */
export class QueryTemplate<Shape> {
  private readonly compiled = new Map<string, Compiled>();

  constructor(private readonly build: (shape: Shape, values: readonly number[]) => Buildable) {}

  private template(key: string, shape: Shape, count: number): Compiled {
    let template = this.compiled.get(key);
    if (!template) {
      const probes = (probe: (i: number) => number) => Array.from({ length: count }, (_, i) => probe(i));
      template = compile(this.build(shape, probes(probeA)).toSQL(), this.build(shape, probes(probeB)).toSQL(), count);
      this.compiled.set(key, template);
    }
    return template;
  }

  private bindings(template: Compiled, values: readonly TemplateValue[]): unknown[] {
    const bindings = [...template.bindings];
    for (const [position, value] of template.slots) bindings[position] = values[value];
    return bindings;
  }

  /** The query for `shape` (told apart by `key`) with `values` where the builder put them. */
  run(db: Knex, key: string, shape: Shape, values: readonly TemplateValue[]): Knex.Raw {
    const template = this.template(key, shape, values.length);
    return db.raw(template.sql, this.bindings(template, values) as Knex.RawBinding[]);
  }

  /** run()'s text and bindings as they are, without building a knex query to read them back (db/json-arrays.ts). */
  statement(key: string, shape: Shape, values: readonly TemplateValue[]): Statement {
    const template = this.template(key, shape, values.length);
    return { sql: template.sql, bindings: this.bindings(template, values) };
  }

  /** run(), answered as rows with camelCase keys (what a query through the models answers), run as pg's own text. */
  async rows<Row>(db: Knex, key: string, shape: Shape, values: readonly TemplateValue[]): Promise<Row[]> {
    const template = this.template(key, shape, values.length);
    return camelCaseResult<Row>(await runAsPgArrays(db, template.sql, this.bindings(template, values)));
  }

  /**
   * The text for `shape` with SQL expressions in place of the values (`expressions[i]` where value i goes: a
   * column of an outer query), and the constant bindings left: to read this query as a correlated subquery.
   */
  inline(key: string, shape: Shape, expressions: readonly string[]): Statement {
    const template = this.template(key, shape, expressions.length);
    const slotValue = new Map(template.slots);
    const bindings: unknown[] = [];
    let position = 0;
    // knex's placeholders: a ? not escaped by an odd number of backslashes (as its positionBindings reads them).
    const sql = template.sql.replace(/(\\*)(\?)/g, (match: string, escapes: string) => {
      if (escapes.length % 2) return match;
      const index = position++;
      const value = slotValue.get(index);
      if (value !== undefined) return `${escapes}${expressions[value]}`;
      bindings.push(template.bindings[index]);
      return match;
    });
    if (position !== template.bindings.length) throw new Error('QueryTemplate: placeholders and bindings differ in number');
    return { sql, bindings };
  }
}

function compile(a: Statement, b: Statement, count: number): Compiled {
  if (a.sql !== b.sql || a.bindings.length !== b.bindings.length) throw new Error('QueryTemplate: the query text depends on a value');
  const slots: [number, number][] = [];
  a.bindings.forEach((x, i) => {
    const y = b.bindings[i];
    const value = typeof x === 'number' ? probeIndex(x, count) : -1;
    if (value >= 0 && y === probeB(value)) slots.push([i, value]);
    else if (!isConstant(x) || x !== y) throw new Error(`QueryTemplate: binding ${i} is not a constant (${typeof x})`);
  });
  return { sql: a.sql, bindings: a.bindings, slots };
}

function probeIndex(x: number, count: number): number {
  for (let i = 0; i < count; i++) if (x === probeA(i)) return i;
  return -1;
}

function isConstant(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
