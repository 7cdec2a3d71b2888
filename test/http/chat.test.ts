// R-F4, R-X4, R-G3, R-G7: one chat per group for its members, direct conversations between
// people who may contact each other, new messages by polling (htmx) or on reload, unread counts,
// plain text with safe links.
import t from 'tap';
import { ChatMessage, Conversation } from '../../src/models/chat.js';
import { Group, Membership } from '../../src/models/group.js';
import { User } from '../../src/models/user.js';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { countQueries } from '../query-count.js';

t.test('chat (R-F4)', async (t) => {
  const { app, db } = await build(t);
  const anna = await makeUser(db, { name: 'Anna Employee', email: 'anna@corp.example' });
  const ben = await makeUser(db, { name: 'Ben Employee', email: 'ben@corp.example' });
  const cleo = await makeUser(db, { name: 'Cleo Client', email: 'cleo@client.example', isExtranet: true });
  const dan = await makeUser(db, { name: 'Dan Distant', email: 'dan@other.example', isExtranet: true });
  const lone = await makeUser(db, { name: 'Lone Employee', email: 'lone@corp.example' });
  const team = await makeGroup(db, anna, { name: 'Team Room', visibleToAll: true }, [[ben], [cleo]]);
  const other = await makeGroup(db, lone, { name: 'Other Room' }, [[dan]]);
  const a = await signIn(app, anna);
  const b = await signIn(app, ben);
  const c = await signIn(app, cleo);
  const d = await signIn(app, dan);
  const l = await signIn(app, lone);

  t.test('every group has its chat from the start (one per group)', async (t) => {
    t.equal(await Conversation.query(db).where({ kind: 'group', groupId: team.id }).resultSize(), 1);
    const fresh = await makeGroup(db, anna, { name: 'Fresh' });
    t.equal(await Conversation.query(db).where({ kind: 'group', groupId: fresh.id }).resultSize(), 1);
    await t.rejects(async () => Conversation.query(db).insert({ kind: 'group', groupId: fresh.id }), 'a second chat for a group is refused');
  });

  t.test('members post; messages are plain text, escaped, with http(s) links made clickable', async (t) => {
    const page = await b.get(`/groups/${team.id}/chat`);
    t.equal(page.statusCode, 200);
    t.match(page.body, /No messages yet/);
    const res = await a.post(`/groups/${team.id}/chat`, { message: 'Hello <script>alert(1)</script> see https://example.com/a?b=1&c=2. and javascript:alert(1) and https://x.example/"onmouseover="alert(1)' });
    t.equal(res.statusCode, 303);
    t.equal(res.headers.location, `/groups/${team.id}/chat#chat-form`);
    const seen = await b.get(`/groups/${team.id}/chat`);
    t.match(seen.body, /Hello &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
    t.notMatch(seen.body, /<script>alert/);
    t.match(seen.body, /<a href="https:\/\/example.com\/a\?b=1&amp;c=2" rel="noopener nofollow ugc">https:\/\/example.com\/a\?b=1&amp;c=2<\/a>\./, 'the link, without the full stop');
    t.notMatch(seen.body, /href="javascript:/);
    t.match(seen.body, /<a href="https:\/\/x.example\/" rel="noopener nofollow ugc">https:\/\/x.example\/<\/a>&quot;onmouseover=&quot;alert\(1\)/, 'a quote ends the link and stays text');
    t.match(seen.body, /Anna Employee/);
  });

  t.test('new messages arrive without reload (polling) and with it', async (t) => {
    const last = (await ChatMessage.query(db).orderBy('id', 'desc').first())!.id;
    const idle = await b.get(`/groups/${team.id}/chat/messages?after=${last}`, { 'hx-request': 'true' });
    t.equal(idle.statusCode, 204, 'nothing new: no content');
    const viaHtmx = await a.post(`/groups/${team.id}/chat`, { message: 'Second' }, { headers: { 'hx-request': 'true' } });
    t.equal(viaHtmx.statusCode, 200);
    t.equal(viaHtmx.headers['hx-trigger'], 'chat-sent', 'the page polls at once');
    t.match(viaHtmx.body, /^<form id="chat-form"/, 'a fresh form alone');
    const poll = await b.get(`/groups/${team.id}/chat/messages?after=${last}`, { 'hx-request': 'true' });
    t.equal(poll.statusCode, 200);
    t.match(poll.body, /Second/);
    t.notMatch(poll.body, /Hello/, 'only what is new');
    const newest = (await ChatMessage.query(db).orderBy('id', 'desc').first())!.id;
    t.match(poll.body, new RegExp(`data-hx-get="/groups/${team.id}/chat/messages\\?after=${newest}" data-hx-trigger="every 3s`), 'the next poll asks after the newest');
    t.match((await b.get(`/groups/${team.id}/chat`)).body, /Second/, 'and on reload');
    const bad = await a.post(`/groups/${team.id}/chat`, { message: '' }, { headers: { 'hx-request': 'true' } });
    t.equal(bad.statusCode, 422);
    t.match(bad.body, /Enter a message/);
  });

  t.test('a polling page is told of edits and deletions too (issue 18 item 4, where EventSource is missing)', async (t) => {
    const room = await makeGroup(db, anna, { name: 'Poll Room' }, [[ben]]);
    const kept = await a.post(`/groups/${room.id}/chat`, { message: 'Poll me: first words' });
    t.equal(kept.statusCode, 303);
    const doomed = await a.post(`/groups/${room.id}/chat`, { message: 'Poll me: soon gone' });
    t.equal(doomed.statusCode, 303);
    const [first, second] = await ChatMessage.query(db).where('body', 'like', 'Poll me:%').orderBy('id');
    const page = await b.get(`/groups/${room.id}/chat`);
    const pollUrl = /data-live-poll data-hx-get="([^"]+)"/.exec(page.body)?.[1]?.replaceAll('&amp;', '&');
    t.match(pollUrl, new RegExp(`^/groups/${room.id}/chat/messages\\?after=${second!.id}&since=\\d{13}$`), "the poll carries the page's time");
    t.equal((await b.get(pollUrl!, { 'hx-request': 'true' })).statusCode, 204, 'nothing changed since the page: no content');

    t.equal((await a.post(`/groups/${room.id}/chat/messages/${first!.id}/edit`, { message: 'Poll me: <b>corrected</b>' })).statusCode, 303);
    t.equal((await a.post(`/groups/${room.id}/chat/messages/${second!.id}/delete`, {})).statusCode, 303);
    const poll = await b.get(pollUrl!, { 'hx-request': 'true' });
    t.equal(poll.statusCode, 200);
    t.match(poll.body, new RegExp(`<li class="chat__message" id="message-${first!.id}" data-hx-swap-oob="outerHTML">`), 'the edited message takes the place of the old');
    t.match(poll.body, /Poll me: &lt;b&gt;corrected&lt;\/b&gt;/, 'its new text, escaped');
    t.notMatch(poll.body, /first words/, 'not its old text');
    t.notMatch(poll.body, new RegExp(`/messages/${first!.id}/edit`), 'without the edit link: the reader is not its author');
    t.match(poll.body, new RegExp(`<li id="message-${second!.id}" data-hx-swap-oob="delete"></li>`), 'the deleted message leaves the page');
    t.notMatch(poll.body, /soon gone/);
    const next = /id="chat-poll"[^>]*data-hx-get="([^"]+)"/.exec(poll.body)?.[1]?.replaceAll('&amp;', '&');
    t.match(next, new RegExp(`^/groups/${room.id}/chat/messages\\?after=${second!.id}&since=\\d{13}$`), 'the next poll asks after the same message');
    t.equal((await b.get(next!, { 'hx-request': 'true' })).statusCode, 204, 'the next poll is not told the same changes again');

    const author = await a.get(pollUrl!, { 'hx-request': 'true' });
    t.match(author.body, new RegExp(`/messages/${first!.id}/edit`), 'the author keeps her edit link');
    t.equal((await d.get(pollUrl!, { 'hx-request': 'true' })).statusCode, 404, 'a stranger polls nothing');
    t.equal((await b.get(`/groups/${room.id}/chat/messages?after=${second!.id}&since=soon`, { 'hx-request': 'true' })).statusCode, 400, 'a malformed time is refused');

    // A page that missed more edits than a poll re-reads (20) is loaded anew.
    const behind = /id="chat-poll"[^>]*data-hx-get="([^"]+)"/.exec((await b.get(next!, { 'hx-request': 'true' })).body ?? '')?.[1] ?? next!;
    const many = [];
    for (let i = 0; i < 21; i++) {
      t.equal((await a.post(`/groups/${room.id}/chat`, { message: `Poll me: number ${i}` })).statusCode, 303);
      many.push((await ChatMessage.query(db).orderBy('id', 'desc').first())!.id);
    }
    const caughtUp = /id="chat-poll"[^>]*data-hx-get="([^"]+)"/.exec((await b.get(behind, { 'hx-request': 'true' })).body)?.[1]?.replaceAll('&amp;', '&');
    for (const [i, id] of many.entries()) await a.post(`/groups/${room.id}/chat/messages/${id}/edit`, { message: `Poll me: number ${i}, edited` });
    const far = await b.get(caughtUp!, { 'hx-request': 'true' });
    t.equal(far.headers['hx-refresh'], 'true', 'twenty-one edits: the page reloads');
    t.notMatch(far.body, /edited/, 'and is sent none of them');

    // The edited messages a poll sends are read together: three cost what one does.
    const quiet = await makeGroup(db, anna, { name: 'Quiet Poll Room' }, [[ben]]);
    const ids: number[] = [];
    for (let i = 0; i < 4; i++) {
      await a.post(`/groups/${quiet.id}/chat`, { message: `Quiet ${i}` });
      ids.push((await ChatMessage.query(db).orderBy('id', 'desc').first())!.id);
    }
    const fresh = /data-live-poll data-hx-get="([^"]+)"/.exec((await b.get(`/groups/${quiet.id}/chat`)).body)?.[1]?.replaceAll('&amp;', '&');
    await a.post(`/groups/${quiet.id}/chat/messages/${ids[0]}/edit`, { message: 'Quiet: once more' });
    let onePoll = '';
    const oneQueries = await countQueries(db, async () => (onePoll = (await b.get(fresh!, { 'hx-request': 'true' })).body));
    t.match(onePoll, /once more/);
    const after = /id="chat-poll"[^>]*data-hx-get="([^"]+)"/.exec(onePoll)?.[1]?.replaceAll('&amp;', '&');
    for (const id of ids.slice(1)) await a.post(`/groups/${quiet.id}/chat/messages/${id}/edit`, { message: `Quiet: ${id} again` });
    let threePoll = '';
    const threeQueries = await countQueries(db, async () => (threePoll = (await b.get(after!, { 'hx-request': 'true' })).body));
    t.equal((threePoll.match(/again/g) ?? []).length, 3, 'three edited messages arrive');
    t.equal(threeQueries, oneQueries, `one query for the edited messages, however many (${threeQueries} and ${oneQueries})`);
  });

  t.test('unread counts', async (t) => {
    await a.post(`/groups/${team.id}/chat`, { message: 'Third' });
    const list = await c.get('/chat');
    t.match(list.body, /Team Room[\s\S]*?3 unread/, 'Cleo has not read any');
    t.match((await b.get('/chat')).body, /Team Room[\s\S]*?1 unread/, 'Ben read up to the second');
    t.notMatch((await a.get('/chat')).body, /unread/, 'one\'s own messages are read');
    await c.get(`/groups/${team.id}/chat`);
    t.notMatch((await c.get('/chat')).body, /unread/, 'opening the chat reads it');
    // Issue 16: a read mark is written when it moves, not on every view of a chat already read.
    const writes: string[] = [];
    const listener = (q: { sql?: string }) => {
      if (q.sql?.includes('chat_reads') && !q.sql.startsWith('select')) writes.push(q.sql);
    };
    db.on('query', listener);
    await c.get(`/groups/${team.id}/chat`).finally(() => db.off('query', listener));
    t.same(writes, [], 'opening it again writes nothing');
    await a.post(`/groups/${team.id}/chat`, { message: 'Fourth' });
    t.match((await c.get('/chat')).body, /Team Room[\s\S]*?1 unread/, 'a new message is unread');
    await c.get(`/groups/${team.id}/chat`);
    t.notMatch((await c.get('/chat')).body, /unread/, 'and read once the chat is opened');
  });

  t.test("another group's chat is invisible", async (t) => {
    await l.post(`/groups/${other.id}/chat`, { message: 'private words' });
    const count = await ChatMessage.query(db).resultSize();
    for (const url of [`/groups/${other.id}/chat`, `/groups/${other.id}/chat/messages?after=0`]) {
      t.equal((await a.get(url)).statusCode, 404, `anna: ${url}`);
      t.equal((await c.get(url)).statusCode, 404, `cleo: ${url}`);
    }
    t.equal((await a.post(`/groups/${other.id}/chat`, { message: 'let me in' })).statusCode, 404);
    t.notMatch((await a.get('/chat')).body, /Other Room/);
    t.equal((await l.get(`/groups/${team.id}/chat`)).statusCode, 303, 'a visible group sends a non-member to its About page');
    t.equal((await l.get(`/groups/${team.id}/chat/messages?after=0`)).statusCode, 404, 'and its messages are not there');
    t.equal((await l.post(`/groups/${team.id}/chat`, { message: 'hi' })).statusCode, 404);
    t.equal(await ChatMessage.query(db).resultSize(), count, 'nothing posted');
  });

  t.test('direct messages only between people who may contact each other (R-X4)', async (t) => {
    t.equal((await a.post(`/chat/with/${ben.id}`, { message: 'Hi Ben' })).statusCode, 303, 'employee to employee');
    t.equal((await a.post(`/chat/with/${cleo.id}`, { message: 'Hi Cleo' })).statusCode, 303, 'employee to an external member of a shared group');
    t.equal((await c.post(`/chat/with/${ben.id}`, { message: 'Hi Ben' })).statusCode, 303, 'external user to a contact');
    const count = await ChatMessage.query(db).resultSize();
    t.equal((await c.post(`/chat/with/${lone.id}`, { message: 'hello?' })).statusCode, 404, 'external user to an employee it shares no group with');
    t.equal((await c.post(`/chat/with/${dan.id}`, { message: 'hello?' })).statusCode, 404, 'external user to another group\'s external user');
    t.equal((await a.post(`/chat/with/${dan.id}`, { message: 'hello?' })).statusCode, 404, 'employee to an external user it shares no group with');
    t.equal((await c.get(`/chat/with/${lone.id}`)).statusCode, 404);
    t.equal((await d.get(`/chat/with/${cleo.id}`)).statusCode, 404);
    t.equal((await c.get('/chat/start?email=lone%40corp.example')).statusCode, 422, 'starting by address is refused too');
    t.equal(await ChatMessage.query(db).resultSize(), count, 'nothing sent');
    t.match((await b.get(`/users/${anna.id}`)).body, new RegExp(`href="/chat/with/${anna.id}"`), 'a profile offers a conversation');
    const start = await b.get('/chat/start?email=ANNA%40corp.example');
    t.equal(start.statusCode, 303);
    t.equal(start.headers.location, `/chat/with/${anna.id}`);
    const convo = await b.get(`/chat/with/${anna.id}`);
    t.match(convo.body, /Hi Ben/);
    t.equal(await Conversation.query(db).where('kind', 'direct').resultSize(), 3, 'one conversation per pair');
    t.equal((await b.post(`/chat/with/${anna.id}`, { message: 'Hi Anna' })).statusCode, 303);
    t.equal(await Conversation.query(db).where('kind', 'direct').resultSize(), 3, 'replies go to the same one');
    const list = await a.get('/chat');
    t.match(list.body, /Ben Employee[\s\S]*?1 unread/);
    t.match(list.body, /Cleo Client/);
    t.notMatch((await l.get(`/chat/with/${anna.id}`)).body, /Hi Ben/, "someone else's conversation is not shown to a third person");
  });

  t.test('when people stop being contacts, their conversation goes; a deactivated person is read-only', async (t) => {
    await Membership.query(db).where({ groupId: team.id, userId: cleo.id }).delete();
    t.equal((await a.get(`/chat/with/${cleo.id}`)).statusCode, 404);
    t.notMatch((await a.get('/chat')).body, /Cleo Client/);
    t.notMatch((await c.get('/chat')).body, /Anna Employee|Team Room/);
    await Membership.query(db).insert({ groupId: team.id, userId: cleo.id, role: 'member' });
    await User.query(db).findById(ben.id).patch({ deactivatedAt: new Date() });
    const page = await a.get(`/chat/with/${ben.id}`);
    t.equal(page.statusCode, 200);
    t.match(page.body, /You can read this chat but not write in it/);
    t.equal((await a.post(`/chat/with/${ben.id}`, { message: 'still there?' })).statusCode, 403);
    await User.query(db).findById(ben.id).patch({ deactivatedAt: null });
  });

  t.test('an archived group\'s chat is read-only (R-G7); a switched-off chat is 404 (R-G3)', async (t) => {
    await Group.query(db).findById(team.id).patch({ archivedAt: new Date() });
    const count = await ChatMessage.query(db).resultSize();
    t.equal((await a.post(`/groups/${team.id}/chat`, { message: 'late' })).statusCode, 403);
    t.equal(await ChatMessage.query(db).resultSize(), count);
    const page = await b.get(`/groups/${team.id}/chat`);
    t.equal(page.statusCode, 200);
    t.notMatch(page.body, /id="chat-form"/);
    await Group.query(db).findById(team.id).patch({ archivedAt: null, tools: ['feed', 'tasks'] });
    for (const url of [`/groups/${team.id}/chat`, `/groups/${team.id}/chat/messages?after=0`]) t.equal((await a.get(url)).statusCode, 404, url);
    t.equal((await a.post(`/groups/${team.id}/chat`, { message: 'off' })).statusCode, 404);
    t.notMatch((await a.get('/chat')).body, /Team Room/);
    await Group.query(db).findById(team.id).patch({ tools: ['feed', 'tasks', 'files', 'calendar', 'chat'] });
  });

  t.test('earlier messages page back without JavaScript', async (t) => {
    const convo = await Conversation.query(db).where({ kind: 'group', groupId: team.id }).first();
    await ChatMessage.query(db).insert(Array.from({ length: 60 }, (_, i) => ({ conversationId: convo!.id, authorId: anna.id, body: `bulk ${i}` })));
    const page = await a.get(`/groups/${team.id}/chat`);
    t.match(page.body, /bulk 59/);
    t.notMatch(page.body, /bulk 5\b/);
    const earlier = /href="([^"]+before=\d+)"/.exec(page.body)?.[1]?.replace(/&amp;/g, '&');
    t.ok(earlier, 'a link to earlier messages');
    const back = await a.get(String(earlier));
    t.match(back.body, /bulk 5\b/);
    t.notMatch(back.body, /data-hx-trigger="every 3s/, 'an earlier page does not poll');
  });
});
