import t from 'tap';
import { encodeCursor } from '../../src/lib/keyset.js';
import { build, enableAdminMode, makeUser, signIn, type Client } from '../helper.js';
import { makeGroup } from '../fixtures.js';

/** Ids of the people linked from a list page, in order. */
const linkedIds = (body: string) => [...body.matchAll(/href="\/users\/(\d+)"/g)].map((m) => Number(m[1]));
const nextLink = (body: string) => /<a href="([^"]+)" rel="next">/.exec(body)?.[1]?.replaceAll('&amp;', '&');

t.test('people directory for an employee (SPEC §1)', async (t) => {
  const { app, db } = await build(t);
  const me = await makeUser(db, { name: 'Aaron Viewer' });
  const zelda = await makeUser(db, { name: 'Zelda Quartermain', email: 'Zq.Lookup@Example.com' });
  const ernest = await makeUser(db, { name: 'Ernest Other', email: 'ernest@example.com' });
  const stranger = await makeUser(db, { name: 'Xavier Stranger', email: 'xavier@client.example', isExtranet: true });
  const c = await signIn(app, me);

  t.test('lists employees, not unrelated external users (R-X1)', async (t) => {
    const res = await c.get('/users');
    t.equal(res.statusCode, 200);
    t.equal(res.body.match(/<h1/g)?.length, 1);
    const ids = linkedIds(res.body);
    t.ok(ids.includes(me.id) && ids.includes(zelda.id) && ids.includes(ernest.id), 'all employees listed');
    t.notOk(ids.includes(stranger.id), 'an external user who shares no group is not listed');
    t.notMatch(res.body, /Xavier Stranger/);
  });

  t.test('search by name and by e-mail, case-insensitive', async (t) => {
    for (const q of ['quarterMAIN', 'zq.lookup@EXAMPLE', 'ZELDA']) {
      const res = await c.get(`/users?q=${encodeURIComponent(q)}`);
      t.equal(res.statusCode, 200, q);
      t.same(linkedIds(res.body), [zelda.id], `q=${q} finds only Zelda`);
      t.match(res.body, new RegExp(`value="${q}"`), 'the search box keeps the query');
    }
    const none = await c.get('/users?q=nobody-by-this-name');
    t.same(linkedIds(none.body), []);
    t.match(none.body, /No people match\./);
    t.same(linkedIds((await c.get('/users?q=%25')).body), [], 'a % is searched literally, not as a wildcard');
    t.same(linkedIds((await c.get('/users?q=xavier')).body), [], 'search does not reach invisible people');
    const nul = await c.get('/users?q=Zel%00da');
    t.equal(nul.statusCode, 200, 'a NUL byte in the search is not a 500');
    t.same(linkedIds(nul.body), [zelda.id]);
  });

  t.test('/users/:id for a visible person; 404 for missing and malformed ids', async (t) => {
    const res = await c.get(`/users/${zelda.id}`);
    t.equal(res.statusCode, 200);
    t.match(res.body, /<title>Profile of Zelda Quartermain – Atrium<\/title>/);
    t.match(res.body, /Zq.Lookup@Example.com/);
    t.match(res.body, /Employee \(intranet\)/);
    for (const id of ['999999', 'abc', '1.5', '-1', '99999999999', '0', `${zelda.id}abc`]) {
      const miss = await c.get(`/users/${id}`);
      t.equal(miss.statusCode, 404, `/users/${id}`);
      t.match(miss.body, /Page not found/);
    }
  });

  t.test('an employee gets 404 for an external user it shares no group with (R-X1)', async (t) => {
    t.equal((await c.get(`/users/${stranger.id}`)).statusCode, 404);
  });

  t.test('htmx gets the list fragment; history restore gets the full page (SPEC §7)', async (t) => {
    const frag = await c.get('/users?q=zelda', { 'hx-request': 'true' });
    t.equal(frag.statusCode, 200);
    t.notMatch(frag.body, /<html|<body|<h1/);
    t.match(frag.body, /class="people-list"/);
    t.same(linkedIds(frag.body), [zelda.id]);
    t.match(String(frag.headers.vary), /HX-Request/i);
    const full = await c.get('/users?q=zelda');
    t.match(full.body, /<html lang="en">/);
    t.match(String(full.headers.vary), /HX-Request/i, 'the full page varies on the header too');
    const restore = await c.get('/users?q=zelda', { 'hx-request': 'true', 'hx-history-restore-request': 'true' });
    t.match(restore.body, /<html lang="en">/);
    t.match(restore.body, /<h1>People<\/h1>/);
  });
});

t.test('keyset paging over 60+ people (R-X1 scope, DESIGN: keyset, never OFFSET)', async (t) => {
  const { app, db } = await build(t);
  const me = await makeUser(db, { name: 'Pager Viewer' });
  const made = [me];
  for (let i = 0; i < 60; i++) made.push(await makeUser(db, { name: `Member ${String(i).padStart(2, '0')}` }));
  // Two people with the same name: the id breaks the tie so neither is skipped or repeated.
  made.push(await makeUser(db, { name: 'Member 25' }), await makeUser(db, { name: 'member 25' }));
  const c = await signIn(app, me);

  t.test('follow rel="next": page size 50, nobody twice, everybody once', async (t) => {
    const seen: number[] = [];
    let url: string | undefined = '/users';
    let pages = 0;
    while (url && pages < 10) {
      const res: Awaited<ReturnType<Client['get']>> = await c.get(url);
      t.equal(res.statusCode, 200, url);
      const ids = linkedIds(res.body);
      t.ok(ids.length <= 50, `at most 50 on a page (${ids.length})`);
      if (pages === 0) t.equal(ids.length, 50, 'the first page is full');
      seen.push(...ids);
      url = nextLink(res.body);
      pages++;
    }
    t.equal(pages, 2, 'two pages for 63 people');
    t.equal(new Set(seen).size, seen.length, 'no one appears twice');
    t.same([...seen].sort((a, b) => a - b), made.map((u) => u.id).sort((a, b) => a - b), 'everyone appears');
  });

  t.test('paging keeps the search', async (t) => {
    const first = await c.get('/users?q=member');
    const next = nextLink(first.body);
    t.match(next, /^\/users\?q=member&after=/);
    const second = await c.get(next!);
    t.equal(linkedIds(first.body).length + linkedIds(second.body).length, 62);
  });

  t.test('a bad cursor gives the first page, never a 500', async (t) => {
    const firstIds = linkedIds((await c.get('/users')).body);
    const bad = [
      ...['%%%', 'not-base64!', 'x'.repeat(600)],
      ...[[1], [1, 'x'], ['member', 1.5], ['member', 1e20], ['\u0000', 1]].map((c) => encodeCursor(c as (string | number)[])),
      ...['{"a":1}', '["member",1e400]'].map((json) => Buffer.from(json).toString('base64url')),
    ];
    for (const after of bad) {
      const res = await c.get(`/users?after=${encodeURIComponent(after)}`);
      t.equal(res.statusCode, 200, `after=${after.slice(0, 20)}`);
      t.same(linkedIds(res.body), firstIds);
    }
    const arrays = await c.get('/users?after=a&after=b&q=x&q=y');
    t.equal(arrays.statusCode, 200, 'repeated parameters are not a 500');
  });
});

t.test('extranet users see only themselves and their contacts (R-X1, R-U4)', async (t) => {
  const { app, db } = await build(t);
  const employee = await makeUser(db, { name: 'Emil Employee' });
  const lonely = await makeUser(db, { name: 'Lonely Outsider', isExtranet: true });
  const client = await makeUser(db, { name: 'Clara Client', isExtranet: true });
  const admin = await makeUser(db, { name: 'Ada Admin', isAdmin: true });
  await makeGroup(db, employee, { name: 'Shared project', isExtranet: true }, [[client]]);
  const marked = (name: string) => new RegExp(`<span class="person person--extranet"><svg class="icon-globe" aria-hidden="true"[^>]*>.*?</svg><span class="visually-hidden">external user:</span> ${name}</span>`);

  t.test('an unconnected external user sees only itself, and 404 for an employee', async (t) => {
    const c = await signIn(app, lonely);
    const list = await c.get('/users');
    t.equal(list.statusCode, 200);
    t.same(linkedIds(list.body), [lonely.id]);
    t.notMatch(list.body, /Emil Employee|Ada Admin|Clara Client/);
    t.equal((await c.get(`/users/${employee.id}`)).statusCode, 404);
    t.equal((await c.get(`/users/${client.id}`)).statusCode, 404);
    t.equal((await c.get(`/users/${lonely.id}`)).statusCode, 200, 'its own profile');
    t.same(linkedIds((await c.get('/users?q=emil')).body), [], 'search does not find employees');
  });

  t.test('R-U4: its name carries the globe, the text alternative and the class', async (t) => {
    const c = await signIn(app, lonely);
    const list = await c.get('/users');
    t.match(list.body, marked('Lonely Outsider'), 'in the list');
    const profile = await c.get(`/users/${lonely.id}`);
    t.match(profile.body, marked('Lonely Outsider'), 'on the profile');
    t.match(profile.body, /<span class="tag tag--extranet">Extranet<\/span>/, 'the Extranet mark on the profile');
    t.match(profile.body, /External user \(extranet\)/);
    const employeeList = await (await signIn(app, employee)).get('/users');
    t.match(employeeList.body, /<span class="person">Emil Employee<\/span>/, 'employees are not marked');
  });

  t.test('a contact sees the group co-members, marked (R-X1, R-U4)', async (t) => {
    const c = await signIn(app, client);
    const ids = linkedIds((await c.get('/users')).body);
    t.same([...ids].sort(), [client.id, employee.id].sort());
    t.equal((await c.get(`/users/${employee.id}`)).statusCode, 200);
    const e = await signIn(app, employee);
    const list = await e.get('/users');
    t.match(list.body, marked('Clara Client'), 'the employee sees the contact marked as external');
    t.notOk(linkedIds(list.body).includes(lonely.id));
    t.equal((await e.get(`/users/${lonely.id}`)).statusCode, 404, 'an external user it shares no group with is 404');
  });

  t.test('R-U4 on the admin users list', async (t) => {
    const a = await signIn(app, admin);
    await enableAdminMode(a);
    const res = await a.get('/admin/users');
    t.equal(res.statusCode, 200);
    t.match(res.body, marked('Lonely Outsider'));
    t.match(res.body, marked('Clara Client'));
    t.match(res.body, /<span class="person">Emil Employee<\/span>/);
  });
});
