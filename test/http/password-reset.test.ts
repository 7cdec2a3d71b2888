// Issue 18, item 2: password reset by e-mail from the sign-in page (R-U2 password rules, R-U6
// deactivation, R-U8 extranet switch). Same answer whether or not the address has an account;
// the token is single-use, stored as SHA-256, good for an hour; throttled per address and client.
import t from 'tap';
import { OutboxMessage } from '../../src/models/outbox-message.js';
import { PasswordReset } from '../../src/models/mail-preference.js';
import { User } from '../../src/models/user.js';
import { hashToken } from '../../src/services/external-invitations.js';
import { MAX_RESETS_PER_ADDRESS, MAX_RESETS_PER_CLIENT } from '../../src/services/password-reset.js';
import { build, Client, makeUser, signIn } from '../helper.js';

const linkIn = (text: string) => /\/login\/reset\/([A-Za-z0-9_-]{43})/.exec(text)?.[1];
/** The page without its per-request CSRF token: what an asker can compare. */
const answer = (body: string) => (/<main[\s\S]*<\/main>/.exec(body)?.[0] ?? body).replace(/[A-Za-z0-9_-]{20,}/g, '');

async function ask(app: Client['app'], email: string): Promise<Awaited<ReturnType<Client['post']>>> {
  const c = new Client(app);
  await c.get('/login/reset');
  return c.post('/login/reset', { email });
}

t.test('password reset by e-mail', async (t) => {
  const { app, db } = await build(t);
  const mia = await makeUser(db, { name: 'Mia Member', email: 'mia@corp.example' });

  t.test('the sign-in page links to it', async (t) => {
    const page = await new Client(app).get('/login');
    t.match(page.body, /href="\/login\/reset"/);
    const form = await new Client(app).get('/login/reset');
    t.equal(form.statusCode, 200);
    t.match(form.body, /<label class="label" for="email">/);
  });

  t.test('an empty address is a 422 with an error summary', async (t) => {
    const res = await ask(app, '  ');
    t.equal(res.statusCode, 422);
    t.match(res.body, /error-summary/);
  });

  t.test('an unknown address gets the same answer and no mail', async (t) => {
    const before = await OutboxMessage.query(db).resultSize();
    const unknown = await ask(app, 'nobody@corp.example');
    const known = await ask(app, 'MIA@corp.example');
    t.equal(unknown.statusCode, 200);
    t.equal(known.statusCode, 200);
    t.equal(answer(unknown.body), answer(known.body), 'the same page');
    const mails = await OutboxMessage.query(db).where('id', '>', 0).orderBy('id');
    t.equal(mails.length, before + 1, 'one mail, for the known address only');
    t.equal(mails.at(-1)?.toAddress, 'mia@corp.example');
  });

  t.test('the link sets a new password once, ends every session, and is stored hashed', async (t) => {
    const other = await signIn(app, mia);
    t.equal((await other.get('/profile')).statusCode, 200);
    await ask(app, 'mia@corp.example');
    const mail = await OutboxMessage.query(db).where({ toAddress: 'mia@corp.example' }).orderBy('id', 'desc').first();
    const token = linkIn(mail?.bodyText ?? '');
    t.ok(token, 'the mail holds the link');
    t.match(mail?.bodyHtml ?? '', /<a href="http[^"]+\/login\/reset\//, 'and an HTML part with it');
    if (!token) return;
    const stored = await PasswordReset.query(db).where({ userId: mia.id }).whereNull('usedAt');
    t.equal(stored.length, 1, 'a new link replaced the earlier one');
    t.equal(stored[0]?.tokenHash, hashToken(token), 'only the SHA-256 is stored');
    const expiresIn = (stored[0]?.expiresAt.getTime() ?? 0) - Date.now();
    t.ok(expiresIn > 59 * 60 * 1000 && expiresIn <= 60 * 60 * 1000, 'valid one hour');

    t.equal((await other.get(`/login/reset/${token}`)).statusCode, 303, 'a signed-in visitor is sent home (a sign-in form)');
    const c = new Client(app);
    const stale = new Client(app);
    await stale.get(`/login/reset/${token}`);
    const form = await c.get(`/login/reset/${token}`);
    t.equal(form.statusCode, 200);
    t.match(form.body, /autocomplete="new-password"/);
    const short = await c.post(`/login/reset/${token}`, { newPassword: 'short' });
    t.equal(short.statusCode, 422, 'the rules of the password change apply');
    t.match(short.body, /error-summary/);
    const done = await c.post(`/login/reset/${token}`, { newPassword: 'a-brand-new-password' });
    t.equal(done.statusCode, 303);
    t.equal(done.headers.location, '/login');
    t.equal((await other.get('/profile')).statusCode, 303, 'the session signed in before has ended');
    t.equal((await new Client(app).login('mia@corp.example', 'a-brand-new-password')).statusCode, 303, 'the new password works');
    t.equal((await new Client(app).login('mia@corp.example')).statusCode, 422, 'the old one does not');

    t.equal((await new Client(app).get(`/login/reset/${token}`)).statusCode, 404, 'a used link is refused');
    t.equal((await stale.post(`/login/reset/${token}`, { newPassword: 'yet-another-password' })).statusCode, 404, 'also from a form opened before');
  });

  t.test('an expired link is refused', async (t) => {
    await ask(app, 'mia@corp.example');
    const mail = await OutboxMessage.query(db).where({ toAddress: 'mia@corp.example' }).orderBy('id', 'desc').first();
    const token = linkIn(mail?.bodyText ?? '') ?? '';
    const c = new Client(app);
    t.equal((await c.get(`/login/reset/${token}`)).statusCode, 200, 'the form while the link is good');
    await PasswordReset.query(db).where({ tokenHash: hashToken(token) }).patch({ expiresAt: new Date(Date.now() - 1000) });
    const page = await c.get(`/login/reset/${token}`);
    t.equal(page.statusCode, 404);
    t.match(page.body, /This link cannot be used/);
    t.equal((await c.post(`/login/reset/${token}`, { newPassword: 'a-brand-new-password-2' })).statusCode, 404);
    t.equal((await c.get('/login/reset/not-a-token')).statusCode, 404, 'a malformed token too');
  });

  t.test('refused, with the same answer and no mail: deactivated, external while the extranet is off, directory accounts', async (t) => {
    const gone = await makeUser(db, { email: 'gone@corp.example', deactivatedAt: new Date() });
    const eve = await makeUser(db, { email: 'eve@partner.example', isExtranet: true });
    const dir = await makeUser(db, { email: 'dir@corp.example' });
    await User.query(db).findById(dir.id).patch({ authSource: 'ldap' });
    await db('settings').update({ extranetEnabled: false });
    const before = await OutboxMessage.query(db).resultSize();
    const reference = answer((await ask(app, 'nobody-else@corp.example')).body);
    for (const who of [gone, eve, dir]) {
      const res = await ask(app, who.email);
      t.equal(res.statusCode, 200, who.email);
      t.equal(answer(res.body), reference, `${who.email}: the same page`);
    }
    t.equal(await OutboxMessage.query(db).resultSize(), before, 'no mail to any of them');

    // A link mailed while allowed stops working once the account may no longer use it.
    await db('settings').update({ extranetEnabled: true });
    await ask(app, eve.email);
    const token = linkIn((await OutboxMessage.query(db).where({ toAddress: eve.email }).first())?.bodyText ?? '') ?? '';
    t.ok(token, 'an external account gets a link while the extranet is on');
    const c = new Client(app);
    t.equal((await c.get(`/login/reset/${token}`)).statusCode, 200, 'the form while it may');
    await db('settings').update({ extranetEnabled: false });
    t.equal((await new Client(app).get(`/login/reset/${token}`)).statusCode, 404, 'and cannot use it once the extranet is off');
    t.equal((await c.post(`/login/reset/${token}`, { newPassword: 'a-brand-new-password' })).statusCode, 404);
    await db('settings').update({ extranetEnabled: true });
    await User.query(db).findById(eve.id).patch({ deactivatedAt: new Date() });
    t.equal((await c.get(`/login/reset/${token}`)).statusCode, 404, 'nor once deactivated');
    t.equal((await c.post(`/login/reset/${token}`, { newPassword: 'a-brand-new-password' })).statusCode, 404);
  });
});

t.test('reset requests are throttled per address and per client address', async (t) => {
  const { app, db } = await build(t);
  await makeUser(db, { email: 'tia@corp.example' });
  for (let i = 0; i < MAX_RESETS_PER_ADDRESS; i++) t.equal((await ask(app, 'tia@corp.example')).statusCode, 200);
  const limited = await ask(app, 'TIA@corp.example');
  t.equal(limited.statusCode, 429, 'the address is throttled');
  t.match(limited.body, /Too many requests/);
  t.equal(await OutboxMessage.query(db).resultSize(), MAX_RESETS_PER_ADDRESS, 'no mail once throttled');
  for (let i = MAX_RESETS_PER_ADDRESS; i < MAX_RESETS_PER_CLIENT; i++) t.equal((await ask(app, `x${i}@corp.example`)).statusCode, 200);
  t.equal((await ask(app, 'fresh@corp.example')).statusCode, 429, 'the client address is throttled');
  t.equal((await new Client(app).login('tia@corp.example')).statusCode, 303, 'sign-in is not used up by resets');
});
