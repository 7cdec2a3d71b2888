import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FastifyInstance, LightMyRequestResponse } from 'fastify';
import type { Knex } from 'knex';
import { Model } from 'objection';
import { buildApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createKnex, LONG_TIMEOUTS } from '../src/db/knex.js';
import { User } from '../src/models/user.js';
import { hashPassword } from '../src/services/passwords.js';

export const PASSWORD = 'correct-horse-battery';

interface Teardown {
  teardown(fn: () => unknown): void;
}

/** A fresh database for one test file, cloned from the migrated template. */
export async function testDatabase(t: Teardown): Promise<Knex> {
  const adminUrl = process.env.ATRIUM_TEST_ADMIN_URL;
  const template = process.env.ATRIUM_TEST_TEMPLATE;
  const prefix = process.env.ATRIUM_TEST_PREFIX;
  if (!adminUrl || !template || !prefix) throw new Error('Run tests with `npm test` (test/run.ts prepares the database).');
  const name = `${prefix}${randomBytes(6).toString('hex')}`;
  // Creating and dropping databases is slow on a busy machine: not a request's few seconds.
  const admin = createKnex(adminUrl, 1, LONG_TIMEOUTS);
  await admin.raw('create database ?? template ??', [name, template]);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  const db = createKnex(url.toString(), 5);
  Model.knex(db);
  t.teardown(async () => {
    await db.destroy();
    await admin.raw('drop database if exists ?? with (force)', [name]);
    await admin.destroy();
  });
  return db;
}

/** The real app over a fresh database, as tests in fastify/demo build it. */
export async function build(t: Teardown): Promise<{ app: FastifyInstance; db: Knex }> {
  const db = await testDatabase(t);
  const { app } = await buildOnDatabase(t, db);
  return { app, db };
}

/**
 * Another app instance over an existing database: a restart or a second process (R-U2).
 * Pass the first instance's `dataDir` to share its session secret, as a restarted server does.
 */
export async function buildOnDatabase(t: Teardown, db: Knex, opts: { dataDir?: string } = {}): Promise<{ app: FastifyInstance; dataDir: string }> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(os.tmpdir(), 'atrium-data-'));
  const config = loadConfig({ ...process.env, DATABASE_URL: 'postgres://unused/x', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const app = await buildApp({ config, db });
  await app.ready();
  t.teardown(async () => {
    await app.close();
    if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
  });
  return { app, dataDir };
}

let passwordHash: Promise<string> | null = null;

/** Inserts a user directly with a shared hash of PASSWORD (argon2 per user would slow tests). */
export async function makeUser(db: Knex, attrs: Partial<Pick<User, 'name' | 'email' | 'isAdmin' | 'isExtranet' | 'deactivatedAt' | 'timeZone'>> = {}): Promise<User> {
  passwordHash ??= hashPassword(PASSWORD);
  const n = randomBytes(4).toString('hex');
  return User.query(db).insertAndFetch({
    name: attrs.name ?? `Person ${n}`,
    email: attrs.email ?? `person-${n}@example.com`,
    passwordHash: await passwordHash,
    isAdmin: attrs.isAdmin ?? false,
    isExtranet: attrs.isExtranet ?? false,
    deactivatedAt: attrs.deactivatedAt ?? null,
    timeZone: attrs.timeZone ?? 'UTC',
  });
}

type Form = Record<string, string | string[]>;

/** A browser-like client: keeps its cookies (the session's, a signed-out visitor's form cookie) and the last CSRF token it saw. */
export class Client {
  private readonly cookies = new Map<string, string>();
  csrf = '';

  constructor(readonly app: FastifyInstance) {}

  private remember(res: LightMyRequestResponse): LightMyRequestResponse {
    for (const set of res.cookies) {
      if (set.value) this.cookies.set(set.name, set.value);
      else this.cookies.delete(set.name);
    }
    const token = /name="_csrf" value="([^"]+)"/.exec(res.body) ?? /"x-csrf-token": "([^"]+)"/.exec(res.body);
    if (token?.[1]) this.csrf = token[1];
    return res;
  }

  private get cookie(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }

  get sessionCookie(): string {
    const sid = this.cookies.get('atrium.sid');
    return sid ? `atrium.sid=${sid}` : '';
  }

  async get(url: string, headers: Record<string, string> = {}): Promise<LightMyRequestResponse> {
    return this.remember(await this.app.inject({ method: 'GET', url, headers: { cookie: this.cookie, ...headers } }));
  }

  /** Posts a form; the CSRF token is added unless `csrf` is false (missing) or a string (forged). */
  async post(url: string, form: Form = {}, opts: { csrf?: boolean | string; headers?: Record<string, string> } = {}): Promise<LightMyRequestResponse> {
    const body = new URLSearchParams();
    const token = opts.csrf === false ? null : typeof opts.csrf === 'string' ? opts.csrf : this.csrf;
    if (token !== null) body.append('_csrf', token);
    for (const [k, v] of Object.entries(form)) for (const item of Array.isArray(v) ? v : [v]) body.append(k, item);
    return this.remember(
      await this.app.inject({ method: 'POST', url, payload: body.toString(), headers: { cookie: this.cookie, 'content-type': 'application/x-www-form-urlencoded', ...opts.headers } }),
    );
  }

  async login(email: string, password = PASSWORD): Promise<LightMyRequestResponse> {
    await this.get('/login');
    return this.post('/login', { email, password });
  }
}

/** Signs a user in and returns the client; fails loudly if the sign-in did not work. */
export async function signIn(app: FastifyInstance, user: Pick<User, 'email'>): Promise<Client> {
  const client = new Client(app);
  const res = await client.login(user.email);
  if (res.statusCode !== 303) throw new Error(`sign-in failed for ${user.email}: ${res.statusCode}`);
  await client.get('/');
  return client;
}

export async function enableAdminMode(client: Client): Promise<void> {
  await client.get('/profile');
  const res = await client.post('/profile/admin-mode', { mode: 'on' });
  if (res.statusCode !== 303) throw new Error(`admin mode switch failed: ${res.statusCode}`);
}
