// R-F2: uploads are streamed to disk, never held whole in memory. A separate app process receives
// one large upload over real HTTP while its peak resident memory (VmHWM) is read from /proc.
// `npm test` sends 64 MB; `ATRIUM_UPLOAD_BENCH_MB=1024 npm test -- test/http/upload-memory.test.ts
// --reporter=tap` sends 1 GB and prints the numbers as a comment. Either way the process must
// stay under 200 MB.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import t from 'tap';
import { DriveFile } from '../../src/models/file.js';
import { Settings } from '../../src/models/settings.js';
import { makeUser, PASSWORD, testDatabase } from '../helper.js';
import { makeGroup } from '../fixtures.js';

const SIZE_MB = Number(process.env.ATRIUM_UPLOAD_BENCH_MB ?? 64);
const LIMIT_MB = 200;

/** Resident memory of a process, now and at its peak, in MB (Linux). */
function memoryOf(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? 0);
  return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

function request(port: number, method: string, url: string, headers: Record<string, string | number>, body?: Readable | string): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, method, path: url, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text }));
    });
    req.on('error', reject);
    if (body instanceof Readable) body.pipe(req);
    else req.end(body);
  });
}

t.test(`uploading ${SIZE_MB} MB keeps the app under ${LIMIT_MB} MB of memory`, { skip: process.platform !== 'linux' ? 'reads /proc' : false, timeout: 600_000 }, async (t) => {
  const db = await testDatabase(t);
  const dbUrl = new URL(String(process.env.ATRIUM_TEST_ADMIN_URL));
  const { rows } = (await db.raw('select current_database() as name')) as { rows: { name: string }[] };
  dbUrl.pathname = `/${rows[0]?.name}`;
  const url = dbUrl.toString();
  const user = await makeUser(db, { email: 'bench@example.com' });
  const group = await makeGroup(db, user, { name: 'Bench' });
  await Settings.query(db).findById(1).patch({ uploadLimitMb: Math.max(SIZE_MB + 1, 100) });
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atrium-bench-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));

  // Measured as it runs in production: compiled JavaScript, not through tsx.
  const root = path.resolve(import.meta.dirname, '../..');
  const build = mkdtempSync(path.join(os.tmpdir(), 'atrium-bench-build-'));
  t.teardown(() => rmSync(build, { recursive: true, force: true }));
  // A clean environment: none of tap's loaders run inside the measured process. (tap puts its
  // loader back into NODE_OPTIONS of every child it sees spawned, so `env -u` takes it out.)
  const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOME: process.env.HOME };
  const clean = (args: string[]) => ['-u', 'NODE_OPTIONS', process.execPath, ...args];
  const compiled = spawnSync('env', clean([path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', path.join(root, 'tsconfig.build.json'), '--outDir', path.join(build, 'dist')]), { encoding: 'utf8', env });
  t.ok(existsSync(path.join(build, 'dist', 'src', 'app.js')), `compiled ${compiled.stdout.slice(0, 500)}`);
  for (const dir of ['views', 'public', 'node_modules']) symlinkSync(path.join(root, dir), path.join(build, dir));
  const child = spawn('env', clean([path.join(root, 'test', 'bench', 'upload-server.mjs')]), {
    env: { ...env, ATRIUM_BENCH_DATABASE_URL: url, ATRIUM_BENCH_DIST: path.join(build, 'dist'), DATA_DIR: dataDir },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  t.teardown(() => {
    child.kill('SIGTERM');
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on('exit', (code) => reject(new Error(`app exited with ${code}: ${err.slice(0, 2000)}`)));
  });
  const pid = child.pid!;

  // Sign in over HTTP, as a browser would.
  const cookieOf = (h: http.IncomingHttpHeaders) => String(h['set-cookie']?.[0] ?? '').split(';')[0] ?? '';
  const loginPage = await request(port, 'GET', '/login', {});
  const csrf1 = /name="_csrf" value="([^"]+)"/.exec(loginPage.body)?.[1] ?? '';
  const form = new URLSearchParams({ _csrf: csrf1, email: user.email, password: PASSWORD }).toString();
  const login = await request(port, 'POST', '/login', { cookie: cookieOf(loginPage.headers), 'content-type': 'application/x-www-form-urlencoded', 'content-length': Buffer.byteLength(form) }, form);
  t.equal(login.status, 303, 'signed in');
  const cookie = cookieOf(login.headers);
  const drive = await request(port, 'GET', `/groups/${group.id}/files`, { cookie });
  const csrf = /name="_csrf" value="([^"]+)"/.exec(drive.body)?.[1] ?? '';
  t.ok(csrf);

  const lifetime = memoryOf(pid).peak;
  // Reset the high-water mark (Linux clear_refs "5"), so the peak is the upload's own; the
  // sign-in before it hashes with argon2id (64 MB) and would otherwise be the peak.
  let reset = true;
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
  } catch {
    reset = false;
  }
  const before = memoryOf(pid);
  const boundary = '----atriumbench';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const total = SIZE_MB * 1024 * 1024;
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  // Generated as it is sent: the test never holds the file either.
  async function* body() {
    yield head;
    for (let sent = 0; sent < total; sent += chunk.length) yield sent + chunk.length <= total ? chunk : chunk.subarray(0, total - sent);
    yield tail;
  }
  let sampled = before.rss;
  const sampler = setInterval(() => {
    sampled = Math.max(sampled, memoryOf(pid).rss);
  }, 50);
  const started = Date.now();
  const res = await request(port, 'POST', `/groups/${group.id}/files`, { cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': head.length + total + tail.length }, Readable.from(body()));
  clearInterval(sampler);
  const seconds = (Date.now() - started) / 1000;
  const after = memoryOf(pid);
  t.equal(res.status, 303, 'uploaded');
  const file = await DriveFile.query(db).where({ groupId: group.id }).first();
  t.equal(Number(file?.size), total, 'every byte arrived');
  t.equal(statSync(path.join(dataDir, 'files', file!.storageKey.slice(0, 2), file!.storageKey)).size, total, 'and is on disk');
  const report = `upload of ${SIZE_MB} MB in ${seconds.toFixed(1)} s: app RSS ${before.rss.toFixed(0)} MB before, peak ${after.peak.toFixed(0)} MB during the upload (VmHWM${reset ? '' : ' since start'}; sampled max ${sampled.toFixed(0)} MB); peak since start before the upload ${lifetime.toFixed(0)} MB`;
  t.comment(report);
  t.ok(after.peak < LIMIT_MB, `peak RSS ${after.peak.toFixed(0)} MB < ${LIMIT_MB} MB`);
  t.ok(Math.max(after.peak, lifetime) < LIMIT_MB, `and since the process started (${Math.max(after.peak, lifetime).toFixed(0)} MB)`);
});
