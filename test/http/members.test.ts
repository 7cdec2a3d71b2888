// The members page and the changes made from it: R-G4 (roles, owner), R-G6 (see each other,
// leave, remove), R-G7 (archived groups are read-only), R-X1 (not visible is 404), R-U4.
import type { Knex } from 'knex';
import t from 'tap';
import { Group, Membership, type Role } from '../../src/models/group.js';
import { build, enableAdminMode, makeUser, signIn, type Client } from '../helper.js';
import { makeGroup } from '../fixtures.js';

async function rolesOf(db: Knex, groupId: number): Promise<Record<number, Role>> {
  return Object.fromEntries((await Membership.query(db).where({ groupId })).map((m) => [m.userId, m.role]));
}

/** The member table only, without the page header that names the viewer. */
const tableOf = (body: string) => body.slice(body.indexOf('<tbody>'));

/** The flash message shown on the page a POST redirected to. */
async function followFlash(client: Client, location: unknown): Promise<string> {
  const page = await client.get(String(location));
  return /class="flash[^"]*"[^>]*>([^<]*)</.exec(page.body)?.[1] ?? '';
}

t.test('the members page (R-G6, R-U4)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const mod = await makeUser(db, { name: 'Moe Moderator' });
  const member = await makeUser(db, { name: 'Mia Member', email: 'mia@corp.example' });
  const other = await makeUser(db, { name: 'Max Member' });
  const external = await makeUser(db, { name: 'Xena External', isExtranet: true });
  const stranger = await makeUser(db, { name: 'Sam Stranger' });
  const group = await makeGroup(db, owner, { name: 'Client Team', isExtranet: true }, [[member], [external], [mod, 'moderator'], [other]]);
  const [o, m, plain, x] = await Promise.all([signIn(app, owner), signIn(app, mod), signIn(app, member), signIn(app, external)]);
  const url = `/groups/${group.id}/members`;

  t.test('members see each other, owner first, then moderators, then members by name', async (t) => {
    for (const [who, client] of [['a plain member', plain], ['an external member', x]] as const) {
      const res = await client.get(url);
      t.equal(res.statusCode, 200, who);
      const table = tableOf(res.body);
      const order = ['Olga Owner', 'Moe Moderator', 'Max Member', 'Mia Member', 'Xena External'].map((n) => table.indexOf(n));
      t.ok(order.every((pos, i) => pos > 0 && (i === 0 || pos > (order[i - 1] ?? 0))), `${who} sees everyone in order: ${order.join(', ')}`);
    }
    const res = await plain.get(url);
    t.equal(res.body.match(/<h1/g)?.length, 1, 'one h1');
    t.match(res.body, /<div class="table-wrap">\s*<table class="table table--stack">/);
    t.match(res.body, /<th scope="col">Role<\/th>/);
    t.match(res.body, /<span class="person person--extranet">[\s\S]{0,600}external user:<\/span> Xena External/, 'the extranet mark with a text alternative (R-U4)');
    t.match(res.body, /aria-current="page">Members</, 'the group menu marks Members');
    t.notMatch(res.body, /Remove |Make [A-Z]/, 'a plain member has no member actions');
    t.match(res.body, /action="\/groups\/\d+\/leave"/, 'but can leave');
    t.notMatch(res.body, /Requests to join|Invitations waiting/, 'pending lists are for managers');
  });

  t.test('the buttons name the person and appear only when allowed', async (t) => {
    const own = (await o.get(url)).body;
    for (const label of ['Remove Moe Moderator', 'Make Moe Moderator a plain member', 'Make Mia Member a moderator', 'Make Mia Member the owner', 'Remove Xena External', 'Make Xena External the owner']) t.match(own, label, `owner: ${label}`);
    for (const label of ['Remove Olga Owner', 'Make Xena External a moderator', 'Make Olga Owner the owner']) t.notMatch(own, label, `owner: no ${label}`);
    t.match(own, /Invitations waiting for an answer/);
    const moderated = (await m.get(url)).body;
    t.match(moderated, 'Remove Mia Member');
    t.match(moderated, 'Make Mia Member a moderator');
    for (const label of ['Remove Olga Owner', 'Remove Moe Moderator', 'Make Moe Moderator a plain member', 'Make Mia Member the owner']) t.notMatch(moderated, label, `moderator: no ${label}`);
    t.match(moderated, /Requests to join/);
    t.notMatch(own, /action="\/groups\/\d+\/leave"/, 'the owner is not offered to leave (R-G6)');
  });

  t.test('search, and the htmx fragment', async (t) => {
    const found = await plain.get(`${url}?q=MIA%40corp`);
    t.match(found.body, /Mia Member/);
    t.notMatch(found.body, /Max Member/);
    t.match(found.body, /<title>Members of Client Team/);
    const fragment = await plain.get(`${url}?q=max`, { 'hx-request': 'true' });
    t.equal(fragment.statusCode, 200);
    t.notMatch(fragment.body, /<html|<h1/, 'only the list');
    t.match(fragment.body, /Max Member/);
    t.notMatch(fragment.body, /Mia Member/);
    t.match(String(fragment.headers.vary), /HX-Request/);
  });

  t.test('a visible group\'s non-member is sent to the About page; a hidden group is 404', async (t) => {
    const s = await signIn(app, stranger);
    t.equal((await s.get(url)).statusCode, 404);
    const visible = await makeGroup(db, owner, { name: 'Open Door', visibleToAll: true });
    const res = await s.get(`/groups/${visible.id}/members`);
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, `/groups/${visible.id}/about`);
  });
});

t.test('keyset paging, and a bounded number of queries (no N+1)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Zed Owner' });
  const many = await Promise.all(Array.from({ length: 52 }, (_, i) => makeUser(db, { name: `Member ${String(i).padStart(2, '0')}` })));
  const big = await makeGroup(db, owner, { name: 'Big' }, many.map((u): [typeof u] => [u]));
  const small = await makeGroup(db, owner, { name: 'Small' }, many.slice(0, 2).map((u): [typeof u] => [u]));
  const o = await signIn(app, owner);

  const first = await o.get(`/groups/${big.id}/members`);
  t.match(tableOf(first.body), /Zed Owner/, 'the owner comes first even though the name sorts last');
  const next = /href="([^"]+after=[^"]+)" rel="next"/.exec(first.body)?.[1]?.replace(/&amp;/g, '&');
  t.ok(next, 'a next-page link');
  const second = await o.get(next ?? '');
  const names = (body: string) => [...body.matchAll(/>(Member \d\d)</g)].map((x) => x[1]);
  t.equal(names(first.body).length, 49, '50 rows: the owner and 49 members');
  t.same(names(second.body), ['Member 49', 'Member 50', 'Member 51']);
  t.notMatch(tableOf(second.body), /Zed Owner/);

  let count = 0;
  const onQuery = () => count++;
  db.on('query', onQuery);
  await o.get(`/groups/${small.id}/members`);
  const smallCount = count;
  count = 0;
  await o.get(`/groups/${big.id}/members`);
  db.off('query', onQuery);
  t.ok(smallCount > 0, 'queries were counted');
  t.equal(count, smallCount, `the same number of queries for 3 and 53 members (${smallCount})`);
});

t.test('changing roles, removing and leaving (R-G4, R-G6)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const mod = await makeUser(db, { name: 'Moe Moderator' });
  const mod2 = await makeUser(db, { name: 'Mona Moderator' });
  const member = await makeUser(db, { name: 'Mia Member' });
  const member2 = await makeUser(db, { name: 'Max Member' });
  const external = await makeUser(db, { name: 'Xena External', isExtranet: true });
  const group = await makeGroup(db, owner, { name: 'Roles', isExtranet: true }, [[mod, 'moderator'], [mod2, 'moderator'], [member], [member2], [external]]);
  const [o, m, plain] = await Promise.all([signIn(app, owner), signIn(app, mod), signIn(app, member)]);
  const act = (userId: number, action: string) => `/groups/${group.id}/members/${userId}/${action}`;

  t.test('a moderator cannot remove the owner or another moderator; removes a member (R-G6)', async (t) => {
    t.equal((await m.post(act(owner.id, 'remove'))).statusCode, 403);
    t.equal((await m.post(act(mod2.id, 'remove'))).statusCode, 403);
    t.equal((await plain.post(act(member2.id, 'remove'))).statusCode, 403, 'a plain member cannot remove');
    t.same(await rolesOf(db, group.id), { [owner.id]: 'owner', [mod.id]: 'moderator', [mod2.id]: 'moderator', [member.id]: 'member', [member2.id]: 'member', [external.id]: 'member' }, 'nothing changed');
    const res = await m.post(act(member2.id, 'remove'));
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, `/groups/${group.id}/members`);
    t.equal(await followFlash(m, res.headers.location), 'Max Member has been removed from the group');
    t.equal((await rolesOf(db, group.id))[member2.id], undefined);
    const audit = await db('auditLog').where({ action: 'member.remove', subjectId: group.id }).first();
    t.equal(audit?.actorId, mod.id, 'the removal is in the audit log');
    const again = await m.post(act(member2.id, 'remove'));
    t.equal(await followFlash(m, again.headers.location), 'That person is not a member of this group any more.', 'a stale page gets a message, not an error');
  });

  t.test('the owner removes a moderator', async (t) => {
    t.equal((await o.post(act(mod2.id, 'remove'))).statusCode, 303);
    t.equal((await rolesOf(db, group.id))[mod2.id], undefined);
    t.equal((await o.post(act(owner.id, 'remove'))).statusCode, 403, 'nobody removes the owner');
  });

  t.test('promote and demote (R-G4)', async (t) => {
    t.equal((await plain.post(act(member.id, 'promote'))).statusCode, 403, 'a plain member cannot promote');
    t.equal((await m.post(act(external.id, 'promote'))).statusCode, 403, 'an external member cannot be a moderator');
    t.equal((await m.post(act(member.id, 'promote'))).statusCode, 303);
    t.equal((await rolesOf(db, group.id))[member.id], 'moderator');
    t.equal((await m.post(act(member.id, 'demote'))).statusCode, 403, 'only the owner demotes');
    const res = await o.post(act(member.id, 'demote'));
    t.equal(res.statusCode, 303);
    t.equal(await followFlash(o, res.headers.location), 'Mia Member is now a plain member');
    t.equal((await rolesOf(db, group.id))[member.id], 'member');
    t.ok(await db('auditLog').where({ action: 'member.promote', subjectId: group.id }).first(), 'role changes are audited');
    t.ok(await db('auditLog').where({ action: 'member.demote', subjectId: group.id }).first());
  });

  t.test('a member leaves; the owner cannot (R-G6)', async (t) => {
    const refused = await o.post(`/groups/${group.id}/leave`);
    t.equal(refused.statusCode, 403);
    t.match(refused.body, /The owner cannot leave the group/);
    t.equal((await rolesOf(db, group.id))[owner.id], 'owner');
    const res = await plain.post(`/groups/${group.id}/leave`);
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, '/groups', 'a hidden group is gone for the one who left');
    t.equal((await rolesOf(db, group.id))[member.id], undefined);
    t.equal((await plain.get(`/groups/${group.id}/members`)).statusCode, 404);
    t.equal((await plain.post(`/groups/${group.id}/leave`)).statusCode, 404, 'leaving twice: not visible any more');
  });
});

t.test('changing the owner (R-G4)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const mod = await makeUser(db, { name: 'Moe Moderator' });
  const admin = await makeUser(db, { name: 'Ada Admin', isAdmin: true });
  const external = await makeUser(db, { name: 'Xena External', isExtranet: true });
  const group = await makeGroup(db, owner, { name: 'Handover' }, [[mod, 'moderator']]);
  await Membership.query(db).insert({ groupId: group.id, userId: external.id, role: 'member' });
  const [o, m, a] = await Promise.all([signIn(app, owner), signIn(app, mod), signIn(app, admin)]);
  const to = (userId: number) => `/groups/${group.id}/members/${userId}/owner`;
  const owners = async () => (await Membership.query(db).where({ groupId: group.id, role: 'owner' })).map((x) => x.userId);

  t.equal((await m.post(to(mod.id))).statusCode, 403, 'a moderator cannot take the group');
  const external303 = await o.post(to(external.id));
  t.equal(await followFlash(o, external303.headers.location), 'An external user cannot own a group that is not in the extranet');
  t.same(await owners(), [owner.id]);
  const res = await o.post(to(mod.id));
  t.equal(res.statusCode, 303);
  t.equal(await followFlash(o, res.headers.location), 'Moe Moderator is now the owner of the group');
  t.same(await owners(), [mod.id], 'exactly one owner');
  t.equal((await rolesOf(db, group.id))[owner.id], 'moderator', 'the old owner becomes a moderator');
  t.equal((await o.post(to(owner.id))).statusCode, 403, 'the old owner can no longer change it');
  t.equal((await a.post(to(owner.id))).statusCode, 404, 'an admin without admin mode does not even see the hidden group');
  await enableAdminMode(a);
  t.equal((await a.post(to(owner.id))).statusCode, 303, 'admin mode can');
  t.same(await owners(), [owner.id]);
  t.equal((await rolesOf(db, group.id))[mod.id], 'moderator');
});

t.test('an archived group is read-only but readable (R-G7)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const member = await makeUser(db, { name: 'Mia Member' });
  const colleague = await makeUser(db, { name: 'Carl Colleague' });
  const group = await makeGroup(db, owner, { name: 'Old Open', isOpen: true, whoCanInvite: 'members' }, [[member]]);
  await Group.query(db).findById(group.id).patch({ archivedAt: new Date() });
  const [o, plain, c] = await Promise.all([signIn(app, owner), signIn(app, member), signIn(app, colleague)]);

  const page = await plain.get(`/groups/${group.id}/members`);
  t.equal(page.statusCode, 200, 'members still read the members page');
  t.match(page.body, /This group is archived/);
  t.match(page.body, /Olga Owner/);
  t.notMatch((await o.get(`/groups/${group.id}/members`)).body, /Remove Mia Member|Make Mia Member a moderator|Invite colleagues/, 'no change buttons');
  const refusals: [Client, string, Record<string, string>][] = [
    [o, `/groups/${group.id}/members/${member.id}/promote`, {}],
    [o, `/groups/${group.id}/members/${member.id}/remove`, {}],
    [plain, `/groups/${group.id}/invite`, { userIds: String(colleague.id) }],
    [c, `/groups/${group.id}/join`, {}],
  ];
  for (const [client, url, form] of refusals) {
    const res = await client.post(url, form);
    t.equal(res.statusCode, 403, url);
    t.match(res.body, /This group is archived: it is read-only/, 'says why');
  }
  t.equal((await plain.get(`/groups/${group.id}/invite`)).statusCode, 403);
  t.same(await rolesOf(db, group.id), { [owner.id]: 'owner', [member.id]: 'member' }, 'nothing changed');
  t.equal((await db('groupInvitations').where({ groupId: group.id })).length, 0, 'nobody invited');
});
