import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Model } from 'objection';
import { SseClient } from '../bench/sse-client.js';
import { startProcess, type RunningServer } from '../bench/server-process.js';
import { signIn } from '../bench/sign-in.js';
import { createKnex } from '../db/knex.js';
import { Group, Membership } from '../models/group.js';
import { User } from '../models/user.js';
import { SCALE_PASSWORD } from '../scale/plan.js';
import { hashPassword } from '../services/passwords.js';
import { parseArgs } from './args.js';
import { backendPids, cpuPercent, processTree, sample } from '../bench/proc-cpu.js';

/**
 * `npm run bench:chat [-- --streams 1000 --users 20 --sessions 5 --groups 5 --idle 30 --workers 2 | --url U --pid P]`
 * (issue 16, "Idle cost"): the production build (`npm start`'s primary and workers) on DATABASE_URL;
 * opens `streams` chat pages' event streams as `users` people (each signed in `sessions` times)
 * across `groups` group chats, then measures the CPU of the server processes and of the database's
 * PostgreSQL backends over `idle` seconds while nobody writes (from /proc), then posts one message
 * to every chat at once and reports how long each open stream took to get it.
 */
const { options } = parseArgs(process.argv.slice(2));
const num = (name: string, fallback: number) => Number(options.get(name) ?? String(fallback));
const streamCount = num('streams', 1000);
const userCount = num('users', 20);
const sessionsPerUser = num('sessions', 5);
const groupCount = num('groups', 5);
const idleSeconds = num('idle', 30);
const workers = num('workers', 2);
const port = num('port', 3918);
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('Set DATABASE_URL to a database for the bench (it is migrated and given a few bench users and groups)');
  process.exit(2);
}

// --url and --pid: a server already running (`npm start` on DATABASE_URL); otherwise one is started here.
const given = options.get('url');
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'atrium-bench-chat-'));
const env = { DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: String(port), SESSION_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'warn', DATA_DIR: dataDir, WEB_CONCURRENCY: String(workers), NODE_OPTIONS: '--max-old-space-size=256' };
console.log(given ? `Server at ${given}` : `Starting the server (${workers} workers) on ${databaseUrl.replace(/\/\/[^@]*@/, '//')}`);
const server: RunningServer = given ? { pid: Number(options.get('pid')), baseUrl: given, peakRssMb: () => 0, stop: async () => {} } : await startProcess('dist/src/server.js', env, port, '/healthz');
if (!Number.isInteger(server.pid) || server.pid <= 0) throw new Error('--url needs --pid (the server\'s primary process)');
console.log('Server ready');
// The bench's own connections name themselves, so the server's PostgreSQL backends can be told apart.
const BENCH_APPLICATION = 'atrium-bench';
const benchUrl = new URL(databaseUrl);
benchUrl.searchParams.set('application_name', BENCH_APPLICATION);
const db = createKnex(benchUrl.toString(), 2);
Model.knex(db);

/** Bench people and group chats, made once and found again on the next run. */
async function benchPeople(): Promise<{ emails: string[]; groupIds: number[] }> {
  const hash = await hashPassword(SCALE_PASSWORD);
  const users: User[] = [];
  for (let i = 0; i < userCount; i++) {
    const email = `idle-chat-${i}@bench.example`;
    users.push((await User.query(db).findOne({ email })) ?? (await User.query(db).insertAndFetch({ name: `Idle Chat ${i}`, email, passwordHash: hash, isAdmin: false, isExtranet: false, timeZone: 'UTC' })));
  }
  const groupIds: number[] = [];
  for (let g = 0; g < groupCount; g++) {
    const name = `Idle chat bench ${g}`;
    const owner = users[0] as User;
    const group =
      (await Group.query(db).findOne({ name })) ??
      (await Group.query(db).insertAndFetch({ name, kind: 'workgroup', startsOn: null, endsOn: null, visibleToAll: false, isOpen: false, isExtranet: false, whoCanInvite: 'moderators', archivedAt: null, description: '', createdBy: owner.id, tools: ['chat'] }));
    for (const [i, u] of users.entries()) await Membership.query(db).insert({ groupId: group.id, userId: u.id, role: i === 0 ? 'owner' : 'member' }).onConflict(['groupId', 'userId']).ignore();
    groupIds.push(group.id);
  }
  return { emails: users.map((u) => u.email), groupIds };
}

async function inBatches<T, R>(items: T[], size: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await Promise.all(items.slice(i, i + size).map((item, j) => fn(item, i + j)))));
  return out;
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? NaN;

const streams: SseClient[] = [];
try {
  const { emails, groupIds } = await benchPeople();
  console.log(`Signing in ${userCount * sessionsPerUser} sessions`);
  const logins = emails.flatMap((email) => Array.from({ length: sessionsPerUser }, () => email));
  const cookies = await inBatches(logins, 4, async (email, i) => {
    const cookie = await signIn(server.baseUrl, email, SCALE_PASSWORD);
    if ((i + 1) % 20 === 0) console.log(`  ${i + 1} signed in`);
    return cookie;
  });
  const newest = async (groupId: number) => ((await db('chat_messages').join('conversations', 'conversations.id', 'chat_messages.conversation_id').where('conversations.groupId', groupId).max('chat_messages.id as id').first()) as { id: number | null }).id ?? 0;
  const after = await Promise.all(groupIds.map(newest));
  const plan = Array.from({ length: streamCount }, (_, i) => ({ cookie: cookies[i % cookies.length] as string, group: i % groupIds.length }));
  const opened = await inBatches(plan, 50, async (p) => {
    const stream = await SseClient.open(`${server.baseUrl}/groups/${groupIds[p.group]}/chat/events?after=${after[p.group]}`, { cookie: p.cookie });
    streams.push(stream);
    if (stream.status !== 200) throw new Error(`a stream was refused: ${stream.status}`);
    // The first event (the count on connect) says the process has taken the stream in.
    if (!(await stream.next('notifications', 30_000, 0))) throw new Error('a stream got no first event');
    return { stream, group: p.group };
  });
  console.log(`${opened.length} streams open (${userCount} people × ${sessionsPerUser} sessions, ${groupCount} group chats, ${workers} workers)`);
  await sleep(5_000);

  const serverPids = () => processTree(server.pid);
  const pgPids = async () => backendPids(db, (await db.raw('select current_database() as name')).rows[0].name as string, BENCH_APPLICATION);
  const [appStart, pgStart] = [sample(serverPids()), sample(await pgPids())];
  await sleep(idleSeconds * 1000);
  const [appEnd, pgEnd] = [sample(serverPids()), sample(await pgPids())];
  const app = cpuPercent(appStart, appEnd);
  const pg = cpuPercent(pgStart, pgEnd);
  console.log(`Idle ${idleSeconds} s with ${opened.length} open chat pages: app ${app.toFixed(2)} % + PostgreSQL ${pg.toFixed(2)} % = ${(app + pg).toFixed(2)} % of one core (goal ≤ 5 %)`);

  // One message to every group chat at once, posted through the chat form as its owner.
  const owner = cookies[0] as string;
  const marks = opened.map((o) => o.stream.events.length);
  // One CSRF token first: pages fetched at once in one session would each make a new secret.
  const page = await fetch(`${server.baseUrl}/groups/${groupIds[0]}/chat`, { headers: { cookie: owner } });
  const token = /name="_csrf" value="([^"]+)"/.exec(await page.text())?.[1] ?? '';
  const sentAt = await Promise.all(
    groupIds.map(async (id, g) => {
      const at = performance.now();
      const res = await fetch(`${server.baseUrl}/groups/${id}/chat`, { method: 'POST', redirect: 'manual', headers: { cookie: owner, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: token, message: `Bench message ${g} ${new Date().toISOString()}` }).toString() });
      if (res.status !== 303) throw new Error(`posting failed: ${res.status}`);
      return at;
    }),
  );
  const arrivals = await Promise.all(opened.map(async (o, i) => (await o.stream.next('chat', 10_000, marks[i]))?.at ?? null));
  const latencies = arrivals.flatMap((at, i) => (at === null ? [] : [at - (sentAt[(opened[i] as { group: number }).group] as number)])).sort((x, y) => x - y);
  const missed = arrivals.filter((a) => a === null).length;
  const within = latencies.filter((l) => l <= 1000).length;
  console.log(
    `Delivery of ${groupCount} messages to ${opened.length} streams: p50 ${percentile(latencies, 50).toFixed(0)} ms, p99 ${percentile(latencies, 99).toFixed(0)} ms, max ${(latencies[latencies.length - 1] ?? NaN).toFixed(0)} ms; ${within} within 1 s, ${missed} missed (goal: all within 1 s)`,
  );
  console.log(JSON.stringify({ streams: opened.length, workers, idleSeconds, appCpuPercent: +app.toFixed(2), postgresCpuPercent: +pg.toFixed(2), deliveryMs: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: latencies[latencies.length - 1] ?? null }, missed }));
} finally {
  for (const s of streams) s.close();
  await server.stop();
  await db.destroy();
  rmSync(dataDir, { recursive: true, force: true });
}
