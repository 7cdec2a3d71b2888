import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { Group } from '../../src/models/group.js';
import { build, makeUser, signIn, type Client } from '../helper.js';
import { makeGroup } from '../fixtures.js';

// A real 1×1 PNG.
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

function multipart(fields: Record<string, string>, file?: { name: string; filename: string; type: string; data: Buffer }) {
  const boundary = '----atriumtest';
  const parts: Buffer[] = [];
  for (const [k, v] of Object.entries(fields)) parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${k}"\r\n\r\n${v}\r\n`));
  if (file) {
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${file.name}"; filename="${file.filename}"\r\nContent-Type: ${file.type}\r\n\r\n`));
    parts.push(file.data, Buffer.from('\r\n'));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { payload: Buffer.concat(parts), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } };
}

async function upload(c: Client, url: string, file: { filename: string; type: string; data: Buffer } | undefined, csrf: string | null = c.csrf) {
  const { payload, headers } = multipart(csrf === null ? {} : { _csrf: csrf }, file && { name: 'image', ...file });
  return c.app.inject({ method: 'POST', url, payload, headers: { ...headers, cookie: c.sessionCookie } });
}

t.test('group image (R-G3): checked by content, size-limited, served to those who see the group', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db);
  const member = await makeUser(db);
  const stranger = await makeUser(db);
  const group = await makeGroup(db, owner, { name: 'Pictured' }, [[member]]);
  const o = await signIn(app, owner);
  await o.get(`/groups/${group.id}/edit`);
  const dataDir = app.config.dataDir;
  const tmpFiles = () => readdirSync(path.join(dataDir, 'tmp'));

  t.test('a PNG is accepted whatever its name says', async (t) => {
    const res = await upload(o, `/groups/${group.id}/image`, { filename: 'photo.txt', type: 'text/plain', data: PNG });
    t.equal(res.statusCode, 303);
    const g = await Group.query(db).findById(group.id);
    t.equal(g?.imageType, 'image/png');
    t.ok(g?.imageKey && existsSync(path.join(dataDir, 'group-images', g.imageKey)), 'stored under a generated key');
    const img = await o.get(`/groups/${group.id}/image`);
    t.equal(img.statusCode, 200);
    t.equal(img.headers['content-type'], 'image/png');
    t.same(img.rawPayload, PNG);
    t.equal((await (await signIn(app, member)).get(`/groups/${group.id}/image`)).statusCode, 200, 'members see it');
    t.equal((await (await signIn(app, stranger)).get(`/groups/${group.id}/image`)).statusCode, 404, 'a hidden group\'s image is not there for others');
  });

  t.test('refusals: not an image, empty, too large, missing CSRF, a member who cannot edit', async (t) => {
    const before = (await Group.query(db).findById(group.id))?.imageKey;
    const html = await upload(o, `/groups/${group.id}/image`, { filename: 'evil.png', type: 'image/png', data: Buffer.from('<script>alert(1)</script>') });
    t.equal(html.statusCode, 303);
    t.match((await o.get(`/groups/${group.id}/edit`)).body, /must be a PNG, JPEG, WebP or GIF image/);
    const empty = await upload(o, `/groups/${group.id}/image`, { filename: 'empty.png', type: 'image/png', data: Buffer.alloc(0) });
    t.equal(empty.statusCode, 303);
    t.match((await o.get(`/groups/${group.id}/edit`)).body, /Choose an image file/);
    const big = await upload(o, `/groups/${group.id}/image`, { filename: 'big.png', type: 'image/png', data: Buffer.concat([PNG, Buffer.alloc(2 * 1024 * 1024)]) });
    t.equal(big.statusCode, 413);
    t.match(big.body, /That is too large/);
    await o.get(`/groups/${group.id}/edit`);
    const noCsrf = await upload(o, `/groups/${group.id}/image`, { filename: 'a.png', type: 'image/png', data: PNG }, null);
    t.equal(noCsrf.statusCode, 403);
    const m = await signIn(app, member);
    const byMember = await upload(m, `/groups/${group.id}/image`, { filename: 'a.png', type: 'image/png', data: PNG });
    t.equal(byMember.statusCode, 403);
    t.equal((await Group.query(db).findById(group.id))?.imageKey, before, 'nothing changed');
    // onResponse cleanup runs just after the response is sent.
    for (let i = 0; i < 20 && tmpFiles().length > 0; i++) await new Promise((r) => setTimeout(r, 50));
    t.same(tmpFiles(), [], 'no temporary file is left behind');
  });

  t.test('deleting the group removes the image from disk (R-G8)', async (t) => {
    const key = (await Group.query(db).findById(group.id))?.imageKey;
    t.ok(key);
    await o.get(`/groups/${group.id}/delete`);
    t.equal((await o.post(`/groups/${group.id}/delete`, { confirmName: 'Pictured' })).statusCode, 303);
    t.notOk(existsSync(path.join(dataDir, 'group-images', String(key))));
  });
});
