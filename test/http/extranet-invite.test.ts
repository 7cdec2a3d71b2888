import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { ExternalInvitation } from '../../src/models/external-invitation.js';
import { Membership } from '../../src/models/group.js';
import { OutboxMessage } from '../../src/models/outbox-message.js';
import { User } from '../../src/models/user.js';
import { hashToken } from '../../src/services/external-invitations.js';
import { Client, makeUser, signIn, testDatabase } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { smtpInbox, unfold } from '../smtp-inbox.js';

t.test('external invitation by e-mail through a real SMTP server (R-X3)', async (t) => {
  const inbox = await smtpInbox(t);
  const db = await testDatabase(t);
  const config = loadConfig({ ...process.env, DATABASE_URL: 'postgres://unused/x', DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'atrium-data-')), SMTP_URL: `smtp://127.0.0.1:${inbox.port}`, PUBLIC_URL: 'http://atrium.test' });
  const app = await buildApp({ config, db });
  t.teardown(() => app.close());

  const owner = await makeUser(db, { name: 'Olga Owner' });
  const group = await makeGroup(db, owner, { name: 'Client project', isExtranet: true });
  const hidden = await makeGroup(db, owner, { name: 'Internal only' });
  const o = await signIn(app, owner);
  await o.get(`/groups/${group.id}/invite-external`);

  const res = await o.post(`/groups/${group.id}/invite-external`, { emails: 'New.Person@Client.example', expiresOn: '2099-01-31' });
  t.equal(res.statusCode, 303);
  await app.mail.dispatch();
  t.equal(inbox.messages.length, 1, 'one message reached the SMTP server');
  const mail = unfold(inbox.messages[0] ?? '');
  t.match(mail, /To: new\.person@client\.example/i);
  const link = /http:\/\/atrium\.test(\/join\/[A-Za-z0-9_-]+)/.exec(mail)?.[1];
  t.ok(link, 'the message holds the link');

  if (!link) return;
  const stored = await ExternalInvitation.query(db).first();
  t.not(stored?.tokenHash, link.split('/').pop(), 'only a hash of the token is stored');
  t.equal(stored?.tokenHash, hashToken(link.split('/').pop() ?? ''));
  t.equal((await OutboxMessage.query(db).first())?.status, 'sent');

  const outsider = new Client(app);
  const page = await outsider.get(link);
  t.equal(page.statusCode, 200);
  t.match(page.body, /Olga Owner invited new\.person@client\.example/);
  const bad = await outsider.post(link, { name: '', password: 'short' });
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /Enter your full name/);
  const joined = await outsider.post(link, { name: 'Nina New', password: 'a-good-long-password' });
  t.equal(joined.statusCode, 303);
  t.equal(joined.headers.location, `/groups/${group.id}`);
  const user = await User.query(db).findOne({ email: 'new.person@client.example' });
  t.equal(user?.isExtranet, true, 'an extranet account');
  const membership = await Membership.query(db).findOne({ groupId: group.id, userId: user?.id ?? 0 });
  t.equal(membership?.expiresAt?.toISOString(), '2099-01-31T00:00:00.000Z', 'the membership carries its end date (R-X8)');
  t.equal((await outsider.get(`/groups/${group.id}`)).statusCode, 200, 'lands in the group');
  t.equal((await outsider.get(`/groups/${hidden.id}`)).statusCode, 404, 'and sees nothing else (R-X1)');

  t.test('the link works once', async (t) => {
    const again = await new Client(app).get(link);
    t.equal(again.statusCode, 404);
    t.match(again.body, /This invitation cannot be used/);
    const post = await new Client(app).post(link, { name: 'Twice', password: 'a-good-long-password' }, { csrf: 'x' });
    t.equal(post.statusCode, 403, 'no CSRF token from this page: refused before anything else');
  });
});

t.test('invitation rules (R-X3, R-U7, R-U8)', async (t) => {
  const db = await testDatabase(t);
  const config = loadConfig({ ...process.env, DATABASE_URL: 'postgres://unused/x', DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'atrium-data-')) });
  const app = await buildApp({ config, db });
  t.teardown(() => app.close());
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const member = await makeUser(db, { name: 'Mia Member' });
  const existing = await makeUser(db, { name: 'Eve External', email: 'eve@partner.example', isExtranet: true });
  const group = await makeGroup(db, owner, { name: 'Partner group', isExtranet: true }, [[member]]);
  const internal = await makeGroup(db, owner, { name: 'Internal' });
  const o = await signIn(app, owner);
  await o.get(`/groups/${group.id}/invite-external`);

  t.test('re-sending replaces the old link; without SMTP the message is kept in the outbox', async (t) => {
    await o.post(`/groups/${group.id}/invite-external`, { emails: 'pat@partner.example' });
    const first = await ExternalInvitation.query(db).findOne({ email: 'pat@partner.example' });
    await o.post(`/groups/${group.id}/invite-external`, { emails: 'pat@partner.example' });
    const open = await ExternalInvitation.query(db).where({ email: 'pat@partner.example' }).whereNull('usedAt');
    t.equal(open.length, 1);
    t.not(open[0]?.tokenHash, first?.tokenHash, 'a new token');
    await app.mail.dispatch();
    const kept = await OutboxMessage.query(db).where({ toAddress: 'pat@partner.example' });
    t.equal(kept.length, 2);
    t.ok(kept.every((m) => m.status === 'kept'));
  });

  t.test('an address with an account invites that account', async (t) => {
    const before = await User.query(db).resultSize();
    t.equal((await o.post(`/groups/${group.id}/invite-external`, { emails: 'EVE@partner.example' })).statusCode, 303);
    t.equal(await User.query(db).resultSize(), before, 'no new account');
    t.ok(await db('groupInvitations').where({ groupId: group.id, userId: existing.id }).first());
  });

  t.test('refusals: not an extranet group, extranet off, seat limit, bad addresses, a plain member, a hidden group, missing CSRF', async (t) => {
    const count = async () => ExternalInvitation.query(db).resultSize();
    const before = await count();
    t.equal((await o.post(`/groups/${internal.id}/invite-external`, { emails: 'a@b.example' })).statusCode, 404, 'no external invitations into a group outside the extranet');
    t.equal((await o.get(`/groups/${internal.id}/invite-external`)).statusCode, 404);
    await db('settings').update({ extranetEnabled: false });
    const off = await o.post(`/groups/${group.id}/invite-external`, { emails: 'a@b.example' });
    t.equal(off.statusCode, 422);
    t.match(off.body, /extranet is switched off/);
    await db('settings').update({ extranetEnabled: true, seatLimit: await User.query(db).whereNull('deactivatedAt').resultSize() });
    const full = await o.post(`/groups/${group.id}/invite-external`, { emails: 'a@b.example' });
    t.equal(full.statusCode, 422);
    t.match(full.body, /seat limit/);
    await db('settings').update({ seatLimit: null });
    const invalid = await o.post(`/groups/${group.id}/invite-external`, { emails: 'not-an-address, <script>@x' });
    t.equal(invalid.statusCode, 422);
    t.match(invalid.body, /These are not e-mail addresses: not-an-address, &lt;script&gt;@x/);
    t.equal((await o.post(`/groups/${group.id}/invite-external`, { emails: '' })).statusCode, 422);
    t.equal((await o.post(`/groups/${group.id}/invite-external`, { emails: ['a@b.example', 'c@d.example'] })).statusCode, 422, 'wrong type');
    const m = await signIn(app, member);
    t.equal((await m.post(`/groups/${group.id}/invite-external`, { emails: 'a@b.example' })).statusCode, 403, 'a plain member when moderators invite');
    const stranger = await signIn(app, await makeUser(db));
    t.equal((await stranger.post(`/groups/${group.id}/invite-external`, { emails: 'a@b.example' })).statusCode, 404);
    t.equal((await o.post(`/groups/${group.id}/invite-external`, { emails: 'a@b.example' }, { csrf: false })).statusCode, 403);
    t.equal(await count(), before, 'nothing was written');
  });

  t.test('external people can be invited while the extranet group is created', async (t) => {
    await o.get('/groups/new');
    const res = await o.post('/groups', { name: 'Fresh client group', kind: 'workgroup', whoCanInvite: 'moderators', filesWrite: 'members', calendarWrite: 'members', isExtranet: 'on', inviteExternal: 'fresh@client.example' });
    t.equal(res.statusCode, 303);
    t.ok(await ExternalInvitation.query(db).findOne({ email: 'fresh@client.example' }));
  });

  t.test('expired, unknown and malformed links answer 404', async (t) => {
    await o.post(`/groups/${group.id}/invite-external`, { emails: 'late@partner.example' });
    await ExternalInvitation.query(db).where({ email: 'late@partner.example' }).patch({ expiresAt: new Date(Date.now() - 1000) });
    for (const token of ['x'.repeat(43), 'short', '../../etc/passwd', '%00']) t.equal((await new Client(app).get(`/join/${token}`)).statusCode, 404, token);
  });
});
