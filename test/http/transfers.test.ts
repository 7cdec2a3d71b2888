import t from 'tap';
import { Membership } from '../../src/models/group.js';
import { User } from '../../src/models/user.js';
import { build, enableAdminMode, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('transfers between intranet and extranet (R-U5, R-X7)', async (t) => {
  const { app, db } = await build(t);
  const admin = await makeUser(db, { name: 'Ada Admin', isAdmin: true });
  const leaver = await makeUser(db, { name: 'Leo Leaver' });
  const colleague = await makeUser(db, { name: 'Cora Colleague' });
  const a = await signIn(app, admin);
  await enableAdminMode(a);
  await a.get('/admin/users');

  const internal = await makeGroup(db, leaver, { name: 'Leo internal team' });
  const project = await makeGroup(db, colleague, { name: 'Client project', isExtranet: true }, [[leaver]]);
  const other = await makeGroup(db, colleague, { name: 'Other internal', visibleToAll: true }, [[leaver]]);

  t.test('refused while the user owns a group outside the extranet; the message names it', async (t) => {
    const res = await a.post(`/admin/users/${leaver.id}/transfer`, { to: 'extranet' });
    t.equal(res.statusCode, 303);
    const page = await a.get('/admin/users');
    t.match(page.body, /Leo Leaver still owns groups outside the extranet: Leo internal team/);
    t.equal((await User.query(db).findById(leaver.id))?.isExtranet, false);
  });

  t.test('after handing over, the move happens and applies to the open session at once', async (t) => {
    const leo = await signIn(app, leaver);
    t.equal((await leo.get(`/groups/${other.id}`)).statusCode, 200, 'before: sees the internal group');
    await Membership.query(db).where({ groupId: internal.id }).delete();
    await a.get('/admin/users');
    t.equal((await a.post(`/admin/users/${leaver.id}/transfer`, { to: 'extranet' })).statusCode, 303);
    const moved = await User.query(db).findById(leaver.id);
    t.equal(moved?.isExtranet, true);
    t.equal((await leo.get(`/groups/${other.id}`)).statusCode, 404, 'same session, next request: the internal group is gone');
    t.equal((await leo.get(`/groups/${project.id}`)).statusCode, 200, 'the extranet project stays');
    t.equal((await leo.get('/groups/new')).statusCode, 404, 'and it can no longer create groups (R-G1)');
    t.equal((await Membership.query(db).where({ userId: leaver.id })).length, 1, 'memberships outside the extranet ended');
    t.ok(await db('auditLog').where({ action: 'user.transfer-extranet', subjectId: leaver.id }).first());
    t.match((await a.get('/admin/users')).body, /Move Leo Leaver to the intranet/);
  });

  t.test('and back to the intranet', async (t) => {
    await a.get('/admin/users');
    t.equal((await a.post(`/admin/users/${leaver.id}/transfer`, { to: 'intranet' })).statusCode, 303);
    t.equal((await User.query(db).findById(leaver.id))?.isExtranet, false);
  });

  t.test('refusals: bad target, unknown user, self, not in admin mode, missing CSRF', async (t) => {
    await a.get('/admin/users');
    t.equal((await a.post(`/admin/users/${leaver.id}/transfer`, { to: 'mars' })).statusCode, 400);
    t.equal((await a.post(`/admin/users/${leaver.id}/transfer`, {})).statusCode, 400);
    t.equal((await a.post('/admin/users/999999/transfer', { to: 'extranet' })).statusCode, 404);
    t.equal((await a.post(`/admin/users/${admin.id}/transfer`, { to: 'extranet' })).statusCode, 403);
    t.equal((await a.post(`/admin/users/${leaver.id}/transfer`, { to: 'extranet' }, { csrf: false })).statusCode, 403);
    const plain = await signIn(app, colleague);
    t.equal((await plain.post(`/admin/users/${leaver.id}/transfer`, { to: 'extranet' })).statusCode, 404);
    t.equal((await User.query(db).findById(leaver.id))?.isExtranet, false, 'nothing changed');
  });
});
