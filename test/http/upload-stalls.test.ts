// R-F2: uploads that never finish. Real HTTP on a listening app: a body announced larger than the
// limit is refused before it is read, a body that trickles in is cut off, an aborted upload leaves
// no temporary file, and temporary files left by a crash are swept when the app starts.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { sweepStaleUploads } from '../../src/plugins/uploads.js';
import { makeUser, signIn, testDatabase } from '../helper.js';
import { uploadAs } from '../multipart.js';

const BOUNDARY = '----atriumstall';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface RawAnswer {
  status: number | null;
  /** Milliseconds from the request's start to the status line, and to the server closing the connection. */
  answeredMs: number | null;
  closedMs: number | null;
}

/** An HTTP request written by hand, so the test decides when (and whether) each byte of the body goes. */
function rawUpload(port: number, cookie: string, contentLength: number): { socket: Socket; answer: (giveUpMs: number) => Promise<RawAnswer> } {
  const started = Date.now();
  const socket = connect(port, '127.0.0.1');
  socket.setNoDelay(true);
  let text = '';
  let status: number | null = null;
  let answeredMs: number | null = null;
  let closedMs: number | null = null;
  socket.on('data', (chunk: Buffer) => {
    text += chunk.toString('latin1');
    const m = /^HTTP\/1\.1 (\d{3})/.exec(text);
    if (m && status === null) {
      status = Number(m[1]);
      answeredMs = Date.now() - started;
    }
  });
  socket.on('error', () => {});
  socket.on('close', () => {
    closedMs = Date.now() - started;
  });
  socket.write(
    `POST /files HTTP/1.1\r\nHost: 127.0.0.1\r\nCookie: ${cookie}\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: ${contentLength}\r\n\r\n` +
      `--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const answer = async (giveUpMs: number) => {
    for (let waited = 0; waited < giveUpMs && closedMs === null; waited += 50) await sleep(50);
    return { status, answeredMs, closedMs };
  };
  return { socket, answer };
}

t.test('stalled and aborted uploads (R-F2)', async (t) => {
  const db = await testDatabase(t);
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atrium-stalls-'));
  t.teardown(() => rmSync(dataDir, { recursive: true, force: true }));
  const tmpDir = path.join(dataDir, 'tmp');
  mkdirSync(tmpDir, { recursive: true });
  // Left behind by a process that died mid-upload two hours ago, and one being written right now.
  const stale = path.join(tmpDir, '0b7c2d6e-6f1a-4a4e-9a57-2f1e8c1d0a11');
  const fresh = path.join(tmpDir, '5d1e0c3a-1b2c-4d5e-8f90-a1b2c3d4e5f6');
  writeFileSync(stale, 'half an upload');
  writeFileSync(fresh, 'an upload in progress');
  const twoHoursAgo = new Date(Date.now() - 2 * 60 * 60 * 1000);
  utimesSync(stale, twoHoursAgo, twoHoursAgo);

  const config = loadConfig({ ...process.env, DATABASE_URL: 'postgres://unused/x', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  // The production window is 30 s at 1 KiB/s on average; half a second keeps the test short.
  const app = await buildApp({ config, db, bodyRate: { windowMs: 500, minBytes: 1024 } });
  await app.listen({ host: '127.0.0.1', port: 0 });
  t.teardown(() => app.close());
  const port = (app.server.address() as { port: number }).port;

  t.test('temporary files older than an hour are swept at start; newer ones are left alone', async (t) => {
    t.notOk(existsSync(stale), 'the stale one is gone');
    t.ok(existsSync(fresh), 'the fresh one stays');
    utimesSync(fresh, twoHoursAgo, twoHoursAgo);
    t.equal(await sweepStaleUploads(tmpDir), 1, 'the periodic sweep removes it once it is stale');
    t.notOk(existsSync(fresh));
  });

  const user = await makeUser(db);
  const client = await signIn(app, user);
  await client.get('/files');

  t.test('a body announced larger than the limit: 413 at once, connection closed', async (t) => {
    const { socket, answer } = rawUpload(port, client.sessionCookie, 2 * 1024 * 1024 * 1024);
    const res = await answer(5000);
    socket.destroy();
    t.equal(res.status, 413, '413 Payload Too Large');
    t.ok(res.answeredMs !== null && res.answeredMs < 2000, `answered in ${res.answeredMs} ms, before any body`);
    t.ok(res.closedMs !== null && res.closedMs < 3000, `the server closed the connection after ${res.closedMs} ms`);
    t.same(readdirSync(tmpDir), [], 'nothing written');
  });

  t.test('a body that trickles in (1 byte every 200 ms) is cut off with 408', async (t) => {
    const { socket, answer } = rawUpload(port, client.sessionCookie, 1024 * 1024);
    const drip = setInterval(() => socket.writable && socket.write('x'), 200);
    const res = await answer(5000);
    clearInterval(drip);
    socket.destroy();
    t.equal(res.status, 408, '408 Request Timeout');
    t.ok(res.closedMs !== null && res.closedMs < 3500, `the server closed the connection after ${res.closedMs} ms`);
    await sleep(200);
    t.same(readdirSync(tmpDir), [], 'its temporary file is deleted');
  });

  t.test('a form body that trickles in is cut off the same way', async (t) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => {});
    let head = '';
    socket.on('data', (chunk: Buffer) => (head += chunk.toString('latin1')));
    const closed = new Promise<number>((resolve) => socket.on('close', () => resolve(Date.now() - started)));
    socket.write('POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 500\r\n\r\nemail=');
    const drip = setInterval(() => socket.writable && socket.write('a'), 200);
    const ms = await Promise.race([closed, sleep(5000).then(() => null)]);
    clearInterval(drip);
    socket.destroy();
    t.match(head, /^HTTP\/1\.1 408/, '408');
    t.ok(ms !== null && ms < 3500, `closed after ${ms} ms`);
  });

  t.test('an upload aborted half-way leaves no temporary file', async (t) => {
    const { socket } = rawUpload(port, client.sessionCookie, 10 * 1024 * 1024);
    socket.write(Buffer.alloc(5 * 1024 * 1024, 1));
    let partial = 0;
    for (let i = 0; i < 100 && partial < 1024 * 1024; i++) {
      await sleep(20);
      const [name] = readdirSync(tmpDir);
      partial = name ? statSync(path.join(tmpDir, name)).size : 0;
    }
    t.ok(partial >= 1024 * 1024, `a partial file was being written (${partial} bytes)`);
    socket.destroy();
    t.same(await filesLeftAfter(tmpDir, 40), [], 'deleted when the client went away');
  });

  t.test('many uploads aborted at once, early and late, leave no temporary file', async (t) => {
    const sockets = Array.from({ length: 40 }, (_, i) => {
      const { socket } = rawUpload(port, client.sessionCookie, 10 * 1024 * 1024);
      socket.write(Buffer.alloc((i % 8) * 32 * 1024, 1));
      return socket;
    });
    await sleep(20);
    for (const socket of sockets) socket.destroy();
    t.same(await filesLeftAfter(tmpDir, 60), [], 'none left');
  });

  t.test('the app still serves normal uploads afterwards', async (t) => {
    const res = await uploadAs(client, '/files', { filename: 'fine.txt', type: 'text/plain', data: Buffer.from('fine') });
    t.equal(res.statusCode, 303);
  });
});

/** What is still in `dir` once it is empty, or after `tries` looks 50 ms apart. */
async function filesLeftAfter(dir: string, tries: number): Promise<string[]> {
  let left = readdirSync(dir);
  for (let i = 0; i < tries && left.length > 0; i++) {
    await sleep(50);
    left = readdirSync(dir);
  }
  return left;
}
