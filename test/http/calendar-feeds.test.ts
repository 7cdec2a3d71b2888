// R-C2 (issue 18 item 7): a per-event .ics download and a personal, revocable calendar feed that
// shows what its person may see at each fetch (R-F3, R-X1, R-X5, R-U6). Parsed with ical.js,
// Mozilla's iCalendar parser, as Thunderbird reads it.
import ICAL from 'ical.js';
import t from 'tap';
import type { FastifyInstance } from 'fastify';
import type { LightMyRequestResponse } from 'fastify';
import { CalendarEvent } from '../../src/models/event.js';
import { Membership } from '../../src/models/group.js';
import { User } from '../../src/models/user.js';
import { build, makeUser, signIn, type Client } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { countQueries } from '../query-count.js';

interface Parsed {
  uid: string;
  summary: string;
  description: string;
  location: string;
  start: Date;
  end: Date;
  sequence: number;
}

function parse(body: string): Parsed[] {
  const root = new ICAL.Component(ICAL.parse(body));
  return root.getAllSubcomponents('vevent').map((c) => {
    const e = new ICAL.Event(c);
    return { uid: e.uid, summary: e.summary, description: e.description, location: e.location, start: e.startDate.toJSDate(), end: e.endDate.toJSDate(), sequence: e.sequence };
  });
}

/** A day `days` from now as YYYY-MM-DD (inside the feed's window whatever day the tests run). */
const dayFromNow = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
const berlinClock = (d: Date) => new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', dateStyle: 'short', timeStyle: 'short' }).format(d);

async function makeFeed(client: Client): Promise<string> {
  await client.get('/calendar/subscribe');
  const res = await client.post('/calendar/subscribe');
  if (res.statusCode !== 303) throw new Error(`feed not made: ${res.statusCode}`);
  const page = await client.get('/calendar/subscribe');
  const url = /id="feed-url" type="url" value="([^"]+)"/.exec(page.body)?.[1];
  if (!url) throw new Error('no feed address shown');
  return new URL(url).pathname;
}

const fetchFeed = (app: FastifyInstance, path: string): Promise<LightMyRequestResponse> => app.inject({ method: 'GET', url: path });

t.test('calendar feeds and .ics downloads (R-C2)', async (t) => {
  const { app, db } = await build(t);
  await db('settings').update({ extranetEnabled: true });
  const owner = await makeUser(db, { name: 'Owner', timeZone: 'Europe/Berlin' });
  const member = await makeUser(db, { name: 'Member' });
  const outsider = await makeUser(db, { name: 'Outsider' });
  const external = await makeUser(db, { name: 'External', isExtranet: true });
  const planners = await makeGroup(db, owner, { name: 'Planners', isExtranet: true }, [[member], [external]]);
  const inner = await makeGroup(db, owner, { name: 'Inner circle' }, [[member]]);
  const elsewhere = await makeGroup(db, outsider, { name: 'Elsewhere' });
  const o = await signIn(app, owner);
  const m = await signIn(app, member);
  const x = await signIn(app, external);
  const out = await signIn(app, outsider);

  const day = dayFromNow(10);
  const form = { group: String(planners.id), title: 'Launch', startDate: day, startTime: '09:00', endDate: '', endTime: '10:30', location: '', description: '' };
  await o.get(`/events/new?group=${planners.id}`);
  t.equal((await o.post('/events', form)).statusCode, 303);
  const launch = (await CalendarEvent.query(db).where({ title: 'Launch' }).first())!;
  t.equal((await o.post('/events', { ...form, title: 'Offsite', startDate: dayFromNow(20), startTime: '18:00', endDate: dayFromNow(22), endTime: '12:00' })).statusCode, 303);
  const longTitle = `Kick-off, phase 1; "Zürich" — Ünïcödé 🎉 ${'long title with many words '.repeat(7)}`.trim();
  const special = { title: longTitle, location: 'Café Ø, room 3; floor 2', description: 'Line one\nLine two, with; semicolons \\ and a backslash\n\nAfter a blank line: 日本語 and 🎉🎉🎉' };
  t.equal((await o.post('/events', { ...form, ...special, startDate: dayFromNow(12) })).statusCode, 303);
  const innerEvent = await CalendarEvent.query(db).insertAndFetch({ groupId: inner.id, title: 'Inner meeting', startsAt: new Date(Date.now() + 5 * 86_400_000), endsAt: new Date(Date.now() + 5 * 86_400_000 + 3_600_000) });
  const foreign = await CalendarEvent.query(db).insertAndFetch({ groupId: elsewhere.id, title: 'Not yours', startsAt: new Date(Date.now() + 86_400_000), endsAt: new Date(Date.now() + 90_000_000) });
  const company = await CalendarEvent.query(db).insertAndFetch({ groupId: null, title: 'All hands', startsAt: new Date(Date.now() + 3 * 86_400_000), endsAt: new Date(Date.now() + 3 * 86_400_000 + 3_600_000) });
  await CalendarEvent.query(db).insert({ groupId: planners.id, title: 'Long ago', startsAt: new Date(Date.now() - 200 * 86_400_000), endsAt: new Date(Date.now() - 200 * 86_400_000 + 3_600_000) });
  await CalendarEvent.query(db).insert({ groupId: planners.id, title: 'Far ahead', startsAt: new Date(Date.now() + 800 * 86_400_000), endsAt: new Date(Date.now() + 800 * 86_400_000 + 3_600_000) });

  t.test('the feed page: the address is shown once, then only that one exists', async (t) => {
    const page = await o.get('/calendar/subscribe');
    t.equal(page.statusCode, 200);
    t.match(page.body, /You have no calendar address/);
    t.match((await o.get('/calendar')).body, /href="\/calendar\/subscribe"/, 'linked from My calendar');
    const path = await makeFeed(o);
    t.match(path, /^\/calendar\/feed\/[A-Za-z0-9_-]{43}\.ics$/, '256 random bits in the path');
    const again = await o.get('/calendar/subscribe');
    t.notMatch(again.body, /id="feed-url"/, 'not shown a second time');
    t.match(again.body, /You have a calendar address, made/);
    const stored = await db('calendar_feeds').where({ userId: owner.id }).first();
    t.match(stored?.tokenHash, /^[0-9a-f]{64}$/, 'only a SHA-256 is stored');
    t.notOk(JSON.stringify(stored).includes(path.slice(15, 58)), 'never the token');
  });

  t.test('a multi-day event and an event entered in Berlin time have the right instants; UTC with Z, CRLF, folded lines', async (t) => {
    const path = await makeFeed(o);
    const res = await fetchFeed(app, path);
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], 'text/calendar; charset=utf-8');
    t.match(String(res.headers['cache-control']), /no-store/);
    t.equal(res.headers['referrer-policy'], 'no-referrer');
    const events = parse(res.body);
    const l = events.find((e) => e.summary === 'Launch');
    t.ok(l, 'the event is in the feed');
    t.equal(l?.start.toISOString(), new Date(launch.startsAt).toISOString(), 'the stored instant');
    t.equal(berlinClock(l!.start), `${day.slice(8, 10)}/${day.slice(5, 7)}/${day.slice(0, 4)}, 09:00`, '09:00 on the wall clock in Berlin, as typed');
    t.equal(berlinClock(l!.end).slice(-5), '10:30');
    t.equal(l?.uid, `event-${launch.id}@${new URL(app.config.publicUrl).host}`);
    const off = events.find((e) => e.summary === 'Offsite');
    t.ok(off);
    t.equal(off!.end.getTime() - off!.start.getTime(), (42 * 60) * 60_000, 'from 18:00 to 12:00 two days later: 42 hours');
    t.equal(berlinClock(off!.start).slice(0, 10), `${dayFromNow(20).slice(8, 10)}/${dayFromNow(20).slice(5, 7)}/${dayFromNow(20).slice(0, 4)}`);
    t.match(res.body, /\r\nDTSTART:\d{8}T\d{6}Z\r\n/, 'UTC instants, no floating times');
    t.notMatch(res.body.replace(/\r\n/g, ''), /[\r\n]/, 'CRLF line endings only');
    const lines = res.body.split('\r\n');
    t.equal(lines.filter((line) => Buffer.byteLength(line) > 75).length, 0, 'no line longer than 75 octets');
    t.equal(lines.filter((line) => line.includes('\uFFFD')).length, 0, 'no character split by folding');
    t.match(res.body, /^BEGIN:VCALENDAR\r\nVERSION:2\.0\r\n/);
    t.match(res.body, /X-WR-CALNAME:Atrium: my calendar/);
    t.match(res.body, /DTSTAMP:\d{8}T\d{6}Z/);
  });

  t.test('commas, semicolons, backslashes, newlines, non-ASCII and a very long title survive the round trip', async (t) => {
    const path = await makeFeed(o);
    const events = parse((await fetchFeed(app, path)).body);
    const e = events.find((ev) => ev.summary.startsWith('Kick-off'));
    t.equal(e?.summary, longTitle);
    t.equal(e?.location, special.location);
    t.equal(e?.description, special.description);
    t.ok(Buffer.byteLength(longTitle) > 150, 'long enough to be folded');
  });

  t.test('control characters typed into a description do not break the feed', async (t) => {
    const ev = await CalendarEvent.query(db).insertAndFetch({ groupId: planners.id, title: 'Bell\u0007 and escape\u001b', description: 'tab\there\r\nnext', startsAt: new Date(Date.now() + 86_400_000), endsAt: new Date(Date.now() + 90_000_000) });
    const path = await makeFeed(o);
    const found = parse((await fetchFeed(app, path)).body).find((e) => e.summary.startsWith('Bell'));
    t.equal(found?.summary, 'Bell and escape');
    t.equal(found?.description, 'tab\there\nnext');
    await CalendarEvent.query(db).deleteById(ev.id);
  });

  t.test('an event that ends as it starts has no DTEND (RFC 5545 §3.6.1 wants DTEND later than DTSTART)', async (t) => {
    const at = new Date(Date.now() + 2 * 86_400_000);
    const ev = await CalendarEvent.query(db).insertAndFetch({ groupId: planners.id, title: 'Deadline moment', startsAt: at, endsAt: at });
    const res = await o.get(`/events/${ev.id}/event.ics`);
    t.notMatch(res.body, /DTEND/);
    const [parsed] = parse(res.body);
    t.equal(parsed?.start.getTime(), Math.floor(at.getTime() / 1000) * 1000);
    t.equal(parsed?.end.getTime(), parsed?.start.getTime(), 'ical.js reads it as ending when it starts');
    await CalendarEvent.query(db).deleteById(ev.id);
  });

  t.test('an edit raises SEQUENCE and LAST-MODIFIED; the UID stays', async (t) => {
    const path = await makeFeed(o);
    const before = parse((await fetchFeed(app, path)).body).find((e) => e.summary === 'Launch')!;
    await o.get(`/events/${launch.id}/edit`);
    t.equal((await o.post(`/events/${launch.id}/edit`, { ...form, title: 'Launch', startTime: '09:30' })).statusCode, 303);
    const after = parse((await fetchFeed(app, path)).body).find((e) => e.summary === 'Launch')!;
    t.equal(after.uid, before.uid);
    t.equal(after.sequence, before.sequence + 1);
    t.equal(after.start.getTime() - before.start.getTime(), 30 * 60_000);
  });

  t.test('the window: 90 days back, a year ahead', async (t) => {
    const summaries = parse((await fetchFeed(app, await makeFeed(o))).body).map((e) => e.summary);
    t.notOk(summaries.includes('Long ago'));
    t.notOk(summaries.includes('Far ahead'));
  });

  t.test('each feed shows only what its person may see: not another person\'s events', async (t) => {
    const mine = parse((await fetchFeed(app, await makeFeed(out))).body).map((e) => e.summary);
    t.same(mine.sort(), ['All hands', 'Not yours'], 'the outsider sees its own group and the company calendar');
    const members = parse((await fetchFeed(app, await makeFeed(m))).body).map((e) => e.summary);
    t.ok(members.includes('Launch') && members.includes('Inner meeting') && members.includes('All hands'));
    t.notOk(members.includes('Not yours'), 'not a group the member is not in');
  });

  t.test('an external user\'s feed shows only their groups: no company calendar, no other groups', async (t) => {
    const path = await makeFeed(x);
    const summaries = parse((await fetchFeed(app, path)).body).map((e) => e.summary);
    t.ok(summaries.includes('Launch'));
    t.notOk(summaries.includes('All hands'), 'R-X5: no company events');
    t.notOk(summaries.includes('Inner meeting'));
    t.notOk(summaries.includes('Not yours'));
    await db('settings').update({ extranetEnabled: false });
    t.equal((await fetchFeed(app, path)).statusCode, 404, 'the extranet switched off: 404');
    await db('settings').update({ extranetEnabled: true });
    t.equal((await fetchFeed(app, path)).statusCode, 200, 'and back');
  });

  t.test('access lost after removal from the group shows at the next fetch', async (t) => {
    const path = await makeFeed(m);
    t.ok(parse((await fetchFeed(app, path)).body).some((e) => e.summary === 'Inner meeting'));
    await Membership.query(db).where({ groupId: inner.id, userId: member.id }).delete();
    const summaries = parse((await fetchFeed(app, path)).body).map((e) => e.summary);
    t.notOk(summaries.includes('Inner meeting'));
    t.ok(summaries.includes('Launch'), 'other groups stay');
  });

  t.test('an admin\'s feed never reads with admin mode', async (t) => {
    const admin = await makeUser(db, { name: 'Admin', isAdmin: true });
    const a = await signIn(app, admin);
    await a.post('/profile/admin-mode', { mode: 'on' });
    const summaries = parse((await fetchFeed(app, await makeFeed(a))).body).map((e) => e.summary);
    t.same(summaries, ['All hands']);
  });

  t.test('regenerating revokes the old address; revoking answers 404; unknown and malformed addresses 404', async (t) => {
    const first = await makeFeed(m);
    const second = await makeFeed(m);
    t.not(first, second);
    t.equal((await fetchFeed(app, first)).statusCode, 404, 'the old address is dead');
    t.equal((await fetchFeed(app, second)).statusCode, 200);
    await m.get('/calendar/subscribe');
    const revoke = await m.post('/calendar/subscribe/revoke');
    t.equal(revoke.statusCode, 303);
    t.equal((await fetchFeed(app, second)).statusCode, 404, 'revoked');
    t.match((await m.get('/calendar/subscribe')).body, /You have no calendar address/);
    t.equal((await db('calendar_feeds').where({ userId: member.id })).length, 0, 'the row is gone');
    for (const bad of ['/calendar/feed/' + 'A'.repeat(43) + '.ics', '/calendar/feed/' + second.slice(15, 58), '/calendar/feed/x.ics', '/calendar/feed/%00.ics']) {
      t.equal((await fetchFeed(app, bad)).statusCode, 404, bad.slice(0, 60));
    }
    t.equal((await fetchFeed(app, `/calendar/feed/${'A'.repeat(5000)}.ics`)).statusCode, 414, 'a huge address is refused before any query');
  });

  t.test('the same form sent twice makes one address (issue 15 item 7)', async (t) => {
    const form = async () => /name="_submission" value="([^"]+)"/.exec((await m.get('/calendar/subscribe')).body)?.[1] ?? '';
    const token = await form();
    t.match(token, /^[A-Za-z0-9_-]{16,64}$/);
    const [a, b] = await Promise.all([m.post('/calendar/subscribe', { _submission: token }), m.post('/calendar/subscribe', { _submission: token })]);
    t.same([a.statusCode, b.statusCode], [303, 303], 'at once: both answered with the first redirect');
    t.equal((await db('calendar_feeds').where({ userId: member.id })).length, 1);
    const again = await form();
    t.equal((await m.post('/calendar/subscribe', { _submission: again })).statusCode, 303);
    const hash = (await db('calendar_feeds').where({ userId: member.id }).first())?.tokenHash;
    t.equal((await m.post('/calendar/subscribe', { _submission: again })).statusCode, 303, 'a retry after the answer');
    t.equal((await db('calendar_feeds').where({ userId: member.id }).first())?.tokenHash, hash, 'made nothing new');
    const url = /id="feed-url" type="url" value="([^"]+)"/.exec((await m.get('/calendar/subscribe')).body)?.[1];
    t.equal((await fetchFeed(app, new URL(url ?? 'http://x/').pathname)).statusCode, 200, 'and the address shown is the one that works');
  });

  t.test('a deactivated person\'s feed answers 404 (R-U6)', async (t) => {
    const path = await makeFeed(out);
    await User.query(db).findById(outsider.id).patch({ deactivatedAt: new Date() });
    t.equal((await fetchFeed(app, path)).statusCode, 404);
    await User.query(db).findById(outsider.id).patch({ deactivatedAt: null });
    t.equal((await fetchFeed(app, path)).statusCode, 200);
  });

  t.test('a feed is a bounded number of queries, however many events', async (t) => {
    const path = await makeFeed(o);
    const few = await countQueries(db, () => fetchFeed(app, path));
    await CalendarEvent.query(db).insert(Array.from({ length: 40 }, (_, i) => ({ groupId: planners.id, title: `Bulk ${i}`, startsAt: new Date(Date.now() + i * 3_600_000), endsAt: new Date(Date.now() + (i + 1) * 3_600_000) })));
    const many = await countQueries(db, () => fetchFeed(app, path));
    t.equal(many, few);
    t.ok(many <= 2, `${many} queries`);
  });

  t.test('the per-event .ics: a download of one event, 404 where the event is not visible', async (t) => {
    const res = await o.get(`/events/${launch.id}/event.ics`);
    t.equal(res.statusCode, 200);
    t.equal(res.headers['content-type'], 'text/calendar; charset=utf-8');
    t.equal(res.headers['content-disposition'], `attachment; filename="Launch.ics"; filename*=UTF-8''Launch.ics`);
    const [only, ...rest] = parse(res.body);
    t.equal(rest.length, 0);
    t.equal(only?.summary, 'Launch');
    t.equal(only?.start.toISOString(), new Date((await CalendarEvent.query(db).findById(launch.id))!.startsAt).toISOString());
    t.match((await o.get(`/events/${launch.id}`)).body, new RegExp(`href="/events/${launch.id}/event.ics"`), 'linked from the event');
    const special = (await CalendarEvent.query(db).where('title', longTitle).first())!;
    const named = await o.get(`/events/${special.id}/event.ics`);
    t.match(String(named.headers['content-disposition']), /^attachment; filename="Kick-off, phase 1_ _Zurich_ [^"]*\.ics"; filename\*=UTF-8''Kick-off%2C%20phase%201%3B%20%22Z%C3%BCrich%22/, 'an RFC 5987 name, ASCII fallback without quotes or semicolons');
    t.equal(parse(named.body)[0]?.summary, longTitle);
    t.equal((await out.get(`/events/${launch.id}/event.ics`)).statusCode, 404, 'another person\'s event');
    t.equal((await x.get(`/events/${company.id}/event.ics`)).statusCode, 404, 'R-X5: an external user and a company event');
    t.equal((await x.get(`/events/${innerEvent.id}/event.ics`)).statusCode, 404);
    t.equal((await m.get(`/events/${foreign.id}/event.ics`)).statusCode, 404);
    t.equal((await m.get('/events/999999/event.ics')).statusCode, 404);
    t.equal((await m.get('/events/abc/event.ics')).statusCode, 404);
    const anonymous = await app.inject({ method: 'GET', url: `/events/${launch.id}/event.ics` });
    t.equal(anonymous.statusCode, 303, 'signed out: to the sign-in page');
  });
});
