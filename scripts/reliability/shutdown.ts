// Graceful shutdown of the production build on the embedded PostgreSQL: SIGTERM while an upload
// is still arriving and page requests are in flight. Every in-flight request completes, new
// connections are refused, the process exits within 10 s, what was committed is there after a
// restart, and the embedded server stops cleanly and starts again.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { connect } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { runningServer } from '../../src/db/embedded.js';
import type { Checks } from './check.js';
import { Browser, send } from './client.js';
import { childEnv, freePort, root, sleep, startServer } from './server.js';

const EMAIL = 'shutdown@example.com';
const PASSWORD = 'shutdown-password-1';

/** A multipart upload sent slowly: `chunks` pieces of 64 KiB, one every `everyMs`. */
function trickleUpload(base: string, cookie: string, csrf: string, filename: string, chunks: number, everyMs: number): Promise<string> {
  const boundary = '----atriumshutdown';
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${csrf}\r\n--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: application/octet-stream\r\n\r\n`);
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  const chunk = Buffer.alloc(64 * 1024, 0x61);
  const length = head.length + chunks * chunk.length + tail.length;
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}/files`, { method: 'POST', agent: false, headers: { cookie, 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(length) } }, (res) => {
      res.resume();
      res.on('end', () => resolve(`${res.statusCode ?? 0} ${res.headers.location ?? ''}`.trim()));
    });
    req.on('error', reject);
    req.write(head);
    let sent = 0;
    const timer = setInterval(() => {
      req.write(chunk);
      if (++sent === chunks) {
        clearInterval(timer);
        req.end(tail);
      }
    }, everyMs);
  });
}

function connectionRefused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => resolve(err.code === 'ECONNREFUSED'));
  });
}

export async function shutdownCheck(checks: Checks): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'atrium-shutdown-'));
  chmodSync(tmp, 0o755);
  const dataDir = path.join(tmp, 'data');
  const port = await freePort();
  const env = { DATABASE_URL: undefined, DATA_DIR: dataDir, EMBEDDED_PG_PORT: String(await freePort()) };
  let server = await startServer(env, port);
  try {
    const cli = spawnSync(process.execPath, ['dist/src/cli/index.js', 'user:create', '--email', EMAIL, '--name', 'Shut Down', '--password', PASSWORD], { cwd: root, env: childEnv(env), encoding: 'utf8' });
    checks.ok(cli.status === 0, 'the CLI shares the running embedded server (user:create)', cli.stderr.trim());
    const b = new Browser(server.base);
    checks.ok((await b.login(EMAIL, PASSWORD)).status === 303, 'signed in');
    await b.get('/files');

    const upload = trickleUpload(server.base, b.cookie, b.csrf, 'in-flight.bin', 24, 125);
    await sleep(600);
    // Page requests racing the signal: each either completes (200) or is refused before the app read
    // it (connection refused, reset while still in the accept queue, or fastify's 503 while closing);
    // none is cut off once its response began, none fails with a 500.
    const pages = Array.from({ length: 20 }, (_v, i) =>
      sleep(i * 5).then(() => send(`${server.base}/tasks`, { headers: { cookie: b.cookie } }).then((r) => String(r.status), (e: NodeJS.ErrnoException) => e.code ?? 'error')),
    );
    await sleep(50);
    const stopping = server.stop('SIGTERM');
    await sleep(150);
    const refused = await connectionRefused(port);
    const uploadStatus = await upload.catch((e: NodeJS.ErrnoException) => e.code ?? 'error');
    const pageStatuses = await Promise.all(pages);
    const { code, ms } = await stopping;
    checks.ok(refused, 'a new connection after SIGTERM is refused');
    checks.ok(/^303 \/files/.test(uploadStatus), 'the upload in flight (still arriving at SIGTERM, ~3 s long) completed', `status ${uploadStatus}`);
    const served = pageStatuses.filter((s) => s === '200').length;
    checks.ok(pageStatuses.every((s) => s === '200' || s === '503' || s === 'ECONNREFUSED' || s === 'ECONNRESET'), '20 page requests racing SIGTERM: each served (200) or refused before it was read; none cut off or 500', pageStatuses.join(','));
    checks.ok(code === 0 && ms < 10_000, 'the process exits 0 within 10 s', `exit ${code} after ${ms} ms`);
    checks.figure(`graceful shutdown: exit ${code} ${ms} ms after SIGTERM; upload in flight ${uploadStatus}; racing pages: ${served} served, ${pageStatuses.length - served} refused, 0 cut off`);
    checks.ok(runningServer(path.join(dataDir, 'pg')) === null, 'the embedded PostgreSQL stopped with it');

    const restartAt = Date.now();
    server = await startServer(env, port);
    checks.figure(`restart on the same DATA_DIR: healthy in ${Date.now() - restartAt} ms`);
    const again = new Browser(server.base);
    checks.ok((await again.login(EMAIL, PASSWORD)).status === 303, 'after the restart the user signs in');
    checks.ok((await again.get('/files')).body.includes('in-flight.bin'), 'the upload committed during shutdown is there');
    const second = await server.stop('SIGTERM');
    checks.ok(second.code === 0 && second.ms < 10_000 && runningServer(path.join(dataDir, 'pg')) === null, 'second shutdown clean too', `${second.ms} ms`);
  } finally {
    await server.stop('SIGKILL').catch(() => {});
    const orphan = runningServer(path.join(dataDir, 'pg'));
    if (orphan) process.kill(orphan.pid, 'SIGINT');
    rmSync(tmp, { recursive: true, force: true });
  }
}
