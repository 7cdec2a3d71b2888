import type { Knex } from 'knex';

/** Stand-ins no row has (one negative and odd, one positive and even, so a text that branches on the value shows it): built with each, the positions where they appear are where the real value goes. */
const PROBE_A = -1_000_000_007;
const PROBE_B = 2_000_000_014;

interface Compiled {
  sql: string;
  bindings: readonly unknown[];
  /** Positions in `bindings` that take the value. */
  slots: number[];
}

interface Buildable {
  toSQL(): { sql: string; bindings: readonly unknown[] };
}

/**
 * A query whose text depends only on a shape (a key), never on one value (a viewer's id), built once
 * per shape: knex and objection take about 0.6 ms to build the header's unread count, on every page.
 * The first use of a shape builds it twice, with two different stand-ins, and refuses to keep it unless
 * the two differ exactly where the stand-ins are: a value that changes per call (a Date, a random token)
 * or a text that depends on the value can never be frozen into the template.
 */
export class QueryTemplate<Shape> {
  private readonly compiled = new Map<string, Compiled>();

  constructor(private readonly build: (shape: Shape, value: number) => Buildable) {}

  /** The query for `shape` (told apart by `key`) with `value` where the builder put it. */
  run(db: Knex, key: string, shape: Shape, value: number): Knex.Raw {
    let template = this.compiled.get(key);
    if (!template) {
      template = compile(this.build(shape, PROBE_A).toSQL(), this.build(shape, PROBE_B).toSQL());
      this.compiled.set(key, template);
    }
    const bindings = [...template.bindings];
    for (const slot of template.slots) bindings[slot] = value;
    return db.raw(template.sql, bindings as Knex.RawBinding[]);
  }
}

function compile(a: { sql: string; bindings: readonly unknown[] }, b: { sql: string; bindings: readonly unknown[] }): Compiled {
  if (a.sql !== b.sql || a.bindings.length !== b.bindings.length) throw new Error('QueryTemplate: the query text depends on the value');
  const slots: number[] = [];
  a.bindings.forEach((x, i) => {
    const y = b.bindings[i];
    if (x === PROBE_A && y === PROBE_B) slots.push(i);
    else if (!isConstant(x) || x !== y) throw new Error(`QueryTemplate: binding ${i} is not a constant (${typeof x})`);
  });
  return { sql: a.sql, bindings: a.bindings, slots };
}

function isConstant(v: unknown): boolean {
  return v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean';
}
