// R-F2, R-X4: public links (work without login, stored hashed, revocable) and personal files
// and folders shared with chosen people the owner may contact.
import t from 'tap';
import { DriveFile, FileLink, Folder } from '../../src/models/file.js';
import { Group } from '../../src/models/group.js';
import { Client, build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { uploadAs } from '../multipart.js';

const text = (s: string) => ({ type: 'text/plain', data: Buffer.from(s) });

t.test('public links (R-F2)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db);
  const member = await makeUser(db);
  const group = await makeGroup(db, owner, { name: 'Linkers' }, [[member]]);
  const o = await signIn(app, owner);
  await o.get(`/groups/${group.id}/files`);
  await uploadAs(o, `/groups/${group.id}/files`, { filename: 'brochure.txt', ...text('public brochure') });
  const file = (await DriveFile.query(db).orderBy('id', 'desc').first())!;

  const res = await o.post(`/files/${file.id}/link`);
  t.equal(res.statusCode, 303);
  const page = await o.get(`/files/${file.id}`);
  const url = /id="new-link" type="url" value="([^"]+)"/.exec(page.body)?.[1];
  t.ok(url, 'the link is shown once');
  const token = String(url).split('/s/')[1] ?? '';
  t.match(token, /^[A-Za-z0-9_-]{43}$/, '256 random bits');
  t.notMatch((await o.get(`/files/${file.id}`)).body, /id="new-link"/, 'and only once');
  const row = await FileLink.query(db).where({ fileId: file.id }).first();
  t.not(row?.tokenHash, token, 'only a hash is stored');
  t.notOk(JSON.stringify(await FileLink.query(db)).includes(token));

  t.test('works without signing in', async (t) => {
    const anon = await app.inject({ method: 'GET', url: `/s/${token}` });
    t.equal(anon.statusCode, 200);
    t.equal(anon.body, 'public brochure');
    t.match(String(anon.headers['content-disposition']), /^attachment; filename="brochure.txt"/);
    t.equal(anon.headers['referrer-policy'], 'no-referrer');
  });

  t.test('unknown and malformed tokens are 404', async (t) => {
    for (const bad of ['x'.repeat(43), 'short', `${token}x`, '%00', token.toUpperCase() === token ? `${token.slice(0, 42)}a` : token.toUpperCase()]) {
      t.equal((await app.inject({ method: 'GET', url: `/s/${encodeURIComponent(bad)}` })).statusCode, 404, bad);
    }
  });

  t.test('a plain member may not make links when files_write is moderators; the owner revokes', async (t) => {
    await Group.query(db).findById(group.id).patch({ filesWrite: 'moderators' });
    const m = await signIn(app, member);
    t.equal((await m.post(`/files/${file.id}/link`)).statusCode, 403);
    t.equal((await m.post(`/files/${file.id}/link/revoke`)).statusCode, 403);
    t.equal((await app.inject({ method: 'GET', url: `/s/${token}` })).statusCode, 200, 'still works');
    await Group.query(db).findById(group.id).patch({ filesWrite: 'members' });
  });

  t.test('replacing a link ends the old one; revoking ends it at once', async (t) => {
    await o.post(`/files/${file.id}/link`);
    const fresh = String(/id="new-link" type="url" value="[^"]+\/s\/([^"]+)"/.exec((await o.get(`/files/${file.id}`)).body)?.[1]);
    t.equal((await app.inject({ method: 'GET', url: `/s/${token}` })).statusCode, 404, 'the old link is dead');
    t.equal((await app.inject({ method: 'GET', url: `/s/${fresh}` })).statusCode, 200);
    t.match((await o.get(`/files/${file.id}`)).body, /A public link has worked since/);
    t.equal((await o.post(`/files/${file.id}/link/revoke`)).statusCode, 303);
    t.equal((await app.inject({ method: 'GET', url: `/s/${fresh}` })).statusCode, 404, 'a revoked link is 404');
    t.match((await o.get(`/files/${file.id}`)).body, /This file has no public link/);
  });

  t.test('a link stops while the files tool is off, and with the file', async (t) => {
    await o.post(`/files/${file.id}/link`);
    const again = String(/\/s\/([A-Za-z0-9_-]{43})/.exec((await o.get(`/files/${file.id}`)).body)?.[1]);
    await Group.query(db).findById(group.id).patch({ tools: ['feed'] });
    t.equal((await app.inject({ method: 'GET', url: `/s/${again}` })).statusCode, 404);
    await Group.query(db).findById(group.id).patch({ tools: ['feed', 'files'] });
    t.equal((await app.inject({ method: 'GET', url: `/s/${again}` })).statusCode, 200);
    await o.post(`/files/${file.id}/delete`);
    t.equal((await app.inject({ method: 'GET', url: `/s/${again}` })).statusCode, 404);
  });
});

t.test('personal sharing (R-F2, R-X4)', async (t) => {
  const { app, db } = await build(t);
  const alice = await makeUser(db, { name: 'Alice Employee', email: 'alice@corp.example' });
  const bob = await makeUser(db, { name: 'Bob Employee', email: 'bob@corp.example' });
  const carol = await makeUser(db, { name: 'Carol Client', email: 'carol@client.example', isExtranet: true });
  const dave = await makeUser(db, { name: 'Dave Outsider', email: 'dave@other.example', isExtranet: true });
  await makeGroup(db, alice, { name: 'Client project', isExtranet: true }, [[carol]]);
  const a = await signIn(app, alice);
  await a.get('/files');
  await uploadAs(a, '/files', { filename: 'draft.txt', ...text('draft') });
  const draft = (await DriveFile.query(db).orderBy('id', 'desc').first())!;
  await a.post('/files/folders', { name: 'Shared stuff' });
  const folder = (await Folder.query(db).where({ ownerId: alice.id }).first())!;
  await a.get(`/folders/${folder.id}`);
  await uploadAs(a, `/folders/${folder.id}/files`, { filename: 'inside.txt', ...text('inside') });
  const inside = (await DriveFile.query(db).orderBy('id', 'desc').first())!;

  t.test('shared with a colleague: they read it, cannot change it', async (t) => {
    const res = await a.post(`/files/${draft.id}/shares`, { email: 'BOB@corp.example' });
    t.equal(res.statusCode, 303);
    const b = await signIn(app, bob);
    const shared = await b.get('/files/shared');
    t.match(shared.body, /draft\.txt/);
    t.match(shared.body, /Alice Employee/);
    t.equal((await b.get(`/files/${draft.id}/download`)).body, 'draft');
    t.equal((await b.post(`/files/${draft.id}/rename`, { name: 'mine.txt' })).statusCode, 403);
    t.equal((await b.post(`/files/${draft.id}/delete`)).statusCode, 403);
    t.equal((await b.post(`/files/${draft.id}/shares`, { email: 'carol@client.example' })).statusCode, 403, 'only the owner shares');
    t.equal((await b.post(`/files/${draft.id}/link`)).statusCode, 403, 'nor makes public links');
    t.equal((await DriveFile.query(db).findById(draft.id))?.name, 'draft.txt');
  });

  t.test('a shared folder shares what is in it; the recipient cannot add to it', async (t) => {
    t.equal((await a.post(`/folders/${folder.id}/shares`, { email: 'carol@client.example' })).statusCode, 303, 'an external contact (a shared group)');
    const c = await signIn(app, carol);
    t.match((await c.get('/files/shared')).body, /Shared stuff/);
    const listing = await c.get(`/folders/${folder.id}`);
    t.equal(listing.statusCode, 200);
    t.match(listing.body, /inside\.txt/);
    t.match(listing.body, /Shared with you by/);
    t.notMatch(listing.body, /Upload a file/);
    t.equal((await c.get(`/files/${inside.id}/download`)).body, 'inside');
    t.equal((await c.get(`/files/${draft.id}`)).statusCode, 404, 'not what was not shared');
    t.equal((await uploadAs(c, `/folders/${folder.id}/files`, { filename: 'x.txt', ...text('x') })).statusCode, 403);
    t.equal((await c.post(`/folders/${folder.id}/folders`, { name: 'Mine' })).statusCode, 403);
  });

  t.test('people the owner may not contact are refused, and nothing changes (R-X4)', async (t) => {
    for (const [email, why] of [['dave@other.example', 'an external user sharing no group'], ['nobody@corp.example', 'an unknown address'], ['alice@corp.example', 'oneself'], ['', 'nothing'], ['x'.repeat(300), 'too long'], [['bob@corp.example', 'carol@client.example'], 'two values']] as const) {
      const res = await a.post(`/files/${draft.id}/shares`, { email: typeof email === 'string' ? email : [...email] });
      t.equal(res.statusCode, 422, why);
      t.match(res.body, /href="#email"/);
    }
    t.notMatch((await a.get(`/files/${draft.id}`)).body, /Dave Outsider/);
    const d = await signIn(app, dave);
    t.equal((await d.get(`/files/${draft.id}`)).statusCode, 404);
    const c = await signIn(app, carol);
    t.equal((await c.post(`/files/${draft.id}/shares`, { email: 'bob@corp.example' })).statusCode, 404, 'an external user cannot even reach a file not shared with it');
  });

  t.test('an external owner shares only with its contacts', async (t) => {
    const c = await signIn(app, carol);
    await c.get('/files');
    await uploadAs(c, '/files', { filename: 'from-carol.txt', ...text('c') });
    const mine = (await DriveFile.query(db).orderBy('id', 'desc').first())!;
    t.equal((await c.post(`/files/${mine.id}/shares`, { email: 'bob@corp.example' })).statusCode, 422, 'an employee it shares no group with');
    t.equal((await c.post(`/files/${mine.id}/shares`, { email: 'alice@corp.example' })).statusCode, 303, 'a contact');
  });

  t.test('stopping sharing takes access away at once', async (t) => {
    t.equal((await a.post(`/files/${draft.id}/shares/${bob.id}/remove`)).statusCode, 303);
    const b = new Client(app);
    await b.login(bob.email);
    t.equal((await b.get(`/files/${draft.id}`)).statusCode, 404);
    t.notMatch((await b.get('/files/shared')).body, /draft\.txt/);
    t.equal((await a.post(`/files/${draft.id}/shares/abc/remove`)).statusCode, 404, 'a malformed id');
  });
});
