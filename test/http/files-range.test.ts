// R-F2: downloads and public links answer byte ranges (resumable downloads, seeking in media)
// and conditional requests, with the attachment headers kept on every answer.
import t from 'tap';
import { DriveFile } from '../../src/models/file.js';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { uploadAs } from '../multipart.js';

const BODY = '0123456789abcdefghijklmnopqrstuvwxyz';

t.test('downloads and public links honour Range, If-Range and If-None-Match (R-F2)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db);
  const group = await makeGroup(db, owner, { name: 'Rangers' });
  const o = await signIn(app, owner);
  await o.get(`/groups/${group.id}/files`);
  await uploadAs(o, `/groups/${group.id}/files`, { filename: 'Straße clip.txt', type: 'text/plain', data: Buffer.from(BODY) });
  const file = (await DriveFile.query(db).orderBy('id', 'desc').first())!;
  await o.post(`/files/${file.id}/link`);
  const token = /id="new-link" type="url" value="[^"]+\/s\/([^"]+)"/.exec((await o.get(`/files/${file.id}`)).body)?.[1];
  t.ok(token, 'a public link');

  const size = BODY.length;
  const byUrl = {
    download: (headers: Record<string, string>) => o.get(`/files/${file.id}/download`, headers),
    'public link': (headers: Record<string, string>) => app.inject({ method: 'GET', url: `/s/${token}`, headers }),
  };

  for (const [name, get] of Object.entries(byUrl)) {
    t.test(name, async (t) => {
      const full = await get({});
      t.equal(full.statusCode, 200);
      t.equal(full.body, BODY);
      t.equal(full.headers['accept-ranges'], 'bytes', 'ranges are announced');
      const etag = String(full.headers.etag ?? '');
      t.match(etag, /^(W\/)?"[^"]+"$/, 'an ETag');
      t.ok(full.headers['last-modified'] && !Number.isNaN(Date.parse(String(full.headers['last-modified']))), 'a Last-Modified date');

      const cases: [string, number, string, string | undefined][] = [
        ['bytes=0-9', 206, BODY.slice(0, 10), `bytes 0-9/${size}`],
        ['bytes=10-', 206, BODY.slice(10), `bytes 10-${size - 1}/${size}`],
        ['bytes=-6', 206, BODY.slice(-6), `bytes ${size - 6}-${size - 1}/${size}`],
        ['bytes=30-1000', 206, BODY.slice(30), `bytes 30-${size - 1}/${size}`],
        [`bytes=${size}-`, 416, '', `bytes */${size}`],
        ['bytes=500-600', 416, '', `bytes */${size}`],
        // A server may ignore ranges it does not serve: several ranges, or nonsense, get the whole file.
        ['bytes=0-1,5-6', 200, BODY, undefined],
        ['lines=1-2', 200, BODY, undefined],
      ];
      for (const [range, status, body, contentRange] of cases) {
        const res = await get({ range });
        t.equal(res.statusCode, status, `${range}: ${status}`);
        t.equal(res.headers['content-range'], contentRange, `${range}: Content-Range`);
        if (status !== 416) {
          t.equal(res.body, body, `${range}: the bytes asked for`);
          t.equal(Number(res.headers['content-length']), Buffer.byteLength(body), `${range}: Content-Length`);
        }
        t.match(String(res.headers['content-disposition']), /^attachment; filename="Stra_e clip.txt"; filename\*=UTF-8''Stra%C3%9Fe%20clip.txt$/, `${range}: still an attachment, RFC 5987 name`);
        t.equal(res.headers['x-content-type-options'], 'nosniff');
        t.match(String(res.headers['content-security-policy']), /sandbox/);
      }

      const resumed = await get({ range: 'bytes=20-', 'if-range': etag });
      t.equal(resumed.statusCode, 206, 'If-Range with the current ETag: the rest');
      t.equal(resumed.body, BODY.slice(20));
      const changed = await get({ range: 'bytes=20-', 'if-range': '"something-else"' });
      t.equal(changed.statusCode, 200, 'If-Range with another ETag: the whole file again');
      t.equal(changed.body, BODY);

      const notModified = await get({ 'if-none-match': etag });
      t.equal(notModified.statusCode, 304, 'If-None-Match with the current ETag: 304');
      t.equal(notModified.body, '');
      t.equal((await get({ 'if-none-match': '"other"' })).statusCode, 200, 'another ETag: 200');

      const head = await app.inject({ method: 'HEAD', url: name === 'download' ? `/files/${file.id}/download` : `/s/${token}`, headers: { cookie: o.sessionCookie, range: 'bytes=0-3' } });
      t.equal(head.statusCode, 206, 'HEAD with a range');
      t.equal(head.body, '');
    });
  }

  t.test('a range on a file one may not see is still a 404', async (t) => {
    const stranger = await signIn(app, await makeUser(db));
    t.equal((await stranger.get(`/files/${file.id}/download`, { range: 'bytes=0-3' })).statusCode, 404);
    t.equal((await app.inject({ method: 'GET', url: '/s/unknown-token', headers: { range: 'bytes=0-3' } })).statusCode, 404);
  });
});
