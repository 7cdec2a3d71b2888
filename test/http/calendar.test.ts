// R-F3, R-G3, R-G7, R-X5: group calendars (month and list), My calendar, company events,
// entered and shown in the viewer's time zone; who may add and change follows calendar_write.
import t from 'tap';
import { CalendarEvent } from '../../src/models/event.js';
import { Group } from '../../src/models/group.js';
import { build, enableAdminMode, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('calendar (R-F3)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Owner', timeZone: 'Europe/Berlin' });
  const moderator = await makeUser(db, { name: 'Moderator' });
  const member = await makeUser(db, { name: 'Member', timeZone: 'America/New_York' });
  const external = await makeUser(db, { name: 'External', isExtranet: true });
  const admin = await makeUser(db, { name: 'Admin', isAdmin: true });
  const group = await makeGroup(db, owner, { name: 'Planners' }, [[moderator, 'moderator'], [member], [external]]);
  const o = await signIn(app, owner);
  const m = await signIn(app, member);
  const x = await signIn(app, external);
  const event = { group: String(group.id), title: 'Launch', startDate: '2026-03-10', startTime: '09:00', endDate: '', endTime: '10:30', location: 'Room 4', description: 'Bring <b>cake</b>' };

  t.test('an event entered in Berlin time is stored as the instant it means and shown in each viewer\'s zone', async (t) => {
    await o.get(`/events/new?group=${group.id}`);
    const res = await o.post('/events', event);
    t.equal(res.statusCode, 303);
    const saved = await CalendarEvent.query(db).orderBy('id', 'desc').first();
    t.equal(saved?.startsAt.toISOString(), '2026-03-10T08:00:00.000Z', '09:00 in Berlin (CET)');
    t.equal(saved?.endsAt.toISOString(), '2026-03-10T09:30:00.000Z');
    const page = await o.get(String(res.headers.location));
    t.match(page.body, /Mar 10, 2026, 9:00 AM/);
    t.match(page.body, /Bring &lt;b&gt;cake&lt;\/b&gt;/, 'escaped');
    t.match((await m.get(String(res.headers.location))).body, /Mar 10, 2026, 4:00 AM/, 'the same event in New York time');
    const edit = await o.get(`/events/${saved?.id}/edit`);
    t.match(edit.body, /id="startTime" name="startTime" type="time" value="09:00"/, 'native time inputs, in the viewer\'s zone');
    t.match(edit.body, /id="startDate" name="startDate" type="date" value="2026-03-10"/);
  });

  t.test('across a daylight-saving change the wall clock is kept', async (t) => {
    const res = await o.post('/events', { ...event, title: 'Summer', startDate: '2026-07-01', startTime: '09:00', endTime: '10:00' });
    t.equal(res.statusCode, 303);
    t.equal((await CalendarEvent.query(db).orderBy('id', 'desc').first())?.startsAt.toISOString(), '2026-07-01T07:00:00.000Z', '09:00 in Berlin (CEST)');
  });

  t.test('the end may not come before the start: 422, and the database refuses it too', async (t) => {
    const count = await CalendarEvent.query(db).resultSize();
    const res = await o.post('/events', { ...event, endTime: '08:59' });
    t.equal(res.statusCode, 422);
    t.match(res.body, /<title>Error: /);
    t.match(res.body, /href="#endTime">The event must end at or after its start/);
    t.match(res.body, /value="Launch"/, 'the values are kept');
    t.equal((await o.post('/events', { ...event, endDate: '2026-03-09', endTime: '23:00' })).statusCode, 422);
    t.equal(await CalendarEvent.query(db).resultSize(), count);
    await t.rejects(async () => CalendarEvent.query(db).insert({ groupId: group.id, title: 'Backwards', startsAt: new Date('2026-01-02'), endsAt: new Date('2026-01-01') }), { message: /events_end_after_start/ }, 'CHECK (ends_at >= starts_at)');
    t.equal((await o.post('/events', { ...event, endTime: '09:00' })).statusCode, 303, 'an end equal to the start is fine');
  });

  t.test('month view: each day with its events; a multi-day event on each of its days', async (t) => {
    await o.post('/events', { ...event, title: 'Offsite', startDate: '2026-03-20', startTime: '18:00', endDate: '2026-03-22', endTime: '12:00' });
    const month = await o.get(`/groups/${group.id}/calendar?month=2026-03`);
    t.equal(month.statusCode, 200);
    t.match(month.body, /<caption>March 2026<\/caption>/);
    t.equal(month.body.match(/Offsite/g)?.length, 3, 'on the 20th, 21st and 22nd');
    t.match(month.body, /Friday, March 20[\s\S]*?9:00 AM|Tuesday, March 10[\s\S]*?9:00 AM/);
    t.match(month.body, /continues/);
    t.notMatch(month.body, /Summer/, 'July is another month');
    t.match(month.body, /month=2026-02/, 'previous month');
    t.match(month.body, /month=2026-04/, 'next month');
    const fragment = await o.get(`/groups/${group.id}/calendar?month=2026-03`, { 'hx-request': 'true' });
    t.notMatch(fragment.body, /<html/, 'htmx gets the view alone');
    t.match(fragment.body, /id="calendar-view"/);
  });

  t.test('list view: what has not ended, soonest first', async (t) => {
    await CalendarEvent.query(db).insert({ groupId: group.id, title: 'Long gone', startsAt: new Date('2020-01-01T10:00:00Z'), endsAt: new Date('2020-01-01T11:00:00Z') });
    await CalendarEvent.query(db).insert({ groupId: group.id, title: 'Far future', startsAt: new Date('2099-01-01T10:00:00Z'), endsAt: new Date('2099-01-01T11:00:00Z') });
    const list = await o.get(`/groups/${group.id}/calendar?view=list`);
    t.equal(list.statusCode, 200);
    t.match(list.body, /Far future/);
    t.notMatch(list.body, /Long gone/);
  });

  t.test('calendar_write = moderators: plain members read but cannot add or change (R-G3)', async (t) => {
    await Group.query(db).findById(group.id).patch({ calendarWrite: 'moderators' });
    const launch = await CalendarEvent.query(db).where({ title: 'Launch' }).first();
    const before = JSON.stringify(await CalendarEvent.query(db).orderBy('id'));
    t.equal((await m.get(`/events/new?group=${group.id}`)).statusCode, 403);
    t.equal((await m.post('/events', event)).statusCode, 403);
    t.equal((await m.post(`/events/${launch?.id}/edit`, { ...event, title: 'Hijacked' })).statusCode, 403);
    t.equal((await m.post(`/events/${launch?.id}/delete`)).statusCode, 403);
    t.equal((await m.get(`/events/${launch?.id}/edit`)).statusCode, 403);
    t.equal(JSON.stringify(await CalendarEvent.query(db).orderBy('id')), before, 'nothing changed');
    t.equal((await m.get(`/events/${launch?.id}`)).statusCode, 200, 'they still read');
    t.notMatch((await m.get(`/groups/${group.id}/calendar`)).body, /New event/);
    const mod = await signIn(app, moderator);
    await mod.get(`/events/new?group=${group.id}`);
    t.equal((await mod.post(`/events/${launch?.id}/edit`, { ...event, title: 'Launch!' })).statusCode, 303, 'a moderator may');
    await Group.query(db).findById(group.id).patch({ calendarWrite: 'members' });
  });

  t.test('an archived group: its calendar is read-only (R-G7)', async (t) => {
    await Group.query(db).findById(group.id).patch({ archivedAt: new Date() });
    const launch = await CalendarEvent.query(db).where({ groupId: group.id }).first();
    const before = JSON.stringify(await CalendarEvent.query(db).orderBy('id'));
    t.equal((await o.post('/events', event)).statusCode, 403);
    t.equal((await o.post(`/events/${launch?.id}/edit`, event)).statusCode, 403);
    t.equal((await o.post(`/events/${launch?.id}/delete`)).statusCode, 403);
    t.equal(JSON.stringify(await CalendarEvent.query(db).orderBy('id')), before);
    t.equal((await o.get(`/groups/${group.id}/calendar`)).statusCode, 200);
    t.equal((await o.get(`/events/${launch?.id}`)).statusCode, 200);
    await Group.query(db).findById(group.id).patch({ archivedAt: null });
  });

  t.test('company events: made in admin mode, seen by employees, never by extranet users (R-X5)', async (t) => {
    const a = await signIn(app, admin);
    t.equal((await a.get('/events/new?company=1')).statusCode, 403, 'not without admin mode');
    await enableAdminMode(a);
    await a.get('/events/new?company=1');
    const res = await a.post('/events', { company: '1', title: 'All hands', startDate: '2026-03-12', startTime: '15:00', endTime: '16:00' });
    t.equal(res.statusCode, 303);
    const allHands = await CalendarEvent.query(db).where({ title: 'All hands' }).first();
    t.equal(allHands?.groupId, null);
    t.match((await m.get('/calendar?month=2026-03')).body, /All hands/, 'an employee sees it in My calendar');
    t.match((await m.get('/calendar?month=2026-03')).body, /Launch/, 'with its groups\' events');
    const ext = await x.get('/calendar?month=2026-03');
    t.equal(ext.statusCode, 200);
    t.notMatch(ext.body, /All hands/, 'an external user does not');
    t.match(ext.body, /Launch/, 'but sees its group\'s events');
    t.equal((await x.get(`/events/${allHands?.id}`)).statusCode, 404);
    t.equal((await x.get('/events/new?company=1')).statusCode, 404);
    t.equal((await x.post('/events', { company: '1', title: 'Sneaky', startDate: '2026-03-12', startTime: '15:00', endTime: '16:00' })).statusCode, 404);
    t.equal((await m.post('/events', { company: '1', title: 'Sneaky', startDate: '2026-03-12', startTime: '15:00', endTime: '16:00' })).statusCode, 403, 'an employee without admin mode');
    t.equal(await CalendarEvent.query(db).where({ title: 'Sneaky' }).resultSize(), 0);
  });

  t.test('a calendar tool switched off answers 404 (R-G3)', async (t) => {
    await Group.query(db).findById(group.id).patch({ tools: ['feed', 'tasks'] });
    const launch = await CalendarEvent.query(db).where({ groupId: group.id }).first();
    for (const url of [`/groups/${group.id}/calendar`, `/events/${launch?.id}`, `/events/${launch?.id}/edit`, `/events/new?group=${group.id}`]) t.equal((await o.get(url)).statusCode, 404, url);
    t.equal((await o.post('/events', event)).statusCode, 404);
    t.notMatch((await o.get('/calendar?month=2026-03')).body, /Launch/, 'gone from My calendar');
    t.notMatch((await o.get(`/groups/${group.id}`)).body, new RegExp(`/groups/${group.id}/calendar`), 'and from the menu');
    await Group.query(db).findById(group.id).patch({ tools: ['feed', 'tasks', 'files', 'calendar', 'chat'] });
  });

  t.test('delete', async (t) => {
    const launch = await CalendarEvent.query(db).where({ groupId: group.id }).first();
    const res = await o.post(`/events/${launch?.id}/delete`);
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, `/groups/${group.id}/calendar`);
    t.notOk(await CalendarEvent.query(db).findById(launch!.id));
  });
});
