// Issue 16: an employee sees every employee, and an external person only when they share a group. The
// contacts part was an EXISTS that PostgreSQL turned into a hash of everyone in all the employee's groups,
// built on every use of the scope; it must stay a test per external person, which employees rarely reach.
import t from 'tap';
import { User } from '../../src/models/user.js';
import { usersVisibleTo } from '../../src/policy/scopes.js';
import { viewerFromUser } from '../../src/policy/viewer.js';
import { makeGroup } from '../fixtures.js';
import { makeUser, testDatabase } from '../helper.js';

t.test("the employee's contacts are not hashed whole to list people (R-X2)", async (t) => {
  const db = await testDatabase(t);
  const employee = await makeUser(db, { name: 'Erin Employee' });
  const rows = Array.from({ length: 2000 }, (_, i) => ({ name: `Person ${i}`, email: `p${i}@example.com`, passwordHash: 'x', isExtranet: i % 10 === 0 }));
  const people = await User.query(db).insert(rows);
  for (let g = 0; g < 5; g++) await makeGroup(db, employee, { name: `Group ${g}` }, people.slice(g * 300, g * 300 + 300).map((p) => [p] as [User]));
  await db.raw('analyze');
  const page = usersVisibleTo(viewerFromUser(employee, false)).select('users.id').orderByRaw('lower(users.name), users.id').limit(51).toKnexQuery().toSQL().toNative();
  const plan = await db.transaction(async (trx) => {
    await trx.raw('set local plan_cache_mode = force_generic_plan');
    const client = (await trx.client.acquireConnection()) as { query: (q: string, v?: unknown[]) => Promise<{ rows: { 'QUERY PLAN': string }[] }> };
    await client.query(`prepare people_page as ${page.sql}`);
    const res = await client.query(`explain execute people_page(${page.bindings.map((b) => (typeof b === 'string' ? `'${b}'` : String(b))).join(', ')})`);
    await client.query('deallocate people_page');
    return res.rows.map((r) => r['QUERY PLAN']).join('\n');
  });
  t.notMatch(plan, /hashed SubPlan/, plan);
});
