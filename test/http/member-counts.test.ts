// Issue 14, defect 4 (R-X1 names counts): "N members" counts the members the viewer may see, the
// same rows its member list shows, so a count never reveals hidden external users.
import t from 'tap';
import { membershipsVisibleTo } from '../../src/policy/scopes.js';
import { viewerFromUser } from '../../src/policy/viewer.js';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('member counts come from the scope of the member list', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db);
  const colleague = await makeUser(db);
  const outsider = await makeUser(db, { isExtranet: true });
  const passerby = await makeUser(db, { name: 'Pia Passerby' });
  const group = await makeGroup(db, owner, { name: 'Open Harbour', visibleToAll: true, isExtranet: true }, [[colleague], [outsider]]);

  const p = await signIn(app, passerby);
  const about = await p.get(`/groups/${group.id}/about`);
  t.equal(about.statusCode, 200, 'an employee outside the group sees a group visible to all');
  const shown = Number(/<dt>[^<]*<\/dt><dd>(\d+)<\/dd>/.exec(about.body)?.[1]);
  const listed = await membershipsVisibleTo(viewerFromUser(passerby, false)).where('memberships.groupId', group.id).resultSize();
  t.equal(listed, 2, 'the passer-by may see the two employees, not the outsider (R-X1)');
  t.equal(shown, listed, `the about page counts ${shown}, as many as the scope lists`);
  t.match((await p.get('/groups?tab=all')).body, /Open Harbour[\s\S]*?2 members/, 'so does the groups list');

  const o = await signIn(app, owner);
  t.match((await o.get('/groups')).body, /Open Harbour[\s\S]*?3 members/, 'a member sees all three');
});
