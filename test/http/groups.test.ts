import t from 'tap';
import { Group, Membership } from '../../src/models/group.js';
import { build, enableAdminMode, makeUser, signIn } from '../helper.js';
import { makeGroup, validGroupForm } from '../fixtures.js';

t.test('creating groups (R-G1, R-G2, R-G3)', async (t) => {
  const { app, db } = await build(t);
  const emma = await makeUser(db, { name: 'Emma', email: 'emma@example.com' });
  const colleague = await makeUser(db, { name: 'Carl', email: 'carl@example.com' });
  const external = await makeUser(db, { name: 'Xena', email: 'xena@client.example', isExtranet: true });
  const c = await signIn(app, emma);

  t.test('the form renders every parameter with labels and fieldsets', async (t) => {
    const res = await c.get('/groups/new');
    t.equal(res.statusCode, 200);
    for (const id of ['name', 'description', 'kind-workgroup', 'kind-project', 'startsOn', 'endsOn', 'visibleToAll', 'isOpen', 'isExtranet', 'tools-feed', 'tools-chat', 'hideTasks', 'whoCanInvite-owner', 'filesWrite-moderators', 'calendarWrite-members', 'invite']) {
      t.match(res.body, new RegExp(`<label[^>]* for="${id}"`), `label for ${id}`);
    }
    t.equal(res.body.match(/<legend/g)?.length, 6, 'radio and checkbox groups sit in fieldsets');
  });

  t.test('a project with every parameter; the creator is owner; colleagues are invited', async (t) => {
    const res = await c.post('/groups', { ...validGroupForm, invite: 'CARL@example.com' });
    t.equal(res.statusCode, 303);
    const group = await Group.query(db).findOne({ name: 'Website relaunch' });
    t.ok(group);
    if (!group) return;
    t.equal(res.headers.location, `/groups/${group.id}`);
    t.match(group, { kind: 'project', startsOn: '2026-01-01', endsOn: '2026-06-30', visibleToAll: true, isOpen: false, whoCanInvite: 'moderators', tools: ['feed', 'tasks'], calendarWrite: 'moderators' });
    const owner = await Membership.query(db).findOne({ groupId: group.id, role: 'owner' });
    t.equal(owner?.userId, emma.id);
    const invitation = await db('groupInvitations').where({ groupId: group.id, userId: colleague.id }).first();
    t.ok(invitation, 'Carl is invited, not yet a member');
    t.equal((await c.get(`/groups/${group.id}`)).statusCode, 200);
  });

  t.test('open implies visible (R-G3)', async (t) => {
    await c.post('/groups', { ...validGroupForm, name: 'Open one', kind: 'workgroup', isOpen: 'on', visibleToAll: '' });
    const g = await Group.query(db).findOne({ name: 'Open one' });
    t.equal(g?.visibleToAll, true);
    t.equal(g?.startsOn, null, 'a workgroup has no dates');
  });

  t.test('bad input: 422, error summary linking to each field, values kept, nothing created', async (t) => {
    const before = await Group.query(db).resultSize();
    const cases: [Record<string, string | string[]>, string, RegExp][] = [
      [{ ...validGroupForm, name: '' }, 'name', /Enter name/],
      [{ ...validGroupForm, name: 'x'.repeat(256) }, 'name', /255 characters or fewer/],
      [{ ...validGroupForm, endsOn: '2025-12-31' }, 'endsOn', /same as or after the start date/],
      [{ ...validGroupForm, startsOn: '' }, 'startsOn', /start date/],
      [{ ...validGroupForm, startsOn: '2026-02-30' }, 'startsOn', /real date/],
      [{ ...validGroupForm, kind: 'club' }, 'kind', /Choose kind/],
      [{ ...validGroupForm, whoCanInvite: 'everyone' }, 'whoCanInvite', /Choose who can invite/],
      [{ ...validGroupForm, tools: ['feed', 'wiki'] }, 'tools', /Choose tools from the list/],
      [{ ...validGroupForm, invite: 'nobody@example.com xena@client.example' }, 'invite', /No colleague found for: nobody@example.com, xena@client.example/],
      [{ ...validGroupForm, name: ['a', 'b'] }, 'name', /Enter name/],
    ];
    for (const [form, field, message] of cases) {
      const res = await c.post('/groups', form);
      t.equal(res.statusCode, 422, `${field} refused`);
      t.match(res.body, /<title>Error: /);
      t.match(res.body, new RegExp(`href="#${field}"`), `summary links to ${field}`);
      t.match(res.body, message);
    }
    const kept = await c.post('/groups', { ...validGroupForm, endsOn: '2025-01-01', description: 'Keep me <b>' });
    t.match(kept.body, /Keep me &lt;b&gt;/, 'values kept, escaped');
    t.match(kept.body, /id="tools-feed" name="tools" value="feed" checked/);
    t.equal(await Group.query(db).resultSize(), before);
    void external;
  });

  t.test('the extranet flag needs the extranet on (R-U8)', async (t) => {
    await db('settings').update({ extranetEnabled: false });
    const res = await c.post('/groups', { ...validGroupForm, name: 'Client portal', isExtranet: 'on' });
    t.equal(res.statusCode, 422);
    t.match(res.body, /extranet is switched off/);
    await db('settings').update({ extranetEnabled: true });
    t.equal((await c.post('/groups', { ...validGroupForm, name: 'Client portal', isExtranet: 'on' })).statusCode, 303);
  });

  t.test('missing or forged CSRF: 403 and nothing created', async (t) => {
    const before = await Group.query(db).resultSize();
    t.equal((await c.post('/groups', { ...validGroupForm, name: 'No token' }, { csrf: false })).statusCode, 403);
    t.equal((await c.post('/groups', { ...validGroupForm, name: 'Forged' }, { csrf: 'abc' })).statusCode, 403);
    t.equal(await Group.query(db).resultSize(), before);
  });

  t.test('extranet users cannot create groups (R-G1)', async (t) => {
    const x = await signIn(app, external);
    t.equal((await x.get('/groups/new')).statusCode, 404);
    const before = await Group.query(db).resultSize();
    t.equal((await x.post('/groups', validGroupForm)).statusCode, 404);
    t.equal(await Group.query(db).resultSize(), before);
  });
});

t.test('editing, archive, ownership and delete (R-G2, R-G4, R-G7, R-G8)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const mod = await makeUser(db, { name: 'Moe Moderator' });
  const member = await makeUser(db, { name: 'Mia Member' });
  const admin = await makeUser(db, { name: 'Ada Admin', isAdmin: true });
  const group = await makeGroup(db, owner, { name: 'Team A', kind: 'workgroup' }, [[mod, 'moderator'], [member]]);
  const [o, m, plain, a] = await Promise.all([signIn(app, owner), signIn(app, mod), signIn(app, member), signIn(app, admin)]);

  const edit = { ...validGroupForm, name: 'Team A', kind: 'workgroup', startsOn: '', endsOn: '' };

  t.test('a moderator edits; a workgroup becomes a project and back (R-G2, R-G4)', async (t) => {
    await m.get(`/groups/${group.id}/edit`);
    t.equal((await m.post(`/groups/${group.id}/edit`, { ...edit, kind: 'project', startsOn: '2026-03-01', endsOn: '2026-03-31' })).statusCode, 303);
    t.match(await Group.query(db).findById(group.id), { kind: 'project', startsOn: '2026-03-01' });
    t.equal((await m.post(`/groups/${group.id}/edit`, edit)).statusCode, 303);
    t.match(await Group.query(db).findById(group.id), { kind: 'workgroup', startsOn: null });
  });

  t.test('a plain member cannot edit; bad input re-renders', async (t) => {
    t.equal((await plain.get(`/groups/${group.id}/edit`)).statusCode, 404);
    t.equal((await plain.post(`/groups/${group.id}/edit`, { ...edit, name: 'Hijacked' })).statusCode, 403);
    t.equal((await Group.query(db).findById(group.id))?.name, 'Team A');
    const bad = await m.post(`/groups/${group.id}/edit`, { ...edit, name: '' });
    t.equal(bad.statusCode, 422);
    t.match(bad.body, /href="#name"/);
  });

  t.test('only the owner archives; archived is read-only and listed under Archived (R-G7)', async (t) => {
    t.equal((await m.post(`/groups/${group.id}/archive`)).statusCode, 403, 'a moderator cannot archive');
    t.equal((await o.post(`/groups/${group.id}/archive`)).statusCode, 303);
    t.ok((await Group.query(db).findById(group.id))?.archivedAt);
    t.equal((await m.post(`/groups/${group.id}/edit`, { ...edit, name: 'Changed' })).statusCode, 403, 'no edits while archived');
    t.equal((await plain.get(`/groups/${group.id}`)).statusCode, 200, 'members still read');
    const my = await plain.get('/groups?tab=my');
    t.notMatch(my.body, /Team A/, 'left the default list');
    t.match((await plain.get('/groups?tab=archived')).body, /Team A/);
    t.match((await plain.get(`/groups/${group.id}`)).body, /This group is archived/);
    t.equal((await o.post(`/groups/${group.id}/archive`)).statusCode, 403, 'cannot archive twice');
    t.equal((await o.post(`/groups/${group.id}/unarchive`)).statusCode, 303);
    t.equal((await Group.query(db).findById(group.id))?.archivedAt, null);
  });

  t.test('changing the owner makes the old owner a moderator (R-G4)', async (t) => {
    const res = await o.post(`/groups/${group.id}/members/${member.id}/owner`);
    t.equal(res.statusCode, 303);
    const roles = Object.fromEntries((await Membership.query(db).where({ groupId: group.id })).map((x) => [x.userId, x.role]));
    t.equal(roles[member.id], 'owner');
    t.equal(roles[owner.id], 'moderator');
  });

  t.test('delete asks for the name; only the owner or admin mode (R-G8)', async (t) => {
    const doomed = await makeGroup(db, owner, { name: 'Doomed' }, [[mod, 'moderator']]);
    t.equal((await m.get(`/groups/${doomed.id}/delete`)).statusCode, 403);
    t.equal((await m.post(`/groups/${doomed.id}/delete`, { confirmName: 'Doomed' })).statusCode, 403);
    await o.get(`/groups/${doomed.id}/delete`);
    const wrong = await o.post(`/groups/${doomed.id}/delete`, { confirmName: 'doomed!' });
    t.equal(wrong.statusCode, 422);
    t.match(wrong.body, /Type the name exactly as shown: Doomed/);
    t.ok(await Group.query(db).findById(doomed.id), 'still there');
    t.equal((await o.post(`/groups/${doomed.id}/delete`, { confirmName: 'Doomed' })).statusCode, 303);
    t.equal(await Group.query(db).findById(doomed.id), undefined);
    t.equal((await Membership.query(db).where({ groupId: doomed.id })).length, 0, 'memberships removed');
    const audit = await db('auditLog').where({ action: 'group.delete', subjectId: doomed.id }).first();
    t.equal(audit?.actorId, owner.id, 'audit log records who deleted');

    const hidden = await makeGroup(db, owner, { name: 'Hidden delete' });
    t.equal((await a.post(`/groups/${hidden.id}/delete`, { confirmName: 'Hidden delete' })).statusCode, 404, 'admin without admin mode: not visible');
    await enableAdminMode(a);
    t.equal((await a.post(`/groups/${hidden.id}/delete`, { confirmName: 'Hidden delete' })).statusCode, 303, 'admin mode deletes');
  });
});
