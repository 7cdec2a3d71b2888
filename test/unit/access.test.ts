// DESIGN.md, policy module: every route declares its access rule, and reads go through the
// policy's scopes (bare model queries only in policy, services, models, db, cli).
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance } from 'fastify';
import t from 'tap';
import { MissingAccessDeclaration, requireAccessDeclarations } from '../../src/policy/access.js';

/** Registers one route inside a plugin and returns what ready() does with it. */
async function readyWith(register: (app: FastifyInstance) => void): Promise<unknown> {
  const app = Fastify();
  requireAccessDeclarations(app);
  app.register(async (scoped) => register(scoped));
  try {
    await app.ready();
    return null;
  } catch (err) {
    return err;
  } finally {
    await app.close();
  }
}

/** The error a synchronous call throws, or null. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
    return null;
  } catch (err) {
    return err;
  }
}

t.test('a route without config.access is refused', async (t) => {
  const app = Fastify();
  t.teardown(() => app.close());
  requireAccessDeclarations(app);
  const cases: [string, () => unknown, RegExp][] = [
    ['no options at all', () => app.get('/open', async () => 'x'), /GET \/open declares no access rule/],
    ['an empty config', () => app.post('/open', { config: {} }, async () => 'x'), /POST \/open declares no access rule/],
    ['an unknown level', () => app.get('/typo', { config: { access: 'everyone' as never } }, async () => 'x'), /GET \/typo/],
    ['app.route() too', () => app.route({ method: 'PUT', url: '/any', handler: async () => 'x' }), /PUT \/any/],
  ];
  for (const [label, register, message] of cases) {
    const err = thrown(register);
    t.ok(err instanceof MissingAccessDeclaration, `${label}: registering throws MissingAccessDeclaration`);
    t.match(String(err), message);
  }
  t.equal((await app.inject('/open')).statusCode, 404, 'and the route does not exist');
});

t.test('inside a plugin the app does not start', async (t) => {
  const err = await readyWith((app) => app.get('/inside', async () => 'x'));
  t.ok(err instanceof MissingAccessDeclaration, 'ready() fails with MissingAccessDeclaration');
  t.match(String(err), /GET \/inside declares no access rule/);
});

t.test('declared routes are accepted and answer', async (t) => {
  for (const access of ['public', 'guest', 'signed-in', 'employee', 'admin-mode'] as const) {
    t.equal(await readyWith((app) => app.get(`/${access}`, { config: { access } }, async () => 'x')), null, access);
  }
  const app = Fastify();
  t.teardown(() => app.close());
  requireAccessDeclarations(app);
  app.get('/ok', { config: { access: 'public' } }, async () => 'fine');
  t.equal((await app.inject('/ok')).body, 'fine');
});

// Reads start from a scope (src/policy) and writes live in services: a bare query in a
// route, finder, plugin or view helper would bypass R-X1.
const root = path.resolve(import.meta.dirname, '../..');
const allowed = ['policy', 'services', 'models', 'db', 'cli'].map((d) => path.join(root, 'src', d) + path.sep);
const bareQuery = /\b[A-Z][A-Za-z]+\.(query|relatedQuery)\(|\b(knex|db|trx)\(['"`]/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(full);
    return /\.(ts|mts|js)$/.test(e.name) ? [full] : [];
  });
}

t.test('the pattern catches what it should and lets the health check through', async (t) => {
  for (const bad of ["User.query().where('x', 1)", 'Group.relatedQuery("members")', "app.db('users')", "knex('groups')", 'db(`sessions`)', "request.server.knex('x')"]) {
    t.match(bad, bareQuery, `caught: ${bad}`);
  }
  for (const ok of ["app.db.raw('select 1')", 'usersVisibleTo(viewer).findById(id)', 'await db.transaction(async (trx) => {})', 'const query = x;']) {
    t.notMatch(ok, bareQuery, `allowed: ${ok}`);
  }
});

t.test('no bare model query outside policy, services, models, db and cli', async (t) => {
  const files = sourceFiles(path.join(root, 'src'));
  const checked = files.filter((f) => !allowed.some((dir) => f.startsWith(dir)));
  t.ok(checked.some((f) => f.includes(`${path.sep}routes${path.sep}`)), 'routes are scanned');
  t.ok(checked.some((f) => f.includes(`${path.sep}finders${path.sep}`)), 'finders are scanned');
  t.ok(checked.some((f) => f.endsWith(`${path.sep}health.ts`)), 'the health check (app.db.raw) is scanned and allowed');
  const inAllowed = files.filter((f) => allowed.some((dir) => f.startsWith(dir)) && bareQuery.test(readFileSync(f, 'utf8')));
  t.ok(inAllowed.length > 0, 'the scan does see the queries that services and scopes make');
  const offenders: string[] = [];
  for (const file of checked) {
    readFileSync(file, 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (bareQuery.test(line)) offenders.push(`${path.relative(root, file)}:${i + 1}: ${line.trim()}`);
      });
  }
  t.same(offenders, [], 'bare queries outside the allowed folders');
});
