// DESIGN.md: a page runs a bounded number of queries whatever its size (no N+1), for the
// files, calendar and chat pages too.
import t from 'tap';
import { ChatMessage, Conversation } from '../../src/models/chat.js';
import { CalendarEvent } from '../../src/models/event.js';
import { DriveFile, Folder } from '../../src/models/file.js';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { countQueries } from '../query-count.js';

t.test('files, calendar and chat pages run a fixed number of queries', async (t) => {
  const { app, db } = await build(t);
  const me = await makeUser(db, { name: 'Busy' });
  const others = await Promise.all(Array.from({ length: 5 }, (_, i) => makeUser(db, { name: `Other ${i}` })));
  const groups = await Promise.all(Array.from({ length: 5 }, (_, i) => makeGroup(db, others[i]!, { name: `Group ${i}` }, [[me]])));
  const g = groups[0]!;
  const folder = await Folder.query(db).insertAndFetch({ groupId: g.id, name: 'Docs' });
  const convo = (await Conversation.query(db).where({ groupId: g.id }).first())!;
  let n = 0;
  const add = async (count: number) => {
    for (let i = 0; i < count; i++, n++) {
      const grp = groups[n % groups.length]!;
      const by = others[n % others.length]!;
      await DriveFile.query(db).insert({ groupId: g.id, folderId: n % 2 ? folder.id : null, name: `file ${n}.txt`, storageKey: crypto.randomUUID(), mimeType: 'text/plain', size: n, uploadedBy: by.id });
      await Folder.query(db).insert({ groupId: g.id, parentId: folder.id, name: `sub ${n}` });
      await CalendarEvent.query(db).insert({ groupId: grp.id, title: `event ${n}`, startsAt: new Date(Date.now() + n * 3_600_000), endsAt: new Date(Date.now() + n * 3_600_000 + 60_000), createdBy: by.id });
      await ChatMessage.query(db).insert({ conversationId: (await Conversation.query(db).where({ groupId: grp.id }).first())!.id, authorId: by.id, body: `message ${n}` });
      await ChatMessage.query(db).insert({ conversationId: convo.id, authorId: by.id, body: `hello ${n}` });
    }
  };
  const c = await signIn(app, me);
  const pages = [`/groups/${g.id}/files`, `/folders/${folder.id}`, '/files', `/groups/${g.id}/calendar`, `/groups/${g.id}/calendar?view=list`, '/calendar', '/calendar?view=list', '/chat', `/groups/${g.id}/chat`];

  await add(5);
  const small: Record<string, number> = {};
  for (const url of pages) small[url] = await countQueries(db, async () => t.equal((await c.get(url)).statusCode, 200, url));
  await add(120);
  for (const url of pages) {
    const large = await countQueries(db, () => c.get(url));
    t.equal(large, small[url], `${url}: ${large} queries with few or many rows`);
    t.ok(large <= 9, `${url}: at most 9 queries (${large})`);
  }
});
