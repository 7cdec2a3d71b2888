// Issue 14, defects 0 and 1: what follows sign-in is a local path of this site, and no header
// value built from input can end the process (R-U1: sign-in; STACK-NOTES "A header value with
// CR or LF ends the process").
import t from 'tap';
import { safeNext } from '../../src/lib/safe-next.js';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { build, makeUser, PASSWORD, testDatabase } from '../helper.js';

const PUBLIC_URL = 'http://127.0.0.1:3000';
/** A label TAP can print: every character outside printable ASCII as \\uXXXX. */
const visible = (s: string) => s.replace(/[^\x21-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

t.test('safeNext keeps local paths and refuses everything else', async (t) => {
  const kept: [string, string][] = [
    ['/', '/'],
    ['/tasks', '/tasks'],
    ['/tasks?status=open&page=2', '/tasks?status=open&page=2'],
    ['/groups/4#post-9', '/groups/4#post-9'],
    ['/search?q=caf%C3%A9', '/search?q=caf%C3%A9'],
  ];
  for (const [raw, expected] of kept) t.equal(safeNext(raw, PUBLIC_URL), expected, `kept: ${raw}`);
  const refused = [
    '/\t/evil.test',
    '/\r/x',
    '/\n/evil.test',
    '/\r\n/x',
    '/\u0000x',
    '/\u007fx',
    '/\u0085x',
    '/\u2028x',
    '//evil.test',
    '/\\evil.test',
    '\\\\evil.test',
    '/%2F%2Fevil.test',
    '/%2f/evil.test',
    '/%5Cevil.test',
    '/%09/evil.test',
    '/%0D%0Ax',
    '/%00',
    'https://evil.test/',
    'http://127.0.0.1:3000.evil.test/',
    'javascript:alert(1)',
    'data:text/html,x',
    'evil.test',
    '',
    '/' + 'a'.repeat(2100),
  ];
  for (const raw of refused) t.equal(safeNext(raw, PUBLIC_URL), '/', `refused: ${visible(raw.slice(0, 40))}`);
  t.equal(safeNext(['/tasks'], PUBLIC_URL), '/', 'a list is refused');
  t.equal(safeNext(undefined, PUBLIC_URL), '/', 'nothing gives home');
});

t.test('a sign-in with a control character in next neither crashes nor redirects away (real HTTP)', async (t) => {
  const { app, db } = await build(t);
  const user = await makeUser(db);
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const base = `http://127.0.0.1:${address.port}`;

  for (const next of ['%2F%0D%2Fx', '%2F%09%2Fevil.test', '%2F%0A%2Fevil.test', '%2F%00x', '%2F%5Cevil.test', '%2F%2F%2Fevil.test']) {
    const page = await fetch(`${base}/login?next=${next}`);
    const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
    const html = await page.text();
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)?.[1] ?? '';
    const hidden = /name="next" value="([^"]*)"/.exec(html)?.[1] ?? '';
    t.equal(hidden, '/', `next=${next}: the form carries home, not the raw value`);
    // Post the raw value as a crafted form would, bypassing the page's own hidden field.
    const body = new URLSearchParams({ _csrf: csrf, email: user.email, password: PASSWORD, next: decodeURIComponent(next) });
    const res = await fetch(`${base}/login`, { method: 'POST', body, headers: { cookie }, redirect: 'manual' });
    t.equal(res.status, 303, `next=${next}: signed in`);
    t.equal(res.headers.get('location'), '/', `next=${next}: sent home`);
    const alive = await fetch(`${base}/healthz`);
    t.equal(alive.status, 200, `next=${next}: the process still answers`);
  }
});

t.test('a reply whose header value is invalid answers 500, and the process keeps answering', async (t) => {
  const db = await testDatabase(t);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atrium-data-'));
  const config = loadConfig({ ...process.env, DATABASE_URL: 'postgres://unused/x', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const app = await buildApp({ config, db });
  // A handler that forgets to check what it puts in a header: the class of defect 0.
  app.get('/test/bad-header', { config: { access: 'public' } }, async (request, reply) => {
    const raw = (request.query as { v?: string }).v ?? '';
    return reply.header('X-Echo', raw).redirect(`/${raw}`, 303);
  });
  await app.listen({ port: 0, host: '127.0.0.1' });
  t.teardown(async () => {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  const base = `http://127.0.0.1:${address.port}`;
  // A session exists, so the reply is written from the session store's save callback.
  const user = await makeUser(db);
  const page = await fetch(`${base}/login`);
  const cookie = (page.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const signedIn = await fetch(`${base}/login`, { method: 'POST', body: new URLSearchParams({ _csrf: csrf, email: user.email, password: PASSWORD }), headers: { cookie }, redirect: 'manual' });
  const session = (signedIn.headers.get('set-cookie') ?? '').split(';')[0] ?? '';
  for (const v of ['%0D%0ASet-Cookie:%20x=1', '%0Ax', '%00', '%09ok']) {
    for (const headers of [{} as Record<string, string>, { cookie: session }]) {
      const res = await fetch(`${base}/test/bad-header?v=${v}`, { headers, redirect: 'manual' });
      if (v === '%09ok') t.ok(res.status === 303, 'a tab is a legal header character: the reply goes out');
      else t.equal(res.status, 500, `v=${v}: refused with 500`);
      t.notOk((res.headers.get('set-cookie') ?? '').includes('x=1'), `v=${v}: nothing injected`);
      const alive = await fetch(`${base}/healthz`);
      t.equal(alive.status, 200, `v=${v}: the process still answers`);
    }
  }
});
