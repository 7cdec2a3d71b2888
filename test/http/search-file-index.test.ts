// Issue 16: search matched file names on the fly, reading and vectorising every file of the viewer's
// groups. The name's vector is indexed now (0016); a rare word is found through the index. A name's
// punctuation separates its words (0019): a prefix matches one word, not one whole name per file.
import type pg from 'pg';
import t from 'tap';
import { searchKind } from '../../src/finders/search.js';
import { hitPaths } from '../../src/finders/search-paths.js';
import { forgetWordFrequencies } from '../../src/db/word-frequency.js';
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
  const query = seen.find((q) => q.sql.includes('files.search_vector'));
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
  t.match(plan, /files_search/, 'the plan reads the name index');
});

t.test("a file name's words are found one by one, and the whole name still finds it (R-F6)", async (t) => {
  const { db } = await build(t);
  const owner = await makeUser(db, { name: 'Wanda Words' });
  const group = await makeGroup(db, owner, { name: 'Budgets' });
  const names = ['budget-8.pdf', 'Q3_Überblick (v2).xlsx', ...Array.from({ length: 300 }, (_, i) => `budget-${100 + i}.txt`)];
  await db.batchInsert('files', names.map((name, i) => ({ groupId: group.id, name, storageKey: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, mimeType: 'text/plain', size: 1 })), 500);
  const viewer = viewerFromUser(owner, false);
  const titles = async (q: string) => (await searchKind(viewer, 'files', prefixQuery(q)!, undefined, 500)).items.map((h) => h.title).sort();
  t.same(await titles('pdf'), ['budget-8.pdf'], 'a word after a dash and a dot');
  t.same(await titles('überblick'), ['Q3_Überblick (v2).xlsx'], 'a word after an underscore, with its capital and umlaut');
  t.same(await titles('budget-8.pdf'), ['budget-8.pdf'], 'the whole name as typed');
  t.same(await titles('v2 q3'), ['Q3_Überblick (v2).xlsx'], 'words in any order');
  t.same(await titles('..budget--8@@pdf..'), ['budget-8.pdf'], 'runs of punctuation typed around and inside the words: no error, the same file');
  t.equal((await titles('budget')).length, 301, 'a common word finds every file that has it');
  const lexemes = await db.raw<{ rows: { n: number }[] }>("select count(*)::int as n from ts_stat('select search_vector from files') where word like 'budget%'");
  t.equal(lexemes.rows[0]?.n, 1, "the 301 names hold one word 'budget', not 301 names of their own (one index entry for the prefix)");
  await db.raw('analyze files');
  forgetWordFrequencies();
  const paths = await hitPaths(db, prefixQuery('budget')!);
  t.equal(paths.files, 'index', 'a word in nearly every file name is still looked up: a viewer\'s files are a small part of all files');
});
