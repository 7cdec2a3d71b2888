// Issue 16: in production templates are compiled once and an include calls the compiled template it named
// (lib/eta-components.ts). The pages a server renders that way are the pages the tests render from the files:
// the same person's pages, from one app built for production and one not, over one database and one session.
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

/** CSRF tokens and the forms' one-time submission tokens are made anew for each page: the parts that differ by design. */
// Tokens, and a chat page's time in its stream URL (live replay), differ between any two renders.
const withoutTokens = (html: string) => html.replace(/("x-csrf-token": "|name="_csrf" value="|name="_submission" value=")[^"]+"/g, '$1…"').replace(/(&amp;since=)\d+/g, '$1…');

t.test('pages rendered from cached templates equal pages rendered from the files (issue 16)', async (t) => {
  const { app, db } = await build(t);
  const dataDir = app.config.dataDir;
  const config = loadConfig({ ...process.env, DATABASE_URL: 'postgres://unused/x', DATA_DIR: dataDir, LOG_LEVEL: 'silent' });
  const production = await buildApp({ config, db, production: true });
  await production.ready();
  t.teardown(() => production.close());
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const member = await makeUser(db, { name: 'Ext Erna', isExtranet: true });
  const group = await makeGroup(db, owner, { name: 'Cached', tools: ['feed', 'tasks', 'files', 'calendar', 'chat'] }, [[member]]);
  const o = await signIn(app, owner);
  await o.get('/tasks/new');
  for (const title of ['First card', 'Second card', 'Third card']) await o.post('/tasks', { group: String(group.id), title, responsible: member.email });
  await o.post(`/groups/${group.id}/posts`, { kind: 'post', body: 'Hello @Ext Erna, welcome' });
  await o.post(`/groups/${group.id}/chat`, { message: 'A chat line' });
  // A flash is shown once: read it now, or whichever app renders the first page first takes it from the other.
  await o.get('/');
  const pages = ['/', '/tasks', '/tasks/board', `/groups/${group.id}`, `/groups/${group.id}/tasks`, `/groups/${group.id}/tasks/board`, `/groups/${group.id}/members`, `/groups/${group.id}/chat`, '/feed', '/users', '/search?q=card'];
  for (const url of pages) {
    const headers = { cookie: o.sessionCookie };
    // Twice each: the second render takes the cached includes.
    for (const round of [1, 2]) {
      const [fromFiles, cached] = await Promise.all([app.inject({ url, headers }), production.inject({ url, headers })]);
      t.equal(cached.statusCode, 200, `${url} (${round})`);
      t.equal(withoutTokens(cached.body), withoutTokens(fromFiles.body), `${url}: the same page (${round})`);
    }
  }
});
