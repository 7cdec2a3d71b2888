import type { Knex } from 'knex';
import { QueryTemplate, type Buildable, type Statement } from '../db/query-template.js';
import { scopeShapeKey, scopeStandIn, type SignedInViewer } from './viewer.js';

/**
 * A query that starts from a viewer's scopes and takes numbers (ids), built once per kind of viewer and
 * number of values (db/query-template.ts) instead of on every request: the builder gets a stand-in viewer
 * and stand-in values, so only the viewer's id and the values change between calls.
 */
export interface ViewerQuery<Row> {
  (db: Knex, viewer: SignedInViewer, values: readonly number[]): Promise<Row[]>;
  /** The statement with its bindings, to read together with others (db/json-arrays.ts). */
  statement(viewer: SignedInViewer, values: readonly number[]): Statement;
}

export function viewerQuery<Row>(build: (viewer: SignedInViewer, values: readonly number[]) => Buildable): ViewerQuery<Row> {
  const template = new QueryTemplate((viewer: SignedInViewer, [me, ...values]: readonly number[]) => build(scopeStandIn(viewer, me ?? 0), values));
  const key = (viewer: SignedInViewer, values: readonly number[]) => `${scopeShapeKey(viewer)}|${values.length}`;
  const rows = (db: Knex, viewer: SignedInViewer, values: readonly number[]): Promise<Row[]> => template.rows<Row>(db, key(viewer, values), viewer, [viewer.id, ...values]);
  return Object.assign(rows, {
    statement: (viewer: SignedInViewer, values: readonly number[]) => template.statement(key(viewer, values), viewer, [viewer.id, ...values]),
  });
}
