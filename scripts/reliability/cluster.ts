// Two app processes on different ports against one database, behind Debian's nginx running
// deploy/nginx.conf: a session made on one works on the other, a write on one is seen on the
// other, the sign-in throttle and the chat are shared, TRUST_PROXY is honoured (Secure cookie,
// real client address), and one process going away does not interrupt service. The overload
// check runs against this set-up too.
import { randomBytes } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Checks } from './check.js';
import { backupCliCheck } from './backup-cli.js';
import { Browser, send } from './client.js';
import { query, sharedDatabase } from './database.js';
import { startNginx, type Nginx } from './nginx.js';
import { overloadCheck } from './overload.js';
import { childEnv, freePort, root, startServer, workerPids, type Running } from './server.js';

const PASSWORD = 'atrium-demo-1';
const groupForm = {
  description: 'Made on one process',
  kind: 'workgroup',
  visibleToAll: 'on',
  whoCanInvite: 'moderators',
  tools: 'chat',
  filesWrite: 'members',
  calendarWrite: 'moderators',
};

function cli(env: Record<string, string | undefined>, ...args: string[]): void {
  const run = spawnSync(process.execPath, ['dist/src/cli/index.js', ...args], { cwd: root, env: childEnv(env), encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`cli ${args.join(' ')} failed: ${run.stderr}`);
}

export async function clusterCheck(checks: Checks): Promise<void> {
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'atrium-cluster-'));
  chmodSync(tmp, 0o755);
  const db = await sharedDatabase();
  // One worker each: two servers on two cores, and the overload below measures one worker.
  const env = { DATABASE_URL: db.url, TRUST_PROXY: 'true', SESSION_SECRET: randomBytes(32).toString('hex'), DATA_DIR: path.join(tmp, 'data'), WEB_CONCURRENCY: '1' };
  const servers: Running[] = [];
  let nginx: Nginx | null = null;
  try {
    const [portA, portB] = [await freePort(), await freePort()];
    const a = await startServer(env, portA);
    servers.push(a);
    const b = await startServer(env, portB);
    servers.push(b);
    cli(env, 'seed');
    nginx = await startNginx(path.join(tmp, 'nginx'), { http: await freePort(), https: await freePort(), upstreams: [portA, portB] });

    // Through nginx: TLS, the redirect, both processes answering one session.
    const redirect = await send(`${nginx.http}/login`);
    checks.ok(redirect.status === 301 && String(redirect.headers.location).startsWith('https://'), 'plain HTTP is sent to HTTPS');
    const viaProxy = new Browser(nginx.https);
    const signedIn = await viaProxy.login('emma@example.com', PASSWORD);
    checks.ok(signedIn.status === 303, 'signed in through nginx (HTTPS)');
    checks.ok(/;\s*Secure/i.test(viaProxy.lastSetCookie) && /HttpOnly/i.test(viaProxy.lastSetCookie), 'behind TLS with TRUST_PROXY the session cookie is Secure and HttpOnly', viaProxy.lastSetCookie.replace(/=[^;]+/, '=…'));
    checks.ok(signedIn.headers['strict-transport-security'] !== undefined, 'HSTS header from nginx');
    const upstreams = new Set<string>();
    let welcomed = 0;
    for (let i = 0; i < 10; i++) {
      const res = await viaProxy.get('/');
      if (res.status === 200 && res.body.includes('Welcome, Emma')) welcomed++;
      upstreams.add(String(res.headers['x-test-upstream']));
    }
    checks.ok(welcomed === 10 && upstreams.size === 2, 'ten pages through nginx, answered by both processes, all signed in', [...upstreams].join(' '));

    // Directly: sign in on A, continue on B with the same cookie.
    const onA = new Browser(a.base);
    await onA.login('emma@example.com', PASSWORD);
    const onB = new Browser(b.base);
    onB.cookie = onA.cookie;
    const continued = await onB.get('/groups/new');
    checks.ok(continued.status === 200, 'a session made on process A works on process B');

    // A write on one is seen on the other.
    const created = await onB.post('/groups', { ...groupForm, name: 'Made on B' });
    checks.ok(created.status === 303, 'group created on B');
    checks.ok((await onA.get('/groups')).body.includes('Made on B'), 'and listed on A at once');

    // Chat: sent on A, polled on B.
    const [group] = await query<{ id: number }>(db.url, "select id from groups where name = 'Made on B'");
    await onA.get(`/groups/${group?.id}/chat`);
    const sent = await onA.post(`/groups/${group?.id}/chat`, { message: 'Hello from process A' });
    const polled = await onB.get(`/groups/${group?.id}/chat/messages?after=0`);
    checks.ok(sent.status === 303 && polled.status === 200 && polled.body.includes('Hello from process A'), 'a chat message sent on A arrives by polling B');

    // The sign-in throttle is shared: failures on A and B add up.
    for (let i = 0; i < 5; i++) await new Browser(i % 2 === 0 ? a.base : b.base).login('oscar@example.com', `wrong-password-${i}`);
    const limitedA = await new Browser(a.base).login('oscar@example.com', PASSWORD);
    const limitedB = await new Browser(b.base).login('oscar@example.com', PASSWORD);
    checks.ok(limitedA.status === 429 && limitedB.status === 429, 'five failures spread over A and B: both refuse the sixth (429)');

    // TRUST_PROXY: the address counted is the client's as nginx saw it, not one the client made up.
    await new Browser(nginx.https).login('clara@client.example', 'wrong-password-x');
    const spoof = new Browser(nginx.https);
    await spoof.get('/login', { 'x-forwarded-for': '203.0.113.99' });
    await spoof.post('/login', { email: 'clara@client.example', password: 'wrong-password-y' }, { 'x-forwarded-for': '203.0.113.99' });
    const ips = await query<{ ip: string }>(db.url, "select distinct ip from login_failures where email = 'clara@client.example'");
    checks.ok(ips.length === 1 && ips[0]?.ip === '127.0.0.1', 'through nginx the throttle counts the real client address; a forged X-Forwarded-For is overwritten', ips.map((r) => r.ip).join(','));

    const [worker] = workerPids(a.pid);
    if (worker === undefined) throw new Error('process A has no worker');
    await overloadCheck(checks, { url: `${a.base}/tasks`, cookie: onA.cookie, pid: worker });
    checks.ok((await send(`${a.base}/healthz`)).status === 200, 'process A is healthy after the overload');

    // One process stops (a rolling restart): nginx keeps serving from the other.
    const stopped = await a.stop('SIGTERM');
    let served = 0;
    for (let i = 0; i < 10; i++) if ((await viaProxy.get('/')).status === 200) served++;
    checks.ok(stopped.code === 0 && served === 10, 'with A stopped, all ten pages through nginx are served by B', `A exited ${stopped.code} in ${stopped.ms} ms`);

    await b.stop('SIGTERM');
    await backupCliCheck(checks, env, db.url, tmp);
  } finally {
    await nginx?.stop();
    for (const s of servers) await s.stop('SIGTERM').catch(() => {});
    await db.drop();
    rmSync(tmp, { recursive: true, force: true });
  }
}
