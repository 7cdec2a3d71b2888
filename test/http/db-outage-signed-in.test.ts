// A database outage seen by someone signed in: the same 503 page as everyone gets (not plain
// text), and one line in the log for the outage instead of an error per request.
import t from 'tap';
import { Client, makeUser } from '../helper.js';
import { appBehindProxy } from '../outage-app.js';

t.test('signed in during an outage: the 503 page, and the outage logged once', async (t) => {
  const lines: { level: number; msg: string }[] = [];
  const logStream = { write: (line: string) => void lines.push(JSON.parse(line) as { level: number; msg: string }) };
  const { app, db, proxy } = await appBehindProxy(t, { logStream });
  const user = await makeUser(db, { name: 'Sina Signedin' });
  const c = new Client(app);
  t.equal((await c.login(user.email)).statusCode, 303);
  t.match((await c.get('/')).body, /Welcome, Sina Signedin/);

  await proxy.cut();
  const logged = lines.length;
  const urls = ['/', '/groups', '/tasks', '/profile', '/files', '/calendar', '/', '/groups', '/tasks', '/profile'];
  for (const url of urls) {
    const res = await c.get(url);
    t.equal(res.statusCode, 503, `${url}: 503`);
    t.match(String(res.headers['content-type']), /^text\/html/, `${url}: the HTML page, not plain text`);
    t.match(res.body, /<title>[^<]*Atrium is temporarily unavailable/, `${url}: the error page in the layout`);
    t.equal(res.headers['retry-after'], '30');
  }
  const anonymous = await app.inject({ url: '/login' });
  t.equal(anonymous.statusCode, 503, 'signed out: 503 too');
  t.match(String(anonymous.headers['content-type']), /^text\/html/);

  const during = lines.slice(logged).filter((l) => l.level >= 40);
  t.equal(during.filter((l) => l.level >= 50).length, 1, `one error line for the outage (${during.map((l) => l.msg).join(' | ')})`);
  t.ok(during.length <= 2, 'no line per request');

  await proxy.restore();
  t.equal((await c.get('/')).statusCode, 200, 'back after the outage');
  t.ok(lines.slice(logged).some((l) => l.level === 30 && /database .*again/i.test(l.msg)), 'the recovery is logged');
});
