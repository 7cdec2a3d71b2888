// How people become members (R-G5): invitations (accept, decline, who may invite), joining an
// open group, and requests that a moderator approves or rejects. R-G7: not into archived groups.
import t from 'tap';
import { Group, GroupInvitation, JoinRequest, Membership } from '../../src/models/group.js';
import { build, enableAdminMode, makeUser, signIn, type Client } from '../helper.js';
import { makeGroup } from '../fixtures.js';

async function followFlash(client: Client, location: unknown): Promise<string> {
  const page = await client.get(String(location));
  return /class="flash[^"]*"[^>]*>([^<]*)</.exec(page.body)?.[1] ?? '';
}

t.test('invitations (R-G5)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const mod = await makeUser(db, { name: 'Moe Moderator' });
  const member = await makeUser(db, { name: 'Mia Member' });
  const carl = await makeUser(db, { name: 'Carl Colleague', email: 'carl@corp.example' });
  const cleo = await makeUser(db, { name: 'Cleo Colleague', email: 'cleo@corp.example' });
  const dan = await makeUser(db, { name: 'Dan Deactivated', deactivatedAt: new Date() });
  const contact = await makeUser(db, { name: 'Xavier Contact', isExtranet: true });
  const unseen = await makeUser(db, { name: 'Yves Unseen', isExtranet: true });
  const group = await makeGroup(db, owner, { name: 'Invite Team', whoCanInvite: 'moderators' }, [[mod, 'moderator'], [member]]);
  // Xavier is Moe's contact through another group, so Moe sees him; Yves is nobody's contact.
  await makeGroup(db, mod, { name: 'Client Side', isExtranet: true }, [[contact]]);
  const [o, m, plain, c, cl] = await Promise.all([signIn(app, owner), signIn(app, mod), signIn(app, member), signIn(app, carl), signIn(app, cleo)]);
  const invite = `/groups/${group.id}/invite`;
  const invitationOf = (userId: number) => GroupInvitation.query(db).findOne({ groupId: group.id, userId });

  t.test('the invite page lists active colleagues who are neither members nor invited', async (t) => {
    const res = await m.get(invite);
    t.equal(res.statusCode, 200);
    t.equal(res.body.match(/<h1/g)?.length, 1);
    t.match(res.body, /<fieldset class="fieldset" id="userIds"[^>]*>\s*<legend class="legend">Choose who to invite<\/legend>/);
    t.match(res.body, new RegExp(`<input type="checkbox" id="userIds-${carl.id}" name="userIds" value="${carl.id}"><label for="userIds-${carl.id}">`));
    t.match(res.body, /Cleo Colleague/);
    const offered = (name: string) => new RegExp(`<label[^>]*>.{0,80}${name}`, 's');
    t.match(res.body, offered('Carl Colleague'), 'the pattern finds an offered person');
    for (const name of ['Olga Owner', 'Mia Member', 'Dan Deactivated', 'Xavier Contact', 'Yves Unseen']) t.notMatch(res.body, offered(name), `${name} is not offered`);
    const searched = await m.get(`${invite}?q=carl`);
    t.match(searched.body, /Carl Colleague/);
    t.notMatch(searched.body, /Cleo Colleague/);
    const fragment = await m.get(`${invite}?q=cleo`, { 'hx-request': 'true' });
    t.notMatch(fragment.body, /<html|<h1/, 'the live search swaps the candidates only');
    t.match(fragment.body, /Cleo Colleague/);
    t.notMatch(fragment.body, /Carl Colleague/);
  });

  t.test('invite → the invitee sees it at /invitations → accepts → is a member', async (t) => {
    const res = await m.post(invite, { userIds: [String(carl.id)], q: '' });
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, `/groups/${group.id}/members`);
    t.equal(await followFlash(m, res.headers.location), 'Invitations sent: 1');
    t.ok(await invitationOf(carl.id), 'the invitation is recorded');
    t.equal(await Membership.query(db).findOne({ groupId: group.id, userId: carl.id }), undefined, 'not a member yet');
    t.match((await m.get(`/groups/${group.id}/members`)).body, /Invitations waiting for an answer[\s\S]*Carl Colleague/, 'managers see the pending invitation');
    t.notMatch((await m.get(invite)).body, /Carl Colleague/, 'an invited person is not offered again');

    const list = await c.get('/invitations');
    t.equal(list.statusCode, 200);
    t.match(list.body, /Invite Team/);
    t.match(list.body, /Moe Moderator/, 'who invited');
    t.match(list.body, /Accept the invitation to Invite Team/);
    t.equal((await c.get(`/groups/${group.id}`)).statusCode, 404, 'the hidden group stays hidden until accepted');
    const id = (await invitationOf(carl.id))?.id;
    const accepted = await c.post(`/invitations/${id}/accept`);
    t.equal(accepted.statusCode, 303);
    t.equal(accepted.headers.location, `/groups/${group.id}`);
    t.equal((await Membership.query(db).findOne({ groupId: group.id, userId: carl.id }))?.role, 'member');
    t.equal(await invitationOf(carl.id), undefined, 'the invitation is used up');
    t.equal((await c.get(`/groups/${group.id}`)).statusCode, 200);
    t.notMatch((await c.get('/invitations')).body, /Invite Team/);
    t.equal((await c.post(`/invitations/${id}/accept`)).statusCode, 404, 'accepting twice');
  });

  t.test('decline removes the invitation; someone else\'s invitation is a 404', async (t) => {
    await m.post(invite, { userIds: String(cleo.id) });
    const id = (await invitationOf(cleo.id))?.id;
    t.ok(id);
    t.equal((await c.post(`/invitations/${id}/accept`)).statusCode, 404, 'another person cannot accept it');
    t.equal((await c.post(`/invitations/${id}/decline`)).statusCode, 404, 'nor decline it');
    t.equal((await m.post(`/invitations/${id}/accept`)).statusCode, 404, 'the inviter sees it but cannot accept it');
    t.ok(await invitationOf(cleo.id), 'untouched');
    const res = await cl.post(`/invitations/${id}/decline`);
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, '/invitations');
    t.equal(await followFlash(cl, res.headers.location), 'You declined the invitation to Invite Team');
    t.equal(await invitationOf(cleo.id), undefined);
    t.equal(await Membership.query(db).findOne({ groupId: group.id, userId: cleo.id }), undefined);
  });

  t.test('who can invite follows the group\'s setting (R-G5)', async (t) => {
    const form = { userIds: String(cleo.id) };
    t.equal((await plain.get(invite)).statusCode, 403, 'moderators only: a plain member cannot open the page');
    t.equal((await plain.post(invite, form)).statusCode, 403);
    t.equal(await invitationOf(cleo.id), undefined, 'nothing written');
    t.notMatch((await plain.get(`/groups/${group.id}/members`)).body, /Invite colleagues/);
    await Group.query(db).findById(group.id).patch({ whoCanInvite: 'owner' });
    t.equal((await m.post(invite, form)).statusCode, 403, 'owner only: a moderator cannot');
    t.equal(await invitationOf(cleo.id), undefined);
    t.equal((await o.post(invite, form)).statusCode, 303, 'the owner can');
    await GroupInvitation.query(db).where({ groupId: group.id }).delete();
    await Group.query(db).findById(group.id).patch({ whoCanInvite: 'members' });
    t.equal((await plain.post(invite, form)).statusCode, 303, 'all members: a plain member can');
    t.equal((await invitationOf(cleo.id))?.invitedBy, member.id);
    await GroupInvitation.query(db).where({ groupId: group.id }).delete();
    await Group.query(db).findById(group.id).patch({ whoCanInvite: 'moderators' });
  });

  t.test('an admin in admin mode may invite into any group; members are still left out', async (t) => {
    const admin = await signIn(app, await makeUser(db, { name: 'Ada Admin', isAdmin: true }));
    t.equal((await admin.get(invite)).statusCode, 404, 'without admin mode the hidden group is not there');
    await enableAdminMode(admin);
    const res = await admin.get(invite);
    t.equal(res.statusCode, 200);
    t.match(res.body, /Cleo Colleague/);
    t.notMatch(res.body, /<label[^>]*>.{0,80}Mia Member/s, 'a member is not offered');
  });

  t.test('an unknown, invisible, external or deactivated invitee: 422, one message, nothing written', async (t) => {
    const cases: [string, Record<string, string | string[]>, RegExp][] = [
      ['nonexistent', { userIds: '999999' }, /cannot be invited/],
      ['invisible external', { userIds: String(unseen.id) }, /cannot be invited/],
      ['visible external', { userIds: String(contact.id) }, /cannot be invited/],
      ['deactivated', { userIds: String(dan.id) }, /cannot be invited/],
      ['not an id', { userIds: 'abc' }, /cannot be invited/],
      ['one good, one bad', { userIds: [String(cleo.id), '999999'] }, /cannot be invited/],
      ['nobody chosen', {}, /Choose at least one person to invite/],
    ];
    const messages = new Set<string>();
    for (const [label, form, message] of cases) {
      const res = await m.post(invite, { ...form, q: 'cleo' });
      t.equal(res.statusCode, 422, label);
      t.match(res.body, message, label);
      t.match(res.body, /<title>Error: /);
      t.match(res.body, /<a href="#userIds">/, 'the summary links to the field');
      t.match(res.body, /aria-describedby="userIds-hint userIds-error"/);
      if (message.source === 'cannot be invited') messages.add(/id="userIds-error"[^>]*>([\s\S]*?)<\/p>/.exec(res.body)?.[1] ?? '');
    }
    t.equal(messages.size, 1, 'the same words whether the person exists or not (R-X1)');
    const kept = await m.post(invite, { userIds: [String(cleo.id), '999999'], q: 'cleo' });
    t.match(kept.body, new RegExp(`value="${cleo.id}" checked`), 'the choice is kept');
    t.equal((await GroupInvitation.query(db).where({ groupId: group.id })).length, 0, 'no invitation written');
  });

  t.test('accepting into an archived group is refused (R-G7); declining still works', async (t) => {
    await m.post(invite, { userIds: String(cleo.id) });
    const id = (await invitationOf(cleo.id))?.id;
    await Group.query(db).findById(group.id).patch({ archivedAt: new Date() });
    t.match((await cl.get('/invitations')).body, /The group is archived/);
    const res = await cl.post(`/invitations/${id}/accept`);
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, '/invitations');
    t.equal(await followFlash(cl, res.headers.location), 'Invite Team is archived, so it cannot be joined now.');
    t.equal(await Membership.query(db).findOne({ groupId: group.id, userId: cleo.id }), undefined);
    t.equal((await cl.post(`/invitations/${id}/decline`)).statusCode, 303);
    t.equal(await invitationOf(cleo.id), undefined);
    await Group.query(db).findById(group.id).patch({ archivedAt: null });
  });
});

t.test('joining and requests to join (R-G5)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const mod = await makeUser(db, { name: 'Moe Moderator' });
  const member = await makeUser(db, { name: 'Mia Member' });
  const cleo = await makeUser(db, { name: 'Cleo Colleague' });
  const pia = await makeUser(db, { name: 'Pia Person' });
  const external = await makeUser(db, { name: 'Xena External', isExtranet: true });
  const open = await makeGroup(db, owner, { name: 'Open House', isOpen: true });
  const club = await makeGroup(db, owner, { name: 'Visible Club', visibleToAll: true }, [[mod, 'moderator'], [member]]);
  const other = await makeGroup(db, owner, { name: 'Other Club', visibleToAll: true }, [[mod, 'moderator']]);
  const hidden = await makeGroup(db, owner, { name: 'Hidden Room' });
  const [m, plain, cl, p, x] = await Promise.all([signIn(app, mod), signIn(app, member), signIn(app, cleo), signIn(app, pia), signIn(app, external)]);
  const isMember = async (groupId: number, userId: number) => (await Membership.query(db).findOne({ groupId, userId })) !== undefined;

  t.test('an employee joins an open group; other groups cannot be joined', async (t) => {
    const res = await cl.post(`/groups/${open.id}/join`);
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, `/groups/${open.id}`);
    t.equal(await followFlash(cl, res.headers.location), 'You have joined Open House');
    t.ok(await isMember(open.id, cleo.id));
    t.equal((await cl.post(`/groups/${open.id}/join`)).statusCode, 403, 'already a member');
    t.equal((await cl.post(`/groups/${club.id}/join`)).statusCode, 403, 'not open: ask instead');
    t.equal((await cl.post(`/groups/${hidden.id}/join`)).statusCode, 404, 'hidden: not there');
    t.equal((await x.post(`/groups/${open.id}/join`)).statusCode, 404, 'extranet users cannot join (R-X1)');
    t.notOk(await isMember(club.id, cleo.id));
    t.notOk(await isMember(open.id, external.id));
  });

  t.test('a request to a visible group; a moderator approves (R-G5)', async (t) => {
    const res = await cl.post(`/groups/${club.id}/request`, { message: 'Please let me in' });
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, `/groups/${club.id}/about`);
    t.equal((await JoinRequest.query(db).findOne({ groupId: club.id, userId: cleo.id }))?.message, 'Please let me in');
    t.equal((await cl.post(`/groups/${club.id}/request`)).statusCode, 403, 'asking twice');
    t.equal((await cl.post(`/groups/${open.id}/request`)).statusCode, 403, 'an open group needs no request');
    const page = (await m.get(`/groups/${club.id}/members`)).body;
    t.match(page, /Requests to join[\s\S]*Cleo Colleague[\s\S]*Please let me in/);
    t.match(page, /Approve Cleo Colleague/);
    const requestId = (await JoinRequest.query(db).findOne({ groupId: club.id, userId: cleo.id }))?.id;
    t.equal((await plain.post(`/groups/${club.id}/requests/${requestId}/approve`)).statusCode, 403, 'a plain member cannot approve');
    t.equal((await m.post(`/groups/${other.id}/requests/${requestId}/approve`)).statusCode, 404, 'another group\'s request id');
    t.equal((await cl.post(`/groups/${club.id}/requests/${requestId}/approve`)).statusCode, 403, 'nor the person who asked');
    t.notOk(await isMember(club.id, cleo.id));
    const approved = await m.post(`/groups/${club.id}/requests/${requestId}/approve`);
    t.equal(approved.statusCode, 303);
    t.equal(await followFlash(m, approved.headers.location), 'Cleo Colleague is now a member');
    t.ok(await isMember(club.id, cleo.id));
    t.equal(await JoinRequest.query(db).findById(requestId ?? 0), undefined, 'the request is gone');
    t.equal((await m.post(`/groups/${club.id}/requests/${requestId}/reject`)).statusCode, 404, 'deciding twice');
  });

  t.test('a moderator rejects; a too long message is refused', async (t) => {
    const long = await p.post(`/groups/${club.id}/request`, { message: 'x'.repeat(501) });
    t.equal(long.statusCode, 303);
    t.match(await followFlash(p, long.headers.location), /500 characters or fewer/);
    t.equal(await JoinRequest.query(db).findOne({ groupId: club.id, userId: pia.id }), undefined);
    t.equal((await p.post(`/groups/${club.id}/request`)).statusCode, 303, 'the message is optional');
    const requestId = (await JoinRequest.query(db).findOne({ groupId: club.id, userId: pia.id }))?.id;
    const rejected = await m.post(`/groups/${club.id}/requests/${requestId}/reject`);
    t.equal(rejected.statusCode, 303);
    t.equal(await followFlash(m, rejected.headers.location), 'The request from Pia Person has been rejected');
    t.notOk(await isMember(club.id, pia.id));
    t.equal(await JoinRequest.query(db).findById(requestId ?? 0), undefined);
  });

  t.test('no requests into hidden or archived groups, nor from extranet users', async (t) => {
    t.equal((await p.post(`/groups/${hidden.id}/request`)).statusCode, 404);
    t.equal((await x.post(`/groups/${club.id}/request`)).statusCode, 404);
    await Group.query(db).findById(club.id).patch({ archivedAt: new Date() });
    t.equal((await p.post(`/groups/${club.id}/request`)).statusCode, 403);
    t.equal(await JoinRequest.query(db).findOne({ groupId: club.id, userId: pia.id }), undefined);
  });
});
