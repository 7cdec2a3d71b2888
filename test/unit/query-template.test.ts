// Issue 16: a query's text built once per shape must never freeze a per-call value into it.
import knexFactory from 'knex';
import t from 'tap';
import { QueryTemplate } from '../../src/db/query-template.js';

const db = knexFactory({ client: 'pg' });
t.teardown(() => db.destroy());

t.test('the value goes where the builder put it, every time', async (t) => {
  let builds = 0;
  const byOwner = new QueryTemplate((table: string, [id]: readonly number[]) => {
    builds++;
    return db(table).where('owner_id', id).orWhere((b) => b.where('shared_with', id).where('kind', 'file')).limit(5);
  });
  const first = byOwner.run(db, 'files', 'files', [42]).toSQL();
  const second = byOwner.run(db, 'files', 'files', [7]).toSQL();
  t.same(first.bindings, [42, 42, 'file', 5], 'the first value in both places');
  t.same(second.bindings, [7, 7, 'file', 5], 'the next value, with the constants kept');
  t.equal(second.sql, first.sql, 'one text');
  t.equal(builds, 2, 'built twice on first use (the check), never again');
  t.same(byOwner.run(db, 'folders', 'folders', [3]).toSQL().bindings, [3, 3, 'file', 5], 'another shape is its own text');
});

t.test('a per-call value or a text that depends on the value is refused', async (t) => {
  const withDate = new QueryTemplate((_s: null, [id]: readonly number[]) => db('sessions').where('user_id', id).where('expires_at', '>', new Date()));
  t.throws(() => withDate.run(db, 'x', null, [1]), /not a constant/, 'a Date in the bindings');
  const textDepends = new QueryTemplate((_s: null, [id]: readonly number[]) => ((id ?? 0) > 0 ? db('a').where('id', id) : db('a').where('id', id).orWhere('b', 1)));
  t.throws(() => textDepends.run(db, 'x', null, [1]), /depends on a value/, 'a text that changes with the value');
  const otherValue = new QueryTemplate((_s: null, [id]: readonly number[]) => db('a').where('id', id).orWhere('b', Math.random()));
  t.throws(() => otherValue.run(db, 'x', null, [1]), /not a constant/, 'a value that changes between builds');
});

t.test('several values, each where the builder put it; a text that branches on any of them is refused', async (t) => {
  const page = new QueryTemplate((_s: null, [viewer, group, after]: readonly number[]) => db('tasks').where('owner_id', viewer).where('group_id', group).where('id', '<', after ?? 0).orWhere('watcher_id', viewer));
  t.same(page.run(db, 'p', null, [5, 9, 100]).toSQL().bindings, [5, 9, 100, 5], 'three values, one of them twice');
  t.same(page.run(db, 'p', null, [6, 10, 50]).toSQL().bindings, [6, 10, 50, 6], 'the next call, the same text');
  const branches = new QueryTemplate((_s: null, [viewer, group]: readonly number[]) => ((group ?? 0) > 0 ? db('a').where('v', viewer).where('g', group) : db('a').where('v', viewer)));
  t.throws(() => branches.run(db, 'b', null, [1, 2]), /depends on a value/, 'the second value changes the text');
});

t.test('inlined: an outer column where the values go, the constants still bound', async (t) => {
  const byOwner = new QueryTemplate((_s: null, [id]: readonly number[]) =>
    db('files').whereRaw('name \\? ?', ['x']).where('owner_id', id).orWhere((b) => b.where('shared_with', id).where('kind', 'file')).count({ n: '*' }));
  const { sql, bindings } = byOwner.inline('x', null, ['u.id']);
  t.equal(sql, 'select count(*) as "n" from "files" where name \\? ? and "owner_id" = u.id or ("shared_with" = u.id and "kind" = ?)', 'an escaped ? stays, placeholders of the value become the column');
  t.same(bindings, ['x', 'file'], 'only the constants remain, in order');
  t.same(db.raw(`select (${sql}) from users u`, bindings as knexFactory.Knex.RawBinding[]).toSQL().bindings, ['x', 'file'], 'and knex reads the text back with them');
});
