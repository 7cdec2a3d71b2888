// Every membership URL answers a group the viewer cannot see with 404, exactly like one that
// does not exist (R-X1); every POST needs the CSRF token; ids that are not numbers are 404.
import t from 'tap';
import { GroupInvitation, JoinRequest, Membership } from '../../src/models/group.js';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('membership URLs: hidden groups, CSRF, malformed ids', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const member = await makeUser(db, { name: 'Mia Member' });
  const asker = await makeUser(db, { name: 'Ann Asker' });
  const stranger = await makeUser(db, { name: 'Sam Stranger' });
  const external = await makeUser(db, { name: 'Xena External', isExtranet: true });
  const hidden = await makeGroup(db, owner, { name: 'Hidden Room', whoCanInvite: 'members' }, [[member]]);
  // An external user who is in some other extranet group, so it is a signed-in, real persona.
  await makeGroup(db, owner, { name: 'Elsewhere', isExtranet: true }, [[external]]);
  const request = await JoinRequest.query(db).insertAndFetch({ groupId: hidden.id, userId: asker.id, message: '' });
  const invitation = await GroupInvitation.query(db).insertAndFetch({ groupId: hidden.id, userId: stranger.id, invitedBy: owner.id });
  const [o, s, x] = await Promise.all([signIn(app, owner), signIn(app, stranger), signIn(app, external)]);

  const g = `/groups/${hidden.id}`;
  const gets = [`${g}/members`, `${g}/members?q=mia`, `${g}/invite`, `${g}/invite?q=sam`];
  const posts: [string, Record<string, string>][] = [
    [`${g}/invite`, { userIds: String(stranger.id) }],
    [`${g}/join`, {}],
    [`${g}/request`, { message: 'hello' }],
    [`${g}/leave`, {}],
    [`${g}/members/${member.id}/promote`, {}],
    [`${g}/members/${member.id}/demote`, {}],
    [`${g}/members/${member.id}/remove`, {}],
    [`${g}/members/${member.id}/owner`, {}],
    [`${g}/requests/${request.id}/approve`, {}],
    [`${g}/requests/${request.id}/reject`, {}],
  ];
  const snapshot = async () => JSON.stringify({
    members: (await Membership.query(db).where({ groupId: hidden.id }).orderBy('userId')).map((m) => [m.userId, m.role]),
    requests: (await JoinRequest.query(db).where({ groupId: hidden.id })).length,
    invitations: (await GroupInvitation.query(db).where({ groupId: hidden.id })).length,
  });
  const before = await snapshot();

  t.test('a hidden group is 404 for a non-member employee and for an extranet user (R-X1)', async (t) => {
    for (const [persona, client] of [['employee', s], ['external', x]] as const) {
      for (const url of gets) {
        const res = await client.get(url);
        t.equal(res.statusCode, 404, `${persona} GET ${url}`);
        t.notMatch(res.body, /Hidden Room|Mia Member/, 'nothing about the group shows');
      }
      for (const [url, form] of posts) t.equal((await client.post(url, form)).statusCode, 404, `${persona} POST ${url}`);
    }
    t.equal(await snapshot(), before, 'nothing changed');
  });

  t.test('the stranger\'s own invitation is the one way in; someone else\'s is 404', async (t) => {
    t.equal((await x.post(`/invitations/${invitation.id}/accept`)).statusCode, 404);
    t.equal((await x.post(`/invitations/${invitation.id}/decline`)).statusCode, 404);
    t.notMatch((await x.get('/invitations')).body, /Hidden Room/, 'not listed for anyone else');
    t.match((await s.get('/invitations')).body, /Hidden Room/, 'listed for the invitee');
    t.equal(await snapshot(), before);
  });

  t.test('every POST without a CSRF token is refused with 403 and changes nothing', async (t) => {
    const all: [string, Record<string, string>][] = [...posts, [`/invitations/${invitation.id}/accept`, {}], [`/invitations/${invitation.id}/decline`, {}]];
    for (const [url, form] of all) {
      const res = await o.post(url, form, { csrf: false });
      t.equal(res.statusCode, 403, `POST ${url}`);
      t.match(res.body, /This form has expired/);
    }
    for (const [url, form] of all) t.equal((await s.post(url, form, { csrf: 'forged' })).statusCode, 403, `forged token: ${url}`);
    t.equal(await snapshot(), before, 'nothing changed');
  });

  t.test('a NUL byte or a forged cursor gives a normal page, never 500 (SPEC §7)', async (t) => {
    const forged = [Buffer.from('[1e400,"a",1]').toString('base64url'), Buffer.from('[0,"\\u0000",1]').toString('base64url'), 'x'.repeat(600), '%%%'];
    for (const after of forged) {
      const res = await o.get(`${g}/members?after=${encodeURIComponent(after)}`);
      t.equal(res.statusCode, 200, `members after=${after.slice(0, 20)}`);
      t.match(res.body, /Olga Owner/, 'the first page instead');
      t.equal((await s.get(`/invitations?after=${encodeURIComponent(after)}`)).statusCode, 200);
    }
    for (const url of [`${g}/members?q=a%00b`, `${g}/invite?q=a%00b`]) t.equal((await o.get(url)).statusCode, 200, url);
  });

  t.test('ids that are not numbers are 404, never 500', async (t) => {
    const bad = ['abc', '1e3', '-1', '0', '99999999999', '1.5'];
    for (const id of bad) {
      t.equal((await o.get(`/groups/${id}/members`)).statusCode, 404, `members ${id}`);
      t.equal((await o.get(`/groups/${id}/invite`)).statusCode, 404, `invite ${id}`);
      for (const url of [`/groups/${id}/leave`, `/groups/${id}/join`, `${g}/members/${id}/remove`, `${g}/members/${id}/owner`, `${g}/requests/${id}/approve`, `/invitations/${id}/accept`, `/invitations/${id}/decline`]) {
        t.equal((await o.post(url)).statusCode, 404, `POST ${url}`);
      }
    }
    t.equal((await o.post(`${g}/members/999999/promote`)).statusCode, 303, 'a well-formed id of nobody: a message on the members page');
    t.equal((await o.post(`${g}/requests/999999/approve`)).statusCode, 404, 'no such request');
    t.equal(await snapshot(), before);
  });
});
