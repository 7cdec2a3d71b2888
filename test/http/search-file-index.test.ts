// Issue 16: search matched file names on the fly, reading and vectorising every file of the viewer's
// groups. The name's vector is indexed now (0016); a rare word is found through the index.
import type pg from 'pg';
import t from 'tap';
import { searchKind } from '../../src/finders/search.js';
import { prefixQuery } from '../../src/lib/full-text.js';
import { viewerFromUser } from '../../src/policy/viewer.js';
import { makeGroup } from '../fixtures.js';
import { build, makeUser } from '../helper.js';

t.test('a rare word in file names is looked up in the index, not matched file by file (R-F6)', async (t) => {
  const { db } = await build(t);
  const owner = await makeUser(db, { name: 'Fiona Files' });
  const group = await makeGroup(db, owner, { name: 'Archive' });
  const rows = Array.from({ length: 3000 }, (_, i) => ({
    groupId: group.id,
    name: i === 1234 ? 'zanzibar plan.pdf' : `report ${i}.pdf`,
    storageKey: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
    mimeType: 'application/pdf',
    size: 1,
  }));
  await db.batchInsert('files', rows, 500);
  await db.raw('analyze files');

  const viewer = viewerFromUser(owner, false);
  const seen: { sql: string; bindings: unknown[] }[] = [];
  const listener = (q: { sql: string; bindings?: unknown[] }) => seen.push({ sql: q.sql, bindings: q.bindings ?? [] });
  db.on('query', listener);
  let found;
  try {
    found = await searchKind(viewer, 'files', prefixQuery('zanzibar')!, undefined);
  } finally {
    db.off('query', listener);
  }
  t.same(found.items.map((h) => h.title), ['zanzibar plan.pdf'], 'the one file is found');
  const query = seen.find((q) => q.sql.includes('to_tsvector'));
  t.ok(query, 'the files query ran');
  // The statement as the driver got it ($1 placeholders), planned as search plans it: with the words.
  const connection = (await db.client.acquireConnection()) as pg.Client;
  let plan: string;
  try {
    await connection.query('set plan_cache_mode = force_custom_plan');
    const res = await connection.query<{ 'QUERY PLAN': string }>(`explain ${query!.sql}`, query!.bindings);
    plan = res.rows.map((r) => r['QUERY PLAN']).join('\n');
    await connection.query('reset plan_cache_mode');
  } finally {
    await db.client.releaseConnection(connection);
  }
  t.match(plan, /files_name_search/, 'the plan reads the name index');
});
