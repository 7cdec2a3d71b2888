import t from 'tap';
import { Membership } from '../../src/models/group.js';
import { OutboxMessage } from '../../src/models/outbox-message.js';
import { endExpiredMemberships } from '../../src/services/membership-expiry.js';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('membership expiry for external members (R-X8)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner', email: 'olga@corp.example' });
  const member = await makeUser(db, { name: 'Mia Member' });
  const external = await makeUser(db, { name: 'Ext Ernal', isExtranet: true });
  const group = await makeGroup(db, owner, { name: 'Client work', isExtranet: true }, [[member], [external]]);
  const o = await signIn(app, owner);
  await o.get('/profile');
  const url = (userId: number) => `/groups/${group.id}/members/${userId}/expiry`;
  const expiryOf = async (userId: number) => (await Membership.query(db).findOne({ groupId: group.id, userId }))?.expiresAt ?? null;

  t.test('the owner sets and clears an external member\'s end date', async (t) => {
    t.equal((await o.post(url(external.id), { expiresOn: '2099-05-01' })).statusCode, 303);
    t.equal((await expiryOf(external.id))?.toISOString(), '2099-05-01T00:00:00.000Z');
    t.equal((await o.post(url(external.id), { expiresOn: '' })).statusCode, 303);
    t.equal(await expiryOf(external.id), null);
  });

  t.test('refusals: a past or malformed date, an employee, a plain member, a stranger, missing CSRF', async (t) => {
    await o.post(url(external.id), { expiresOn: '2001-01-01' });
    t.match((await o.get('/profile')).body, /must be in the future/);
    await o.post(url(external.id), { expiresOn: 'soon' });
    t.match((await o.get('/profile')).body, /Enter a valid membership ends on/);
    t.equal(await expiryOf(external.id), null, 'nothing saved');
    t.equal((await o.post(url(member.id), { expiresOn: '2099-01-01' })).statusCode, 403, 'only external members expire');
    const m = await signIn(app, member);
    t.equal((await m.post(url(external.id), { expiresOn: '2099-01-01' })).statusCode, 403);
    const stranger = await signIn(app, await makeUser(db));
    t.equal((await stranger.post(url(external.id), { expiresOn: '2099-01-01' })).statusCode, 404);
    t.equal((await o.post(url(external.id), { expiresOn: '2099-01-01' }, { csrf: false })).statusCode, 403);
    t.equal((await o.post(`/groups/${group.id}/members/999999/expiry`, { expiresOn: '2099-01-01' })).statusCode, 404);
    t.equal(await expiryOf(external.id), null);
  });

  t.test('from the end date access stops at once; the owner is told; the person leaves the list', async (t) => {
    const x = await signIn(app, external);
    t.equal((await x.get(`/groups/${group.id}`)).statusCode, 200);
    await Membership.query(db).where({ groupId: group.id, userId: external.id }).patch({ expiresAt: new Date(Date.now() - 1000) });
    t.equal((await x.get(`/groups/${group.id}`)).statusCode, 404, 'no job needed: the scope already ignores it');
    t.equal((await x.get(`/users/${owner.id}`)).statusCode, 404, 'no longer a contact');
    t.equal(await endExpiredMemberships(db), 1);
    t.equal(await Membership.query(db).findOne({ groupId: group.id, userId: external.id }), undefined, 'row removed');
    const mail = await OutboxMessage.query(db).findOne({ toAddress: 'olga@corp.example' });
    t.match(mail?.subject, /Ext Ernal has left Client work/);
    t.equal(await endExpiredMemberships(db), 0, 'nothing twice');
  });
});
