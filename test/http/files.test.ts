// R-F2, R-G3, R-G7, R-G8: group drives and personal drives: uploads streamed to disk under
// generated keys, the configured size limit (413), names made safe, downloads, folders, rename,
// move, delete, and who may do what.
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { DriveFile, Folder } from '../../src/models/file.js';
import { Group } from '../../src/models/group.js';
import { Settings } from '../../src/models/settings.js';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { uploadAs } from '../multipart.js';

const KEY = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const text = (s: string) => ({ type: 'text/plain', data: Buffer.from(s) });

t.test('files (R-F2)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const moderator = await makeUser(db, { name: 'Mo Moderator' });
  const member = await makeUser(db, { name: 'Mia Member' });
  const stranger = await makeUser(db, { name: 'Sam Stranger' });
  const external = await makeUser(db, { name: 'Ed External', isExtranet: true });
  const group = await makeGroup(db, owner, { name: 'Drive Team', visibleToAll: true }, [[moderator, 'moderator'], [member], [external]]);
  const other = await makeGroup(db, stranger, { name: 'Elsewhere' });
  const o = await signIn(app, owner);
  const m = await signIn(app, member);
  const s = await signIn(app, stranger);
  const x = await signIn(app, external);
  const dataDir = app.config.dataDir;
  const stored = () => (existsSync(path.join(dataDir, 'files')) ? readdirSync(path.join(dataDir, 'files'), { recursive: true, encoding: 'utf8' }).filter((p) => KEY.test(path.basename(p))) : []);
  const tmpFiles = () => readdirSync(path.join(dataDir, 'tmp'));
  const settle = async () => {
    for (let i = 0; i < 40 && tmpFiles().length > 0; i++) await new Promise((r) => setTimeout(r, 25));
  };
  const latest = () => DriveFile.query(db).orderBy('id', 'desc').first();

  t.test('a member uploads into the group drive; the file is stored under a generated key and downloads as sent', async (t) => {
    await m.get(`/groups/${group.id}/files`);
    const res = await uploadAs(m, `/groups/${group.id}/files`, { filename: 'report.txt', ...text('quarterly numbers') });
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, `/groups/${group.id}/files`);
    const file = await latest();
    t.equal(file?.name, 'report.txt');
    t.equal(file?.groupId, group.id);
    t.match(file?.storageKey, KEY, 'a generated key');
    t.ok(stored().some((p) => p.endsWith(String(file?.storageKey))), 'on disk under its key');
    t.notOk(stored().some((p) => p.includes('report')), 'never under its name');
    const list = await o.get(`/groups/${group.id}/files`);
    t.equal(list.statusCode, 200);
    t.match(list.body, /report\.txt/);
    t.match(list.body, /Mia Member/, 'with who uploaded it');
    const dl = await o.get(`/files/${file?.id}/download`);
    t.equal(dl.statusCode, 200);
    t.equal(dl.body, 'quarterly numbers');
    t.equal(dl.headers['content-type'], 'text/plain');
    t.equal(dl.headers['content-disposition'], `attachment; filename="report.txt"; filename*=UTF-8''report.txt`);
    t.equal(dl.headers['x-content-type-options'], 'nosniff');
    t.match(String(dl.headers['content-security-policy']), /sandbox/);
    t.equal((await o.get(`/files/${file?.id}`)).statusCode, 200, 'its page');
    const activity = await db('activity').where({ groupId: group.id, kind: 'file.uploaded' }).first();
    t.equal(activity?.subjectLabel, 'report.txt', 'R-F1: "file uploaded" in the group\'s activity, with its name');
    await settle();
    t.same(tmpFiles(), [], 'nothing left in tmp');
  });

  t.test('the type comes from the content when it is recognised (a PNG named .txt)', async (t) => {
    const png = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');
    await uploadAs(m, `/groups/${group.id}/files`, { filename: 'pixel.txt', type: 'text/plain', data: png });
    const file = await latest();
    t.equal(file?.mimeType, 'image/png');
    t.equal((await m.get(`/files/${file?.id}/download`)).headers['content-type'], 'image/png');
  });

  t.test('names: path tricks, NUL, control characters, very long names and unicode are made safe', async (t) => {
    const cases: [string, (name: string) => boolean][] = [
      ['../../etc/passwd', (n) => n === 'passwd'],
      ['C:\\Users\\me\\secret.doc', (n) => n === 'secret.doc'],
      ['..', (n) => n === 'file'],
      ['bad\u0000name.txt', (n) => n === 'badname.txt'],
      ['tab\tand\u202Egpj.exe', (n) => n === 'tabandgpj.exe'],
      [`${'a'.repeat(300)}.pdf`, (n) => [...n].length === 255 && n.endsWith('.pdf')],
      [`${'日'.repeat(300)}`, (n) => [...n].length === 255],
      ['Résumé – 日本語 😀.pdf', (n) => n === 'Résumé – 日本語 😀.pdf'],
    ];
    for (const [raw, ok] of cases) {
      const res = await uploadAs(m, `/groups/${group.id}/files`, { filename: raw, ...text('x') });
      t.equal(res.statusCode, 303, `accepted: ${JSON.stringify(raw.slice(0, 30))}`);
      const file = await latest();
      t.ok(file && ok(file.name), `stored as ${JSON.stringify(file?.name.slice(0, 40))}`);
      t.match(file?.storageKey, KEY);
    }
    const unicode = await latest();
    const dl = await m.get(`/files/${unicode?.id}/download`);
    t.equal(dl.headers['content-disposition'], `attachment; filename="Resume _ ___ _.pdf"; filename*=UTF-8''R%C3%A9sum%C3%A9%20%E2%80%93%20%E6%97%A5%E6%9C%AC%E8%AA%9E%20%F0%9F%98%80.pdf`, 'RFC 5987 filename* and an ASCII fallback');
    t.notOk(stored().some((p) => /passwd|\.\./.test(p)), 'no name reaches the disk');
    t.ok(existsSync('/etc/passwd') && !existsSync(path.join(dataDir, 'etc')), 'nothing written outside the storage folder');
  });

  t.test('uploads above the configured limit answer 413 with a clear page and store nothing', async (t) => {
    await Settings.query(db).findById(1).patch({ uploadLimitMb: 1 });
    const before = (await DriveFile.query(db).resultSize()) as number;
    const res = await uploadAs(m, `/groups/${group.id}/files`, { filename: 'big.bin', type: 'application/octet-stream', data: Buffer.alloc(1024 * 1024 + 1) });
    t.equal(res.statusCode, 413);
    t.match(res.body, /<h1>That is too large<\/h1>/);
    t.match(res.body, /larger than the upload limit of 1 MB/);
    t.equal(await DriveFile.query(db).resultSize(), before, 'no row');
    await settle();
    t.same(tmpFiles(), [], 'the temporary file is gone');
    const exact = await uploadAs(m, `/groups/${group.id}/files`, { filename: 'exact.bin', type: 'application/octet-stream', data: Buffer.alloc(1024 * 1024) });
    t.equal(exact.statusCode, 303, 'exactly the limit is fine');
    await Settings.query(db).findById(1).patch({ uploadLimitMb: 100 });
    const page = await m.get(`/groups/${group.id}/files`);
    t.match(page.body, /Up to 100 MB/, 'the form names the limit');
  });

  t.test('empty files are kept; a form sent without a file is refused with 422', async (t) => {
    const empty = await uploadAs(m, `/groups/${group.id}/files`, { filename: 'empty.txt', ...text('') });
    t.equal(empty.statusCode, 303);
    const file = await latest();
    t.equal(Number(file?.size), 0);
    const dl = await m.get(`/files/${file?.id}/download`);
    t.equal(dl.statusCode, 200);
    t.equal(dl.body, '');
    const none = await uploadAs(m, `/groups/${group.id}/files`, { filename: '', type: 'application/octet-stream', data: Buffer.alloc(0) });
    t.equal(none.statusCode, 422);
    t.match(none.body, /<title>Error: /);
    t.match(none.body, /href="#file">Choose a file to upload/);
    const noPart = await uploadAs(m, `/groups/${group.id}/files`, undefined);
    t.equal(noPart.statusCode, 422);
    const urlencoded = await m.post(`/groups/${group.id}/files`, { file: 'not a file' });
    t.equal(urlencoded.statusCode, 422, 'a text field named "file" is not a file');
  });

  t.test("someone else's file: 404 for strangers, external users of other groups, and guessed ids", async (t) => {
    const file = await DriveFile.query(db).where({ groupId: group.id, name: 'report.txt' }).first();
    const own = await uploadAs(s, `/groups/${other.id}/files`, { filename: 'hidden.txt', ...text('secret') });
    t.equal(own.statusCode, 303);
    const hidden = await latest();
    for (const url of [`/files/${hidden?.id}`, `/files/${hidden?.id}/download`]) {
      t.equal((await m.get(url)).statusCode, 404, `member of another group: ${url}`);
      t.equal((await x.get(url)).statusCode, 404, `external user: ${url}`);
    }
    t.equal((await s.get(`/files/${file?.id}/download`)).statusCode, 404, 'an employee who is not a member (the group is visible to all)');
    t.equal((await s.get(`/groups/${group.id}/files`)).statusCode, 303, 'a visible group sends non-members to its About page');
    t.equal((await x.get(`/files/${file?.id}/download`)).statusCode, 200, 'an external member reads its group drive');
    for (const url of ['/files/999999', '/files/abc/download', '/files/0', '/files/-1', '/files/1e3', '/files/99999999999/download', '/folders/999999']) {
      t.equal((await m.get(url)).statusCode, 404, url);
    }
    const before = await DriveFile.query(db).findById(hidden!.id);
    t.equal((await m.post(`/files/${hidden?.id}/rename`, { name: 'mine now' })).statusCode, 404);
    t.equal((await m.post(`/files/${hidden?.id}/delete`)).statusCode, 404);
    t.same(await DriveFile.query(db).findById(hidden!.id), before, 'unchanged');
  });

  t.test('files_write = moderators: plain members cannot add or change files (R-G3)', async (t) => {
    await Group.query(db).findById(group.id).patch({ filesWrite: 'moderators' });
    const file = await DriveFile.query(db).where({ groupId: group.id, name: 'report.txt' }).first();
    const count = await DriveFile.query(db).resultSize();
    t.equal((await uploadAs(m, `/groups/${group.id}/files`, { filename: 'no.txt', ...text('x') })).statusCode, 403);
    t.equal((await m.post(`/groups/${group.id}/folders`, { name: 'Nope' })).statusCode, 403);
    t.equal((await m.post(`/files/${file?.id}/rename`, { name: 'renamed.txt' })).statusCode, 403);
    t.equal((await m.post(`/files/${file?.id}/delete`)).statusCode, 403);
    t.equal(await DriveFile.query(db).resultSize(), count);
    t.equal((await DriveFile.query(db).findById(file!.id))?.name, 'report.txt');
    t.notMatch((await m.get(`/groups/${group.id}/files`)).body, /Upload a file/, 'no upload form for them');
    t.equal((await m.get(`/files/${file?.id}/download`)).statusCode, 200, 'they still read');
    const mod = await signIn(app, moderator);
    await mod.get(`/groups/${group.id}/files`);
    t.equal((await uploadAs(mod, `/groups/${group.id}/files`, { filename: 'mod.txt', ...text('x') })).statusCode, 303, 'a moderator may');
    await Group.query(db).findById(group.id).patch({ filesWrite: 'members' });
  });

  t.test('folders: create, rename, move, delete (with what is inside, from disk too)', async (t) => {
    const create = await m.post(`/groups/${group.id}/folders`, { name: 'Plans' });
    t.equal(create.statusCode, 303);
    const plans = await Folder.query(db).where({ groupId: group.id, name: 'Plans' }).first();
    t.ok(plans);
    t.equal((await m.post(`/groups/${group.id}/folders`, { name: 'plans' })).statusCode, 422, 'sibling folders have distinct names');
    t.equal((await m.post(`/folders/${plans?.id}/folders`, { name: '2026' })).statusCode, 303);
    const y2026 = await Folder.query(db).where({ parentId: plans!.id }).first();
    await m.get(`/folders/${y2026?.id}`);
    t.equal((await uploadAs(m, `/folders/${y2026?.id}/files`, { filename: 'budget.txt', ...text('money') })).statusCode, 303);
    const budget = await latest();
    t.equal(budget?.folderId, y2026?.id);
    const inside = await m.get(`/folders/${y2026?.id}`);
    t.match(inside.body, /budget\.txt/);
    t.match(inside.body, /aria-label="Folder path"[\s\S]*Plans[\s\S]*2026/, 'the folder path');
    t.equal((await m.post(`/folders/${plans?.id}/move`, { folder: String(y2026?.id) })).statusCode, 422, 'not into a folder inside itself');
    t.equal((await m.post(`/folders/${plans?.id}/move`, { folder: String(plans?.id) })).statusCode, 422, 'not into itself');
    t.equal((await m.post(`/folders/${y2026?.id}/rename`, { name: 'Year 2026' })).statusCode, 303);
    t.equal((await Folder.query(db).findById(y2026!.id))?.name, 'Year 2026');
    const report = await DriveFile.query(db).where({ groupId: group.id, name: 'report.txt' }).first();
    t.equal((await m.post(`/files/${report?.id}/move`, { folder: String(plans?.id) })).statusCode, 303);
    t.equal((await DriveFile.query(db).findById(report!.id))?.folderId, plans?.id);
    t.equal((await m.post(`/files/${report?.id}/move`, { folder: '' })).statusCode, 303, 'back to the top');
    t.equal((await DriveFile.query(db).findById(report!.id))?.folderId, null);
    t.equal((await m.get(`/folders/${plans?.id}/edit`)).statusCode, 200);
    const key = budget!.storageKey;
    const del = await m.post(`/folders/${plans?.id}/delete`);
    t.equal(del.statusCode, 303);
    t.equal(del.headers.location, `/groups/${group.id}/files`);
    t.equal(await Folder.query(db).where({ groupId: group.id }).resultSize(), 0, 'the folder and the one inside are gone');
    t.notOk(await DriveFile.query(db).findById(budget!.id), 'and the file in it');
    t.notOk(stored().some((p) => p.endsWith(key)), 'its bytes left the disk');
  });

  t.test('my files: a personal drive is private to its owner', async (t) => {
    await m.get('/files');
    t.equal((await uploadAs(m, '/files', { filename: 'diary.txt', ...text('dear diary') })).statusCode, 303);
    const diary = await latest();
    t.equal(diary?.ownerId, member.id);
    t.equal(diary?.groupId, null);
    t.match((await m.get('/files')).body, /diary\.txt/);
    t.notMatch((await o.get('/files')).body, /diary\.txt/);
    t.equal((await o.get(`/files/${diary?.id}/download`)).statusCode, 404, 'not even the owner of a shared group');
    const admin = await makeUser(db, { isAdmin: true });
    const a = await signIn(app, admin);
    await a.get('/profile');
    await a.post('/profile/admin-mode', { mode: 'on' });
    t.equal((await a.get(`/files/${diary?.id}`)).statusCode, 404, 'nor an admin in admin mode');
    t.equal((await m.post('/files/folders', { name: 'Notes' })).statusCode, 303);
    const notes = await Folder.query(db).where({ ownerId: member.id, name: 'Notes' }).first();
    t.equal((await o.get(`/folders/${notes?.id}`)).statusCode, 404);
    t.equal((await uploadAs(o, `/folders/${notes?.id}/files`, { filename: 'intrude.txt', ...text('x') })).statusCode, 404, "no uploads into someone else's folder");
  });

  t.test('an archived group: download only (R-G7)', async (t) => {
    await Group.query(db).findById(group.id).patch({ archivedAt: new Date() });
    const file = await DriveFile.query(db).where({ groupId: group.id, name: 'report.txt' }).first();
    const count = await DriveFile.query(db).resultSize();
    t.equal((await uploadAs(o, `/groups/${group.id}/files`, { filename: 'late.txt', ...text('x') })).statusCode, 403, 'no upload, not even by the owner');
    t.equal((await o.post(`/groups/${group.id}/folders`, { name: 'Late' })).statusCode, 403);
    t.equal((await o.post(`/files/${file?.id}/rename`, { name: 'x.txt' })).statusCode, 403);
    t.equal((await o.post(`/files/${file?.id}/move`, { folder: '' })).statusCode, 403);
    t.equal((await o.post(`/files/${file?.id}/delete`)).statusCode, 403);
    t.equal((await o.post(`/files/${file?.id}/link`)).statusCode, 403, 'no new public link');
    t.equal(await DriveFile.query(db).resultSize(), count);
    t.equal((await m.get(`/files/${file?.id}/download`)).statusCode, 200, 'members still download');
    const page = await m.get(`/groups/${group.id}/files`);
    t.match(page.body, /archived/);
    t.notMatch(page.body, /Upload a file/);
    await Group.query(db).findById(group.id).patch({ archivedAt: null });
  });

  t.test('a files tool switched off answers 404 everywhere (R-G3)', async (t) => {
    await Group.query(db).findById(group.id).patch({ tools: ['feed', 'tasks', 'calendar', 'chat'] });
    const file = await DriveFile.query(db).where({ groupId: group.id, name: 'report.txt' }).first();
    for (const url of [`/groups/${group.id}/files`, `/files/${file?.id}`, `/files/${file?.id}/download`]) t.equal((await o.get(url)).statusCode, 404, url);
    t.equal((await uploadAs(o, `/groups/${group.id}/files`, { filename: 'off.txt', ...text('x') })).statusCode, 404);
    t.equal((await o.post(`/groups/${group.id}/folders`, { name: 'Off' })).statusCode, 404);
    t.notMatch((await o.get(`/groups/${group.id}`)).body, new RegExp(`href="/groups/${group.id}/files"`), "gone from the menu");
    await Group.query(db).findById(group.id).patch({ tools: ['feed', 'tasks', 'files', 'calendar', 'chat'] });
    t.match((await o.get(`/groups/${group.id}`)).body, new RegExp(`href="/groups/${group.id}/files"`), 'back in the menu');
  });

  t.test('deleting the group removes its files from disk (R-G8)', async (t) => {
    const keys = (await DriveFile.query(db).where({ groupId: group.id })).map((f) => f.storageKey);
    t.ok(keys.length > 3);
    t.ok(keys.every((k) => stored().some((p) => p.endsWith(k))));
    await o.get(`/groups/${group.id}/delete`);
    t.equal((await o.post(`/groups/${group.id}/delete`, { confirmName: 'Drive Team' })).statusCode, 303);
    t.equal(await DriveFile.query(db).where({ groupId: group.id }).resultSize(), 0);
    t.notOk(keys.some((k) => stored().some((p) => p.endsWith(k))), 'none of its files is left on disk');
    t.ok(stored().length > 0, "other drives' files stay");
  });
});

t.test('every drive listing posts its forms to routes that exist (issue 17: My files posted to /files/files)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db);
  const group = await makeGroup(db, owner, { tools: ['files'] });
  const o = await signIn(app, owner);
  await o.post(`/groups/${group.id}/folders`, { name: 'Inner' });
  const inner = await Folder.query(db).orderBy('id', 'desc').first();
  for (const listing of ['/files', `/groups/${group.id}/files`, `/folders/${inner?.id}`]) {
    const page = (await o.get(listing)).body;
    const upload = /<form method="post" action="([^"]+)" enctype="multipart\/form-data"/.exec(page)?.[1] ?? '';
    const res = await uploadAs(o, upload, { filename: 'from-the-form.txt', ...text('sent by the page') });
    t.equal(res.statusCode, 303, `${listing}: its upload form (${upload}) stores the file`);
    const folderAction = /action="([^"]+\/folders)"/.exec(page)?.[1] ?? '';
    t.equal((await o.post(folderAction, { name: `New ${listing.length}` })).statusCode, 303, `${listing}: its new-folder form (${folderAction}) works`);
  }
});
