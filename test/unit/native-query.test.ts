// Issue 16: a query template's rows run as pg's own text on a pooled connection, without knex's per-run work.
// It must behave as knex would: the same rows, prepared once per connection, knex's events (query counts, the
// outage log), errors returned and the connection given back, and a transaction's own connection inside one.
import t from 'tap';
import { createKnex } from '../../src/db/knex.js';
import { QueryTemplate } from '../../src/db/query-template.js';
import { testDatabase } from '../helper.js';

t.test('rows of a template run as pg text, as knex would run them', async (t) => {
  const base = await testDatabase(t);
  const url = (base.client.config as { connection: { connectionString: string } }).connection.connectionString;
  const db = createKnex(url, 1);
  t.teardown(() => db.destroy());
  await db.raw('create table notes (id serial primary key, owner_id int not null, body_text text not null)');
  await db('notes').insert([{ ownerId: 1, bodyText: 'one' }, { ownerId: 2, bodyText: 'two' }, { ownerId: 1, bodyText: 'three' }]);
  const byOwner = new QueryTemplate((_s: null, [owner]: readonly number[]) => db('notes').select('id', 'body_text').where('owner_id', owner).orderBy('id'));

  const events: string[] = [];
  const responses: unknown[] = [];
  const onQuery = (q: { sql: string }) => events.push(q.sql);
  const onResponse = (r: unknown) => responses.push(r);
  db.on('query', onQuery).on('query-response', onResponse);
  const rows = await byOwner.rows<{ id: number; bodyText: string }>(db, 'k', null, [1]);
  t.same(rows.map((r) => r.bodyText), ['one', 'three'], 'the rows, keys as the models give them');
  t.same(await byOwner.rows(db, 'k', null, [2]), [{ id: 2, bodyText: 'two' }], 'the next value');
  t.equal(events.length, 2, 'knex\'s query event, once a run');
  t.match(events[0], /"owner_id" = \$1/, "with pg's own text");
  t.equal(responses.length, 2, 'and its response event (the outage log listens to it)');
  db.off('query', onQuery).off('query-response', onResponse);
  const prepared = await db.raw('select count(*)::int as n from pg_prepared_statements');
  t.ok((prepared.rows[0] as { n: number }).n >= 1, 'prepared on the connection');

  const errors: unknown[] = [];
  db.on('query-error', (e: unknown) => errors.push(e));
  const broken = new QueryTemplate((_s: null, [owner]: readonly number[]) => db('no_such_table').where('owner_id', owner));
  await t.rejects(broken.rows(db, 'broken', null, [1]), /no_such_table/, 'an error is returned');
  t.equal(errors.length, 1, 'with knex\'s error event');
  t.same((await byOwner.rows(db, 'k', null, [2])).length, 1, 'and the only connection went back to the pool');

  await db.transaction(async (trx) => {
    await trx('notes').insert({ ownerId: 2, bodyText: 'four' });
    t.equal((await byOwner.rows(trx, 'k', null, [2])).length, 2, "inside a transaction, on the transaction's connection");
    await trx.rollback();
  }).catch(() => undefined);
  t.equal((await byOwner.rows(db, 'k', null, [2])).length, 1, 'the rolled-back row is gone');
});
