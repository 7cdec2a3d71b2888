import type { Knex } from 'knex';
import { QueryTemplate } from '../db/query-template.js';
import { scopeShapeKey, scopeStandIn, type SignedInViewer } from './viewer.js';

interface Buildable {
  toSQL(): { sql: string; bindings: readonly unknown[] };
}

/**
 * A query that starts from a viewer's scopes and takes numbers (ids), built once per kind of viewer and
 * number of values (db/query-template.ts) instead of on every request: the builder gets a stand-in viewer
 * and stand-in values, so only the viewer's id and the values change between calls.
 */
export function viewerQuery<Row>(build: (viewer: SignedInViewer, values: readonly number[]) => Buildable) {
  const template = new QueryTemplate((viewer: SignedInViewer, [me, ...values]: readonly number[]) => build(scopeStandIn(viewer, me ?? 0), values));
  return (db: Knex, viewer: SignedInViewer, values: readonly number[]): Promise<Row[]> =>
    template.rows<Row>(db, `${scopeShapeKey(viewer)}|${values.length}`, viewer, [viewer.id, ...values]);
}
