// Issue 15 item 7: each rendered create form carries a one-time token; the same form sent again
// answers the first result (the same 303) instead of creating a second post, task, message or group.
import t from 'tap';
import { FormSubmission } from '../../src/models/form-submission.js';
import { Post } from '../../src/models/post.js';
import { Task } from '../../src/models/task.js';
import { pruneSubmissions } from '../../src/services/submissions.js';
import { build, makeUser, signIn, type Client } from '../helper.js';
import { makeGroup } from '../fixtures.js';

const TOKEN = /name="_submission" value="([^"]+)"/g;

function tokensOn(body: string): string[] {
  return [...body.matchAll(TOKEN)].map((m) => m[1] ?? '');
}

t.test('one-time tokens on create forms (issue 15 item 7)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const member = await makeUser(db, { name: 'Mia Member' });
  const group = await makeGroup(db, owner, { tools: ['feed', 'tasks', 'files', 'calendar', 'chat'], isExtranet: true }, [[member]]);
  const [o, m] = await Promise.all([signIn(app, owner), signIn(app, member)]);
  const firstToken = async (client: Client, url: string) => tokensOn((await client.get(url)).body)[0] ?? '';

  t.test('every create form carries a fresh token of its own', async (t) => {
    const pages: [Client, string, number][] = [
      [m, `/tasks/new?group=${group.id}`, 1],
      [m, `/groups/${group.id}`, 1],
      [m, '/feed', 2],
      [m, `/groups/${group.id}/chat`, 1],
      [m, `/events/new?group=${group.id}`, 1],
      [m, `/groups/${group.id}/files`, 2],
      [o, '/groups/new', 1],
      [o, `/groups/${group.id}/invite-external`, 1],
    ];
    for (const [client, url, forms] of pages) {
      const tokens = tokensOn((await client.get(url)).body);
      t.equal(tokens.length, forms, `${url}: one token per create form`);
      t.ok(tokens.every((tok) => /^[A-Za-z0-9_-]{22}$/.test(tok)), `${url}: 128 random bits`);
      t.equal(new Set(tokens).size, tokens.length, `${url}: no two forms share one`);
    }
    t.not(await firstToken(m, '/feed'), await firstToken(m, '/feed'), 'each rendering gets a new token');
  });

  t.test('the same form sent again answers the first redirect and creates nothing', async (t) => {
    const token = await firstToken(m, `/tasks/new?group=${group.id}`);
    const form = { _submission: token, group: String(group.id), title: 'Once only', description: '', deadline: '' };
    const first = await m.post('/tasks', form);
    t.equal(first.statusCode, 303);
    const again = await m.post('/tasks', form);
    t.equal(again.statusCode, 303);
    t.equal(again.headers.location, first.headers.location, 'the same answer');
    t.equal(await Task.query(db).where({ title: 'Once only' }).resultSize(), 1);
  });

  t.test('htmx is told to load the first answer rather than swap it in', async (t) => {
    const token = await firstToken(m, `/groups/${group.id}`);
    const form = { _submission: token, kind: 'post', body: 'Posted by htmx' };
    const hx = { headers: { 'hx-request': 'true' } };
    t.equal((await m.post(`/groups/${group.id}/posts`, form, hx)).statusCode, 200, 'the fragment');
    const again = await m.post(`/groups/${group.id}/posts`, form, hx);
    t.equal(again.headers['hx-redirect'], `/groups/${group.id}`);
    t.equal(again.body, '');
    t.equal(await Post.query(db).where({ body: 'Posted by htmx' }).resultSize(), 1);
  });

  t.test('a refused form does not use its token up: corrected, it creates', async (t) => {
    const token = await firstToken(m, `/tasks/new?group=${group.id}`);
    const bad = await m.post('/tasks', { _submission: token, group: String(group.id), title: '' });
    t.equal(bad.statusCode, 422);
    const good = await m.post('/tasks', { _submission: token, group: String(group.id), title: 'Fixed title' });
    t.equal(good.statusCode, 303);
    t.equal(await Task.query(db).where({ title: 'Fixed title' }).resultSize(), 1);
  });

  t.test('a form without a token (an old page) or with a malformed one still creates every time', async (t) => {
    for (const extra of [{} as Record<string, string>, { _submission: 'short' }, { _submission: 'x'.repeat(65) }, { _submission: 'bad token with spaces!!' }]) {
      t.equal((await m.post('/tasks', { ...extra, group: String(group.id), title: 'Old page' })).statusCode, 303);
    }
    t.equal(await Task.query(db).where({ title: 'Old page' }).resultSize(), 4);
  });

  t.test('a token is one person\'s: the same string from someone else is another form', async (t) => {
    const token = await firstToken(m, `/groups/${group.id}`);
    t.equal((await m.post(`/groups/${group.id}/posts`, { _submission: token, kind: 'post', body: 'Shared token' })).statusCode, 303);
    t.equal((await o.post(`/groups/${group.id}/posts`, { _submission: token, kind: 'post', body: 'Shared token' })).statusCode, 303);
    t.equal(await Post.query(db).where({ body: 'Shared token' }).resultSize(), 2);
  });

  t.test('tokens are forgotten after two days', async (t) => {
    const token = await firstToken(m, `/groups/${group.id}`);
    await m.post(`/groups/${group.id}/posts`, { _submission: token, kind: 'post', body: 'Old token' });
    await FormSubmission.query(db).where({ userId: member.id, token }).patch({ createdAt: new Date(Date.now() - 3 * 24 * 60 * 60 * 1000) });
    t.ok((await pruneSubmissions(db)) >= 1);
    t.equal(await FormSubmission.query(db).where({ userId: member.id, token }).resultSize(), 0);
  });
});
