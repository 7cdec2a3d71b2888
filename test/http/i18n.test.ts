// Issue 17, item 11: a second language. The request's language is the person's saved choice,
// else the browser's Accept-Language (among en and de), else English; pages, validation messages,
// dates and numbers follow it; mail is written in the recipient's language.
import t from 'tap';
import { User } from '../../src/models/user.js';
import { OutboxMessage } from '../../src/models/outbox-message.js';
import { Membership } from '../../src/models/group.js';
import { endExpiredMemberships } from '../../src/services/membership-expiry.js';
import { build, Client, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

const DE = { 'accept-language': 'de-DE,de;q=0.9,en;q=0.5' };
const EN = { 'accept-language': 'en-GB,en;q=0.8' };

t.test('signed out: Accept-Language chooses the language of the sign-in page', async (t) => {
  const { app } = await build(t);
  const c = new Client(app);
  const de = await c.get('/login', DE);
  t.equal(de.statusCode, 200);
  t.match(de.body, /<html lang="de">/);
  t.match(de.body, /<title>Anmelden – Atrium<\/title>/);
  t.match(de.body, /<label class="label" for="email">E-Mail-Adresse/);
  const en = await c.get('/login', EN);
  t.match(en.body, /<html lang="en">/);
  t.match(en.body, /<title>Sign in – Atrium<\/title>/);
  t.match((await c.get('/login', { 'accept-language': 'fr-CH, fr;q=0.9, de;q=0.7, *;q=0.5' })).body, /<html lang="de">/, 'the best supported language by q-value');
  t.match((await c.get('/login', { 'accept-language': 'de;q=0, en;q=0.1' })).body, /<html lang="en">/, 'q=0 refuses a language');
  t.match((await c.get('/login')).body, /<html lang="en">/, 'no header: English');
  for (const odd of ['x'.repeat(5000), ';;;,,,q=', 'de;q=abc', '*']) {
    const res = await c.get('/login', { 'accept-language': odd });
    t.equal(res.statusCode, 200, `odd header ${odd.slice(0, 12)} is no error`);
  }
  const wrong = await c.post('/login', { email: '', password: '' }, { headers: DE });
  t.equal(wrong.statusCode, 422);
  t.match(wrong.body, /href="#email">Geben Sie Ihre E-Mail-Adresse ein</, 'a validation message in German, on a page without an account');
  t.match(wrong.body, /<title>Fehler: Anmelden – Atrium<\/title>/);
});

t.test('signed in: the profile choice overrides the browser, and "same as my browser" follows it', async (t) => {
  const { app, db } = await build(t);
  const me = await makeUser(db, { name: 'Greta Grün', timeZone: 'Europe/Berlin' });
  const c = await signIn(app, me);
  const profile = { name: 'Greta Grün', jobTitle: '', phone: '', timeZone: 'Europe/Berlin' };

  t.match((await c.get('/profile', DE)).body, /<html lang="de">[\s\S]*<h1>Ihr Profil<\/h1>/, 'no saved choice: the browser decides');
  t.match((await c.get('/profile', EN)).body, /<h1>Your profile<\/h1>/);
  const page = (await c.get('/profile', DE)).body;
  t.match(page, /<legend class="legend">Sprache<\/legend>/);
  t.match(page, /id="locale-browser" name="locale" value="" checked/, '"same as my browser" is chosen while nothing is saved');
  t.match(page, /<label for="locale-de" lang="de">Deutsch<\/label>/, 'each language is named in itself, marked with its lang');

  const saved = await c.post('/profile', { ...profile, locale: 'de' }, { headers: EN });
  t.equal(saved.statusCode, 303);
  t.equal((await User.query(db).findById(me.id).throwIfNotFound()).locale, 'de');
  const after = await c.get('/profile', EN);
  t.match(after.body, /<html lang="de">/, 'the saved choice wins over an English browser');
  t.match(after.body, /Ihr Profil wurde gespeichert/, 'the confirmation is in the language just chosen');
  t.match(after.body, /id="locale-de" name="locale" value="de" checked/);

  t.equal((await c.post('/profile', { ...profile, locale: 'en' }, { headers: DE })).statusCode, 303);
  t.match((await c.get('/', DE)).body, /<html lang="en">/, 'English saved: English on a German browser');

  t.equal((await c.post('/profile', { ...profile, locale: '' }, { headers: DE })).statusCode, 303);
  t.equal((await User.query(db).findById(me.id).throwIfNotFound()).locale, null, '"same as my browser" clears the choice');
  t.match((await c.get('/', DE)).body, /<html lang="de">/);

  for (const locale of ['fr', 'de-DE', ['de', 'en']]) {
    const bad = await c.post('/profile', { ...profile, locale }, { headers: DE });
    t.equal(bad.statusCode, 422, `locale ${JSON.stringify(locale)} is refused`);
    t.match(bad.body, /href="#locale">Wählen Sie eine Sprache</);
  }
  t.equal((await User.query(db).findById(me.id).throwIfNotFound()).locale, null, 'nothing saved');
});

t.test('validation messages, dates and numbers in German', async (t) => {
  const { app, db } = await build(t);
  const me = await makeUser(db, { name: 'Dora Datum' });
  await User.query(db).findById(me.id).patch({ locale: 'de' });
  const c = await signIn(app, me);

  const bad = await c.post('/profile', { name: '', timeZone: 'Mars/Base' });
  t.equal(bad.statusCode, 422);
  t.match(bad.body, /<title>Fehler: Ihr Profil – Atrium<\/title>/);
  t.match(bad.body, /class="error-summary__title">Es gibt ein Problem<\/h2>/);
  t.match(bad.body, /href="#name">Geben Sie Ihren vollständigen Namen ein</, 'the field\'s own German message, not a lower-cased label');
  t.match(bad.body, /href="#timeZone">Geben Sie eine gültige Zeitzone ein</);
  const long = await c.post('/profile', { name: 'n'.repeat(121), timeZone: 'UTC' });
  t.match(long.body, /href="#name">„Vollständiger Name“ darf höchstens 120 Zeichen lang sein</);

  const group = await makeGroup(db, me, { name: 'Umzug', kind: 'project', startsOn: '2026-12-20', endsOn: '2027-03-01' });
  const about = await c.get(`/groups/${group.id}/about`);
  t.equal(about.statusCode, 200);
  t.match(about.body, /20\.12\.2026 bis 01\.03\.2027/, 'dates in German order and words');
  t.match((await c.get('/groups?tab=my')).body, /1 Mitglied\b/, 'counts agree in German');
});

t.test('mail is written in the recipient\'s language, not the sender\'s', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner', email: 'olga@corp.example' });
  await User.query(db).findById(owner.id).patch({ locale: 'de' });
  const englishOwner = await makeUser(db, { name: 'Eve English', email: 'eve@corp.example' });
  const external = await makeUser(db, { name: 'Ext Ernal', isExtranet: true });
  const g1 = await makeGroup(db, owner, { name: 'Kundenprojekt', isExtranet: true }, [[external]]);
  const g2 = await makeGroup(db, englishOwner, { name: 'Client work', isExtranet: true }, [[external]]);
  await Membership.query(db).whereIn('groupId', [g1.id, g2.id]).where({ userId: external.id }).patch({ expiresAt: new Date(Date.now() - 1000) });
  t.equal(await endExpiredMemberships(db), 2);
  const de = await OutboxMessage.query(db).findOne({ toAddress: 'olga@corp.example' });
  t.equal(de?.subject, 'Ext Ernal hat Kundenprojekt verlassen');
  t.match(de?.bodyText, /Die Mitgliedschaft von Ext Ernal in „Kundenprojekt“ hat ihr Enddatum erreicht/);
  const en = await OutboxMessage.query(db).findOne({ toAddress: 'eve@corp.example' });
  t.equal(en?.subject, 'Ext Ernal has left Client work', 'a person without a saved language gets the default from a job');

  // An English inviter invites an account whose owner reads German.
  const inviter = await signIn(app, englishOwner);
  const guest = await makeUser(db, { name: 'Gunda Gast', email: 'gunda@partner.example', isExtranet: true });
  await User.query(db).findById(guest.id).patch({ locale: 'de' });
  await inviter.get(`/groups/${g2.id}/invite-external`, EN);
  const sent = await inviter.post(`/groups/${g2.id}/invite-external`, { emails: 'gunda@partner.example\nnew.person@partner.example' }, { headers: EN });
  t.equal(sent.statusCode, 303);
  const toGuest = await OutboxMessage.query(db).findOne({ toAddress: 'gunda@partner.example' });
  t.equal(toGuest?.subject, 'Sie sind zu Client work eingeladen');
  const toNew = await OutboxMessage.query(db).findOne({ toAddress: 'new.person@partner.example' });
  t.equal(toNew?.subject, 'Eve English invites you to Client work', 'no account yet: the inviter\'s language');
});
