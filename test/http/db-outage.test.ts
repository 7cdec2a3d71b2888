// Database outage: the app is built on a TCP proxy in front of its database; cutting the proxy
// drops every connection and refuses new ones, as a stopped or unreachable server does.
import t from 'tap';
import { validGroupForm } from '../fixtures.js';
import { Client, makeUser } from '../helper.js';
import { appBehindProxy } from '../outage-app.js';

t.test('database outage: 503 pages, failing /healthz, recovery without restart, no half-applied writes', async (t) => {
  const { app, db, appDb, proxy } = await appBehindProxy(t);

  const user = await makeUser(db, { name: 'Olga Outage' });
  const c = new Client(app);
  t.equal((await c.login(user.email)).statusCode, 303, 'signed in while the database is up');
  t.match((await c.get('/')).body, /Welcome, Olga Outage/);
  await c.get('/groups/new');

  await proxy.cut();
  for (const url of ['/', '/groups', '/tasks', '/profile']) {
    const res = await c.get(url);
    t.equal(res.statusCode, 503, `${url}: 503 while the database is down`);
    t.match(res.body, /Atrium is temporarily unavailable/, `${url}: a clear page`);
    t.equal(res.headers['retry-after'], '30');
  }
  const health = await app.inject({ url: '/healthz' });
  t.equal(health.statusCode, 503, '/healthz fails');
  const write = await c.post('/groups', { ...validGroupForm, description: 'Made during an outage', name: 'Outage group' });
  t.equal(write.statusCode, 503, 'a form sent during the outage: 503, not 500');

  await proxy.restore();
  t.equal((await app.inject({ url: '/healthz' })).statusCode, 200, '/healthz recovers without a restart');
  const home = await c.get('/');
  t.equal(home.statusCode, 200, 'the same session works again');
  t.match(home.body, /Welcome, Olga Outage/);
  t.equal((await db('groups').where({ name: 'Outage group' })).length, 0, 'the refused form left nothing behind');

  t.test('the connection drops in the middle of a multi-step write: nothing of it is kept', async (t) => {
    await c.get('/groups/new');
    // Cut exactly when the owner membership is written, after the group row was inserted.
    const onQuery = (q: { sql: string }) => {
      if (/insert into "memberships"/.test(q.sql)) void proxy.cut();
    };
    appDb.on('query', onQuery);
    const res = await c.post('/groups', { ...validGroupForm, description: 'Made during an outage', name: 'Half-written group' });
    appDb.off('query', onQuery);
    t.equal(res.statusCode, 503, 'the writer sees 503');
    await proxy.restore();
    t.equal((await db('groups').where({ name: 'Half-written group' })).length, 0, 'the group row inserted before the drop was rolled back');
    t.equal((await db('auditLog').where({ action: 'group.create' })).length, 0, 'no audit entry either');
    await c.get('/groups/new');
    const again = await c.post('/groups', { ...validGroupForm, description: 'Made during an outage', name: 'Half-written group' });
    t.equal(again.statusCode, 303, 'sent again after recovery, it is created once');
    t.equal((await db('groups').where({ name: 'Half-written group' })).length, 1);
    t.equal((await db('memberships').join('groups', 'groups.id', 'memberships.groupId').where({ 'groups.name': 'Half-written group', role: 'owner' })).length, 1);
  });
});
