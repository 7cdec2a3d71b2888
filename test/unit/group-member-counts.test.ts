// Issue 16: a group keeps how many of its memberships never end (migration 0017), so "N members" does not
// count every membership row on each list. The number must stay exact through every kind of write, and the
// count shown must still be the active members (R-G9, R-X8: an ended membership no longer counts).
import t from 'tap';
import type { Knex } from 'knex';
import { Group } from '../../src/models/group.js';
import { User } from '../../src/models/user.js';
import { groupsVisibleTo, memberCountOf } from '../../src/policy/scopes.js';
import { viewerFromUser } from '../../src/policy/viewer.js';
import { makeGroup } from '../fixtures.js';
import { makeUser, testDatabase } from '../helper.js';

/** Groups whose kept number differs from a count of their rows. */
async function drift(db: Knex): Promise<unknown[]> {
  return (await db.raw(`
    select g.id, g.permanent_members, count(m.id) filter (where m.expires_at is null) as counted
      from groups g left join memberships m on m.group_id = g.id
     group by g.id having g.permanent_members <> count(m.id) filter (where m.expires_at is null)`)).rows as unknown[];
}

t.test('the kept number of never-ending memberships follows every write', async (t) => {
  const db = await testDatabase(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const people = await User.query(db).insert(Array.from({ length: 30 }, (_, i) => ({ name: `Member ${i}`, email: `m${i}@example.com`, passwordHash: 'x', isExtranet: i % 5 === 0 })));
  const a = await makeGroup(db, owner, { name: 'Alpha' }, people.slice(0, 12).map((p) => [p] as [User]));
  const b = await makeGroup(db, owner, { name: 'Beta' }, people.slice(10, 20).map((p) => [p] as [User]));
  const check = async (what: string) => t.same(await drift(db), [], what);
  await check('after groups are made with their members');

  const later = new Date(Date.now() + 86_400_000);
  await db('memberships').insert(people.slice(20, 30).map((p, i) => ({ groupId: a.id, userId: p.id, role: 'member', expiresAt: i % 2 ? later : null })));
  await check('after a bulk insert, some ending');
  await db('memberships').where({ groupId: a.id }).whereIn('userId', [people[21]!.id, people[22]!.id]).delete();
  await check('after removing members');
  await db('memberships').where({ groupId: a.id, userId: people[23]!.id }).update({ expiresAt: later });
  await db('memberships').where({ groupId: a.id, userId: people[24]!.id }).update({ expiresAt: null });
  await check('after an end date is set on one and cleared on another');
  await db('memberships').where({ groupId: b.id, userId: people[12]!.id }).update({ groupId: a.id });
  await check('after a membership moves to another group');
  await db('memberships')
    .insert({ groupId: b.id, userId: people[12]!.id, role: 'member', expiresAt: later })
    .onConflict(['groupId', 'userId'])
    .merge({ expiresAt: null });
  await db('memberships')
    .insert({ groupId: b.id, userId: people[13]!.id, role: 'member', expiresAt: later })
    .onConflict(['groupId', 'userId'])
    .merge({ expiresAt: later });
  await check('after upserts (one inserts, one updates)');
  await User.query(db).deleteById(people[11]!.id);
  await check('after a member is deleted (cascade)');
  await Group.query(db).deleteById(b.id);
  await check('after a group is deleted');
  const rolledBack = db.transaction(async (trx) => {
    await trx('memberships').where({ groupId: a.id }).whereNot('role', 'owner').delete();
    throw new Error('rolled back');
  });
  await t.rejects(rolledBack, /rolled back/);
  await check('after a rolled-back removal');
});

t.test('the count shown is the active members: never-ending ones, and ending ones until they end', async (t) => {
  const db = await testDatabase(t);
  const owner = await makeUser(db, { name: 'Oskar Owner' });
  const admin = await makeUser(db, { name: 'Ada Admin', isAdmin: true });
  const [stays, leaves, left] = await Promise.all([makeUser(db), makeUser(db), makeUser(db)]);
  const group = await makeGroup(db, owner, { name: 'Gamma' }, [[stays]]);
  await db('memberships').insert([
    { groupId: group.id, userId: leaves.id, role: 'member', expiresAt: new Date(Date.now() + 3_600_000) },
    { groupId: group.id, userId: left.id, role: 'member', expiresAt: new Date(Date.now() - 1000) },
  ]);
  const countFor = async (viewer: Parameters<typeof memberCountOf>[0]) =>
    Number(((await groupsVisibleTo(viewer).findById(group.id).select(memberCountOf(viewer, 'groups').as('n'))) as unknown as { n: number }).n);
  t.equal(await countFor(viewerFromUser(owner, false)), 3, 'owner, the permanent member and the one still running; not the ended one');
  t.equal(await countFor(viewerFromUser(admin, true)), 3, 'admin mode counts the same way');

  const plan = ((await db.raw(`explain ${groupsVisibleTo(viewerFromUser(owner, false)).findById(group.id).select(memberCountOf(viewerFromUser(owner, false), 'groups').as('n')).toKnexQuery().toString()}`)).rows as { 'QUERY PLAN': string }[])
    .map((r) => r['QUERY PLAN'])
    .join('\n');
  t.notMatch(plan, /memberships_group_active on memberships mc\b/, `a member's count reads no row of the members that never end:\n${plan}`);
});
