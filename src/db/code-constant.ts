import { raw, type RawBuilder } from 'objection';

/**
 * A value of the code's own (a status, a kind) written into a statement's text instead of bound. A
 * prepared statement's generic plan then knows it: bound, PostgreSQL planned each board column anew
 * (1.2 ms, four times a page) because a plan for "some status" looked costlier than one for the status
 * asked. Only a value from `allowed`, and only letters and underscores, is ever written.
 */
export function codeConstant<T extends string>(value: T, allowed: readonly T[]): RawBuilder {
  if (!allowed.includes(value) || !/^[a-z_]+$/.test(value)) throw new Error(`not a constant of the code: ${String(value)}`);
  return raw(`'${value}'`);
}
