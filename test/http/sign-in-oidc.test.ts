import t from 'tap';
import { User } from '../../src/models/user.js';
import { build, buildOnDatabase, Client, makeUser } from '../helper.js';
import { CLIENT_ID, CLIENT_SECRET, signInAtProvider, startOidcProvider } from '../oidc-provider.js';

const appUrl = 'http://127.0.0.1:3000';
process.env.OIDC_CLIENT_SECRET = CLIENT_SECRET;
const provider = await startOidcProvider(
  {
    dora: { email: 'dora@example.com', email_verified: true, name: 'Dora Diaz' },
    emma: { email: 'Emma@Example.com', email_verified: true, name: 'Emma from SSO' },
    fred: { email: 'fred@example.com', email_verified: false, name: 'Fred Unverified' },
    gina: { email: 'gina@example.com', email_verified: true, name: 'Gina Gone' },
    xena: { email: 'xena@partner.example', email_verified: true, name: 'Xena External' },
  },
  appUrl,
);
t.teardown(() => provider.stop());
t.comment(`oidc-provider ${provider.version}`);

async function setUp(t: { teardown(fn: () => unknown): void }, overrides: Record<string, unknown> = {}) {
  const { app, db } = await build(t);
  await db('sign_in_settings').update({ oidcEnabled: true, oidcIssuer: provider.issuer, oidcClientId: CLIENT_ID, oidcCreateAccounts: true, ...overrides });
  return { app, db };
}

/** Starts at the app, signs in at the provider, and returns the callback's answer. */
async function ssoLogin(c: Client, accountId: string) {
  const start = await c.get('/login/oidc?next=/groups');
  if (start.statusCode !== 303) return { start, callback: null, callbackUrl: null };
  const callbackUrl = await signInAtProvider(String(start.headers.location), accountId, appUrl);
  const callback = await c.get(callbackUrl.pathname + callbackUrl.search);
  return { start, callback, callbackUrl };
}

t.test('R-A1: code + PKCE through discovery; an employee account is made for a verified e-mail', async (t) => {
  const { app, db } = await setUp(t);
  t.match((await new Client(app).get('/login')).body, /href="\/login\/oidc\?next=%2F"/);
  const started = await new Client(app).get('/login/oidc');
  t.equal(started.statusCode, 303);
  t.notOk(started.cookies.find((c) => c.name === 'atrium.sid'), 'starting a sign-on sets no session cookie');
  t.equal(Number((await db('sessions').count({ n: '*' }))[0]?.n), 0, 'and stores no session: its state is a signed cookie');
  const c = new Client(app);
  const { start, callback } = await ssoLogin(c, 'dora');
  const auth = new URL(String(start.headers.location));
  t.equal(auth.origin, provider.issuer);
  t.equal(auth.searchParams.get('code_challenge_method'), 'S256');
  t.ok(auth.searchParams.get('state') && auth.searchParams.get('nonce'), 'state and nonce sent');
  t.equal(callback?.statusCode, 303);
  t.equal(callback?.headers.location, '/groups');
  t.match(await User.query(db).where({ email: 'dora@example.com' }).first(), { name: 'Dora Diaz', isAdmin: false, isExtranet: false, authSource: 'oidc', passwordHash: null });
  const home = await c.get('/');
  t.match(home.body, /action="\/logout\/oidc"/, 'signs out through the provider');

  t.test('sign-out ends the session and offers the provider\'s sign-out', async (t) => {
    const out = await c.post('/logout/oidc');
    t.equal(out.statusCode, 200);
    const link = /href="(http[^"]+)"/.exec(out.body)?.[1]?.replaceAll('&amp;', '&');
    t.ok(link, 'a link to the provider');
    const url = new URL(link ?? 'http://x');
    t.equal(url.origin, provider.issuer);
    t.ok(url.searchParams.get('id_token_hint'));
    t.equal(url.searchParams.get('post_logout_redirect_uri'), `${appUrl}/login`);
    t.equal((await c.get('/')).statusCode, 303, 'signed out of Atrium');
    const dora = await User.query(db).where({ email: 'dora@example.com' }).first();
    t.equal((await db('sessions').where({ userId: dora?.id })).length, 0, 'the session is gone from the store');
  });
});

t.test('an existing account is linked by a verified e-mail; an unverified one is refused', async (t) => {
  const { app, db } = await setUp(t, { oidcCreateAccounts: false });
  const emma = await makeUser(db, { email: 'emma@example.com', name: 'Emma' });
  const linked = await ssoLogin(new Client(app), 'emma');
  t.equal(linked.callback?.statusCode, 303);
  t.match(await User.query(db).findById(emma.id), { authSource: 'oidc', name: 'Emma from SSO' });

  await makeUser(db, { email: 'fred@example.com' });
  const unverified = await ssoLogin(new Client(app), 'fred');
  t.equal(unverified.callback?.statusCode, 403);
  t.match(unverified.callback?.body, /has not verified your e-mail address/);
  t.equal((await User.query(db).where({ email: 'fred@example.com' }).first())?.authSource, 'local', 'not linked');

  const noAccount = await ssoLogin(new Client(app), 'dora');
  t.equal(noAccount.callback?.statusCode, 403, 'no account is made where the settings do not allow it');
  t.match(noAccount.callback?.body, /There is no account for this e-mail address/);
});

t.test('refused: a deactivated account, an external account (R-U6, R-X3)', async (t) => {
  const { app, db } = await setUp(t);
  await makeUser(db, { email: 'gina@example.com', deactivatedAt: new Date() });
  const gone = await ssoLogin(new Client(app), 'gina');
  t.equal(gone.callback?.statusCode, 403);
  t.match(gone.callback?.body, /deactivated/);
  await makeUser(db, { email: 'xena@partner.example', isExtranet: true });
  const external = await ssoLogin(new Client(app), 'xena');
  t.equal(external.callback?.statusCode, 403);
  t.match(await User.query(db).where({ email: 'xena@partner.example' }).first(), { isExtranet: true, authSource: 'local', isAdmin: false });
});

t.test('refused: a replayed state, an expired state, a state from another session', async (t) => {
  const { app, db } = await setUp(t);
  const c = new Client(app);
  const first = await ssoLogin(c, 'dora');
  t.equal(first.callback?.statusCode, 303);
  const replay = new Client(app);
  await replay.get('/login');
  const again = await replay.get(String(first.callbackUrl?.pathname) + String(first.callbackUrl?.search));
  t.equal(again.statusCode, 400, 'the callback does not work in another session');
  t.match(again.body, /expired or was already used/);

  const d = new Client(app);
  const start = await d.get('/login/oidc');
  const back = await signInAtProvider(String(start.headers.location), 'dora', appUrl);
  // Eleven minutes later (a state lasts ten).
  const now = Date.now;
  Date.now = () => now() + 11 * 60 * 1000;
  const expired = await d.get(back.pathname + back.search).finally(() => (Date.now = now));
  t.equal(expired.statusCode, 400, 'an expired state is refused');

  const g = new Client(app);
  const s4 = await g.get('/login/oidc');
  const back4 = await signInAtProvider(String(s4.headers.location), 'dora', appUrl);
  const unsigned = await app.inject({ url: back4.pathname + back4.search, headers: { cookie: `atrium.oidc=${encodeURIComponent(JSON.stringify({ state: back4.searchParams.get('state'), nonce: 'n', codeVerifier: 'v', next: '/', at: Date.now() }))}` } });
  t.equal(unsigned.statusCode, 400, 'a state cookie the server did not sign is refused');

  const e = new Client(app);
  const s2 = await e.get('/login/oidc');
  const back2 = await signInAtProvider(String(s2.headers.location), 'dora', appUrl);
  const used = await e.get(back2.pathname + back2.search);
  t.equal(used.statusCode, 303);
  await e.get('/');
  t.equal((await e.post('/logout', {})).statusCode, 303);
  const replayed = await e.get(back2.pathname + back2.search);
  t.equal(replayed.statusCode, 400, 'the same callback twice is refused');

  const f = new Client(app);
  const s3 = await f.get('/login/oidc');
  const back3 = await signInAtProvider(String(s3.headers.location), 'dora', appUrl);
  back3.searchParams.set('state', 'forged-state');
  const forged = await f.get(back3.pathname + back3.search);
  t.equal(forged.statusCode, 400, 'a state that does not match is refused');
  t.match(forged.body, /Single sign-on did not work/);
});

t.test('a wrong issuer is refused at discovery; a provider that is down answers 503', async (t) => {
  const { app, db } = await setUp(t, { oidcIssuer: `http://localhost:${provider.port}` });
  const wrong = await new Client(app).get('/login/oidc');
  t.equal(wrong.statusCode, 503);
  t.match(wrong.body, /Single sign-on is not available/);
  await db('sign_in_settings').update({ oidcIssuer: 'http://127.0.0.1:1' });
  t.equal((await new Client(app).get('/login/oidc')).statusCode, 503);
  await db('sign_in_settings').update({ oidcEnabled: false });
  t.equal((await new Client(app).get('/login/oidc')).statusCode, 404);
  const { app: other } = await buildOnDatabase(t, db);
  t.equal((await new Client(other).get('/login/oidc/callback?code=x&state=y')).statusCode, 404);
});
