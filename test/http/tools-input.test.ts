// DESIGN.md, SPEC §7: bad input on every files, calendar and chat form and URL (missing,
// oversized, malformed, wrong types, ids the viewer may not see, missing or forged CSRF token)
// gets a clear 4xx, never a 500, and changes nothing.
import type { Knex } from 'knex';
import t from 'tap';
import { ChatMessage, Conversation } from '../../src/models/chat.js';
import { CalendarEvent } from '../../src/models/event.js';
import { DriveFile, Folder } from '../../src/models/file.js';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { uploadAs } from '../multipart.js';

async function snapshot(db: Knex): Promise<string> {
  const tables = ['files', 'folders', 'drive_shares', 'file_links', 'events', 'conversations', 'chat_messages'];
  const rows = await Promise.all(tables.map((table) => db(table).orderBy('id')));
  return JSON.stringify(rows);
}

type Form = Record<string, string | string[]>;

t.test('bad input on files, calendar and chat forms', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Owner' });
  const stranger = await makeUser(db, { name: 'Stranger' });
  const group = await makeGroup(db, owner, { name: 'Inputs' });
  const hidden = await makeGroup(db, stranger, { name: 'Hidden' });
  const o = await signIn(app, owner);
  await o.get(`/groups/${group.id}/files`);
  await uploadAs(o, `/groups/${group.id}/files`, { filename: 'a.txt', type: 'text/plain', data: Buffer.from('a') });
  await o.post(`/groups/${group.id}/folders`, { name: 'F' });
  const file = (await DriveFile.query(db).first())!;
  const folder = (await Folder.query(db).first())!;
  const event = await CalendarEvent.query(db).insertAndFetch({ groupId: group.id, title: 'E', startsAt: new Date('2026-05-01T10:00:00Z'), endsAt: new Date('2026-05-01T11:00:00Z') });
  const s = await signIn(app, stranger);
  await s.get(`/groups/${hidden.id}/files`);
  await uploadAs(s, `/groups/${hidden.id}/files`, { filename: 'h.txt', type: 'text/plain', data: Buffer.from('h') });
  await s.post(`/groups/${hidden.id}/folders`, { name: 'H' });
  const hiddenFile = (await DriveFile.query(db).where({ groupId: hidden.id }).first())!;
  const hiddenFolder = (await Folder.query(db).where({ groupId: hidden.id }).first())!;
  const hiddenEvent = await CalendarEvent.query(db).insertAndFetch({ groupId: hidden.id, title: 'H', startsAt: new Date(), endsAt: new Date() });
  await s.post(`/groups/${hidden.id}/chat`, { message: 'secret' });
  await o.get('/');

  const validEvent = { group: String(group.id), title: 'T', startDate: '2026-05-02', startTime: '09:00', endDate: '2026-05-02', endTime: '10:00' };
  const posts: [string, Form][] = [
    [`/groups/${group.id}/folders`, { name: 'New' }],
    ['/files/folders', { name: 'New' }],
    [`/folders/${folder.id}/folders`, { name: 'New' }],
    [`/files/${file.id}/rename`, { name: 'b.txt' }],
    [`/files/${file.id}/move`, { folder: String(folder.id) }],
    [`/files/${file.id}/delete`, {}],
    [`/folders/${folder.id}/rename`, { name: 'G' }],
    [`/folders/${folder.id}/move`, { folder: '' }],
    [`/folders/${folder.id}/delete`, {}],
    [`/files/${file.id}/link`, {}],
    [`/files/${file.id}/link/revoke`, {}],
    ['/events', validEvent],
    [`/events/${event.id}/edit`, validEvent],
    [`/events/${event.id}/delete`, {}],
    [`/groups/${group.id}/chat`, { message: 'hi' }],
    [`/chat/with/${stranger.id}`, { message: 'hi' }],
  ];

  t.test('a missing or forged CSRF token: 403, nothing changes', async (t) => {
    const before = await snapshot(db);
    for (const [url, form] of posts) {
      t.equal((await o.post(url, form, { csrf: false })).statusCode, 403, `missing: ${url}`);
      t.equal((await o.post(url, form, { csrf: 'forged-token' })).statusCode, 403, `forged: ${url}`);
    }
    t.equal((await uploadAs(o, `/groups/${group.id}/files`, { filename: 'x.txt', type: 'text/plain', data: Buffer.from('x') }, { csrf: null })).statusCode, 403, 'upload without a token');
    t.equal((await uploadAs(o, `/groups/${group.id}/files`, { filename: 'x.txt', type: 'text/plain', data: Buffer.from('x') }, { csrf: 'forged' })).statusCode, 403, 'upload with a forged token');
    t.equal(await snapshot(db), before);
  });

  t.test('ids of things the viewer may not see, and malformed ids: 404, nothing changes', async (t) => {
    const before = await snapshot(db);
    const urls: [string, Form][] = [
      [`/groups/${hidden.id}/folders`, { name: 'X' }],
      [`/folders/${hiddenFolder.id}/folders`, { name: 'X' }],
      [`/files/${hiddenFile.id}/rename`, { name: 'X' }],
      [`/files/${hiddenFile.id}/move`, { folder: '' }],
      [`/files/${hiddenFile.id}/delete`, {}],
      [`/files/${hiddenFile.id}/link`, {}],
      [`/files/${hiddenFile.id}/shares`, { email: 'x@example.com' }],
      [`/folders/${hiddenFolder.id}/delete`, {}],
      [`/events/${hiddenEvent.id}/edit`, validEvent],
      [`/events/${hiddenEvent.id}/delete`, {}],
      ['/events', { ...validEvent, group: String(hidden.id) }],
      [`/groups/${hidden.id}/chat`, { message: 'x' }],
      ['/files/abc/rename', { name: 'x' }],
      ['/folders/0/delete', {}],
      ['/events/1e3/delete', {}],
      ['/events', { ...validEvent, group: 'abc' }],
      ['/events', { ...validEvent, group: ['1', '2'] }],
      ['/events', { ...validEvent, group: '99999999999' }],
      [`/groups/99999/chat`, { message: 'x' }],
      ['/chat/with/abc', { message: 'x' }],
      ['/chat/with/999999', { message: 'x' }],
    ];
    for (const [url, form] of urls) t.equal((await o.post(url, form)).statusCode, 404, url);
    t.equal((await uploadAs(o, `/groups/${hidden.id}/files`, { filename: 'x.txt', type: 'text/plain', data: Buffer.from('x') })).statusCode, 404, 'upload into a hidden group');
    t.equal((await uploadAs(o, `/folders/${hiddenFolder.id}/files`, { filename: 'x.txt', type: 'text/plain', data: Buffer.from('x') })).statusCode, 404, 'upload into a hidden folder');
    t.equal((await o.post(`/files/${file.id}/move`, { folder: String(hiddenFolder.id) })).statusCode, 422, 'moving into a folder of another drive');
    for (const url of [`/groups/${hidden.id}/files`, `/groups/${hidden.id}/calendar`, `/groups/${hidden.id}/chat`, `/groups/${hidden.id}/chat/messages?after=0`, `/folders/${hiddenFolder.id}`, `/folders/${hiddenFolder.id}/edit`, `/files/${hiddenFile.id}`, `/events/${hiddenEvent.id}`, `/events/${hiddenEvent.id}/edit`, `/events/new?group=${hidden.id}`, '/events/new?group=abc', '/events/new']) {
      t.equal((await o.get(url)).statusCode, 404, `GET ${url}`);
    }
    t.equal(await snapshot(db), before);
  });

  t.test('missing, oversized, malformed and wrongly typed fields: 4xx with the form again, nothing changes', async (t) => {
    const before = await snapshot(db);
    const long = 'x'.repeat(256);
    const cases: [string, Form, number][] = [
      [`/groups/${group.id}/folders`, {}, 422],
      [`/groups/${group.id}/folders`, { name: '   ' }, 422],
      [`/groups/${group.id}/folders`, { name: long }, 422],
      [`/groups/${group.id}/folders`, { name: 'a/b' }, 422],
      [`/groups/${group.id}/folders`, { name: '..' }, 422],
      [`/groups/${group.id}/folders`, { name: 'nul\u0000' }, 422],
      [`/groups/${group.id}/folders`, { name: ['a', 'b'] }, 422],
      [`/files/${file.id}/rename`, { name: '' }, 422],
      [`/files/${file.id}/rename`, { name: long }, 422],
      [`/files/${file.id}/rename`, { name: 'x\\y' }, 422],
      [`/files/${file.id}/rename`, { name: ['a', 'b'] }, 422],
      [`/files/${file.id}/move`, {}, 422],
      [`/files/${file.id}/move`, { folder: 'abc' }, 422],
      [`/files/${file.id}/move`, { folder: '-1' }, 422],
      [`/files/${file.id}/move`, { folder: '99999999999' }, 422],
      [`/files/${file.id}/move`, { folder: ['1', '2'] }, 422],
      [`/folders/${folder.id}/move`, { folder: String(folder.id) }, 422],
      [`/files/${file.id}/shares`, { email: 'x@example.com' }, 403],
      ['/events', { group: String(group.id) }, 422],
      ['/events', { ...validEvent, title: long }, 422],
      ['/events', { ...validEvent, title: ['a', 'b'] }, 422],
      ['/events', { ...validEvent, startDate: '2026-02-30' }, 422],
      ['/events', { ...validEvent, startDate: '26-05-02' }, 422],
      ['/events', { ...validEvent, startDate: '0000-01-01' }, 422],
      ['/events', { ...validEvent, startTime: '25:00' }, 422],
      ['/events', { ...validEvent, startTime: '9am' }, 422],
      ['/events', { ...validEvent, endTime: '' }, 422],
      ['/events', { ...validEvent, endDate: 'tomorrow' }, 422],
      ['/events', { ...validEvent, endTime: '08:00' }, 422],
      ['/events', { ...validEvent, endDate: '2026-05-01' }, 422],
      ['/events', { ...validEvent, location: long }, 422],
      ['/events', { ...validEvent, description: 'x'.repeat(10_001) }, 422],
      ['/events', { ...validEvent, description: 'a\u0000b' }, 422],
      [`/events/${event.id}/edit`, { ...validEvent, endDate: '2026-05-01' }, 422],
      [`/events/${event.id}/edit`, {}, 422],
      [`/groups/${group.id}/chat`, {}, 422],
      [`/groups/${group.id}/chat`, { message: '   ' }, 422],
      [`/groups/${group.id}/chat`, { message: 'x'.repeat(4001) }, 422],
      [`/groups/${group.id}/chat`, { message: ['a', 'b'] }, 422],
      [`/groups/${group.id}/chat`, { message: 'a\u0000b' }, 422],
      [`/chat/with/${owner.id}`, { message: 'to myself' }, 404],
    ];
    for (const [url, form, status] of cases) {
      const res = await o.post(url, form);
      t.equal(res.statusCode, status, `${url} ${JSON.stringify(form).slice(0, 80)}`);
      if (status === 422) t.match(res.body, /<title>Error: /, 'an error summary page');
    }
    t.equal(await snapshot(db), before);
  });

  t.test('unreadable or excessive multipart bodies: 400 or 413, never a 500, nothing stored', async (t) => {
    const before = await snapshot(db);
    const b = '----x';
    const part = (name: string, value: string, filename?: string) => `--${b}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"\r\nContent-Type: text/plain` : ''}\r\n\r\n${value}\r\n`;
    const two = Buffer.from(part('_csrf', o.csrf) + part('file', 'aaa', 'a.txt') + part('file', 'bbb', 'b.txt') + `--${b}--\r\n`);
    const manyFields = Buffer.from(part('_csrf', o.csrf) + Array.from({ length: 30 }, (_, i) => part(`f${i}`, 'v')).join('') + `--${b}--\r\n`);
    const cases: [string, Buffer | string, string, number][] = [
      ['two files', two, `multipart/form-data; boundary=${b}`, 413],
      ['too many fields', manyFields, `multipart/form-data; boundary=${b}`, 413],
      ['no boundary', two, 'multipart/form-data', 400],
      ['cut short', two.subarray(0, 200), `multipart/form-data; boundary=${b}`, 400],
      ['not multipart at all', 'hello', `multipart/form-data; boundary=${b}`, 400],
    ];
    for (const [label, payload, type, status] of cases) {
      const res = await app.inject({ method: 'POST', url: `/groups/${group.id}/files`, payload, headers: { 'content-type': type, cookie: o.sessionCookie } });
      t.equal(res.statusCode, status, label);
      t.match(res.body, /<h1>/, `${label}: a clear page`);
    }
    t.equal(await snapshot(db), before);
  });

  t.test('GET parameters that make no sense are ignored or refused, never a 500', async (t) => {
    const urls: [string, number][] = [
      ['/calendar?month=2026-13', 200],
      ['/calendar?month=abc&view=nonsense', 200],
      ['/calendar?view=list&after=%00', 200],
      ['/calendar?view=list&after=WyJ4IiwxXQ', 200],
      [`/groups/${group.id}/calendar?month=99999-01`, 200],
      [`/groups/${group.id}/files?after=garbage`, 200],
      [`/groups/${group.id}/chat?before=abc`, 400],
      [`/groups/${group.id}/chat/messages?after=-1`, 400],
      [`/groups/${group.id}/chat/messages?after=${'9'.repeat(30)}`, 400],
      ['/chat?after=%ff', 200],
      ['/chat/start?email=', 422],
      ['/chat/start?email=%00', 422],
      [`/chat/start?email=${'x'.repeat(300)}`, 422],
      ['/events/new?company=1', 403],
      ['/events/new?date=2026-02-30&group=' + group.id, 200],
      ['/s/%00', 404],
    ];
    for (const [url, status] of urls) t.equal((await o.get(url)).statusCode, status, url);
    t.equal(await ChatMessage.query(db).resultSize(), 1);
    t.equal(await Conversation.query(db).where('kind', 'direct').resultSize(), 0);
  });
});
