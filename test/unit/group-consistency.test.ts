// As Discourse checks its Guardian: for every persona and every group of a varied fixture,
// "appears in groupsVisibleTo(viewer)" must equal "can(viewer, 'group:view', …)", and so must the
// SQL expression groupVisibleSql() that decides whether a record may name its group.
import t from 'tap';
import { Group, Membership } from '../../src/models/group.js';
import { can } from '../../src/policy/abilities.js';
import { groupsVisibleTo, groupVisibleSql, viewerRoleIn } from '../../src/policy/scopes.js';
import { anonymous, viewerFromUser, type Viewer } from '../../src/policy/viewer.js';
import { makeUser, testDatabase } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('groupsVisibleTo and group:view agree for every persona and group', async (t) => {
  const db = await testDatabase(t);
  const owner = await makeUser(db, { name: 'Owner' });
  const employee = await makeUser(db, { name: 'Employee' });
  const outsiderEmployee = await makeUser(db, { name: 'Outsider' });
  const extA = await makeUser(db, { name: 'External A', isExtranet: true });
  const extB = await makeUser(db, { name: 'External B', isExtranet: true });
  const expired = await makeUser(db, { name: 'Expired external', isExtranet: true });
  const admin = await makeUser(db, { name: 'Admin', isAdmin: true });

  const groups: Group[] = [
    await makeGroup(db, owner, { name: 'hidden' }, [[employee]]),
    await makeGroup(db, owner, { name: 'visible', visibleToAll: true }),
    await makeGroup(db, owner, { name: 'open', isOpen: true, visibleToAll: true }),
    await makeGroup(db, owner, { name: 'extranet A', isExtranet: true }, [[extA], [employee, 'moderator']]),
    await makeGroup(db, owner, { name: 'extranet B visible', isExtranet: true, visibleToAll: true }, [[extB]]),
    await makeGroup(db, owner, { name: 'archived hidden', archivedAt: new Date() }, [[extA]]),
    await makeGroup(db, owner, { name: 'expired membership', isExtranet: true }),
  ];
  const last = groups[groups.length - 1];
  if (!last) throw new Error('fixture');
  await Membership.query(db).insert({ groupId: last.id, userId: expired.id, role: 'member', expiresAt: new Date(Date.now() - 60_000) });

  const personas: [string, Viewer][] = [
    ['anonymous', anonymous],
    ['owner', viewerFromUser(owner, false)],
    ['employee member', viewerFromUser(employee, false)],
    ['employee non-member', viewerFromUser(outsiderEmployee, false)],
    ['extranet A', viewerFromUser(extA, false)],
    ['extranet B', viewerFromUser(extB, false)],
    ['expired external', viewerFromUser(expired, false)],
    ['admin without admin mode', viewerFromUser(admin, false)],
    ['admin with admin mode', viewerFromUser(admin, true)],
  ];

  const expected: Record<string, string[]> = {
    anonymous: [],
    owner: groups.map((g) => g.name),
    'employee member': ['hidden', 'visible', 'open', 'extranet A', 'extranet B visible'],
    'employee non-member': ['visible', 'open', 'extranet B visible'],
    'extranet A': ['extranet A', 'archived hidden'],
    'extranet B': ['extranet B visible'],
    'expired external': [],
    'admin without admin mode': ['visible', 'open', 'extranet B visible'],
    'admin with admin mode': groups.map((g) => g.name),
  };

  for (const [label, viewer] of personas) {
    const visible = new Set((await groupsVisibleTo(viewer).select('groups.id')).map((g) => g.id));
    t.same(groups.filter((g) => visible.has(g.id)).map((g) => g.name).sort(), [...(expected[label] ?? [])].sort(), `${label}: the expected groups`);
    for (const group of groups) {
      const roleRow = viewer.signedIn ? ((await Group.query(db).findById(group.id).select(viewerRoleIn(viewer.id, 'groups.id').as('role'))) as unknown as { role: 'owner' | 'moderator' | 'member' | null }) : { role: null };
      const allowed = can(viewer, 'group:view', { group, role: roleRow.role });
      t.equal(visible.has(group.id), allowed, `${label} / ${group.name}: scope and ability agree`);
      const shown = (await Group.query(db).alias('g').findById(group.id).select(groupVisibleSql(viewer, 'g').as('shown'))) as unknown as { shown: boolean };
      t.equal(shown.shown, visible.has(group.id), `${label} / ${group.name}: groupVisibleSql agrees with the scope`);
    }
  }
});
