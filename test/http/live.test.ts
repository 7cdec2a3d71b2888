// Issue 16 "Idle cost", R-F4, R-F5, R-X1, R-U6: chat and the header's unread count pushed by
// server-sent events fed by PostgreSQL LISTEN/NOTIFY. Two app instances share one database, as two
// worker processes do; streams are read over real HTTP.
import type { FastifyInstance } from 'fastify';
import t from 'tap';
import { SseClient, type SseEvent } from '../../src/bench/sse-client.js';
import { pruneChatChanges } from '../../src/services/chat-changes.js';
import { Membership } from '../../src/models/group.js';
import { notify } from '../../src/services/notifications.js';
import { applyAdminUserAction } from '../../src/services/users.js';
import { viewerFromUser } from '../../src/policy/viewer.js';
import { build, buildOnDatabase, makeUser, signIn, type Client } from '../helper.js';
import { makeGroup } from '../fixtures.js';

async function listen(app: FastifyInstance): Promise<string> {
  await app.listen({ port: 0, host: '127.0.0.1' });
  const address = app.server.address();
  if (!address || typeof address === 'string') throw new Error('no port');
  return `http://127.0.0.1:${address.port}`;
}

const cookieOf = (client: Client) => ({ cookie: client.sessionCookie });

/** The first chat event at or after index `from` whose data matches, or null after `timeoutMs` (replays come in between). */
async function chatMatching(stream: SseClient, pattern: RegExp, timeoutMs: number, from = stream.events.length): Promise<SseEvent | null> {
  const deadline = Date.now() + timeoutMs;
  for (let i = from; ; ) {
    const event = await stream.next('chat', Math.max(1, deadline - Date.now()), i);
    if (!event || pattern.test(event.data)) return event;
    i = stream.events.indexOf(event) + 1;
  }
}

t.test('live updates over server-sent events (issue 16)', async (t) => {
  const { app: one, db } = await build(t);
  const dataDir = one.config.dataDir;
  const { app: two } = await buildOnDatabase(t, db, { dataDir });
  const [urlOne, urlTwo] = [await listen(one), await listen(two)];
  const anna = await makeUser(db, { name: 'Anna Author' });
  const ben = await makeUser(db, { name: 'Ben Reader' });
  const cleo = await makeUser(db, { name: 'Cleo Leaving' });
  const stranger = await makeUser(db, { name: 'Sam Stranger' });
  const team = await makeGroup(db, anna, { name: 'Live Room', tools: ['feed', 'chat'] }, [[ben], [cleo]]);
  const a = await signIn(one, anna);
  const b = await signIn(one, ben);
  const c = await signIn(one, cleo);
  const s = await signIn(one, stranger);
  const streams: SseClient[] = [];
  t.teardown(() => streams.forEach((x) => x.close()));
  const open = async (url: string, client: Client, headers: Record<string, string> = {}) => {
    const stream = await SseClient.open(url, { ...cookieOf(client), ...headers });
    streams.push(stream);
    return stream;
  };
  const chatEvents = `/groups/${team.id}/chat/events`;

  t.test('a chat page connects to its conversation stream; other pages to /events', async (t) => {
    const page = await b.get(`/groups/${team.id}/chat`);
    t.match(page.body, new RegExp(`data-hx-ext="sse" data-sse-connect="${chatEvents}\\?after=0&amp;since=\\d{13}" data-sse-close="close"`), 'the stream URL carries the page\'s time (replayed edits and deletions)');
    t.match(page.body, /<li id="chat-live" class="chat__poll" data-sse-swap="chat" data-hx-swap="beforebegin"/);
    t.match(page.body, /id="chat-poll"[^>]*data-live-poll[^>]*data-hx-trigger="chat-poll"/, 'polling is off until app.js finds no EventSource');
    t.match(page.body, /<script src="\/public\/vendor\/sse.min.js" defer><\/script>/);
    t.match((await b.get('/')).body, /data-sse-connect="\/events"/);
    t.match((await b.get('/public/vendor/sse.min.js')).headers['content-type'], /javascript/, 'the extension is served from public/');
    t.match(String(page.headers['content-security-policy']), /connect-src 'self'/);
  });

  t.test('a message posted through one process reaches an open stream on the other within 1 s', async (t) => {
    const stream = await open(`${urlTwo}${chatEvents}?after=0`, b);
    t.equal(stream.status, 200);
    t.match(String(stream.headers['content-type']), /^text\/event-stream/);
    t.equal(stream.headers['x-accel-buffering'], 'no');
    t.equal(stream.headers['cache-control'], 'no-store');
    await stream.next('notifications', 2_000);
    const sentAt = performance.now();
    const res = await a.post(`/groups/${team.id}/chat`, { message: 'Across processes <b>bold</b>' });
    t.equal(res.statusCode, 303);
    const event = await stream.next('chat', 1_000);
    t.ok(event, 'delivered within 1 s');
    t.ok(event && event.at - sentAt < 1_000, `after ${Math.round((event?.at ?? 0) - sentAt)} ms`);
    t.match(event?.data, /Across processes &lt;b&gt;bold&lt;\/b&gt;/, 'rendered as the page renders it, escaped');
    t.match(event?.data, /<li id="chat-empty" data-hx-swap-oob="delete">/);
    t.ok(event?.id && Number(event.id) > 0, 'the event id is the newest message (Last-Event-ID on reconnect)');
    const again = await open(`${urlOne}${chatEvents}?after=0`, b, { 'last-event-id': String(event?.id) });
    t.equal(await again.next('chat', 500), null, 'a reconnecting browser is not sent what it has');
    const fresh = await open(`${urlOne}${chatEvents}?after=0`, b);
    t.match((await fresh.next('chat', 2_000))?.data, /Across processes/, 'a stream opened after the page catches up at once');
  });

  const newest = async () => ((await db('chat_messages').max('id as id').first()) as { id: number | null }).id ?? 0;

  t.test('a viewer removed from the group gets nothing more (R-X1)', async (t) => {
    const bens = await open(`${urlTwo}${chatEvents}?after=${await newest()}`, b);
    const cleos = await open(`${urlTwo}${chatEvents}?after=${await newest()}`, c);
    t.equal(cleos.status, 200);
    await Membership.query(db).where({ groupId: team.id, userId: cleo.id }).delete();
    await a.post(`/groups/${team.id}/chat`, { message: 'After Cleo left' });
    const [toBen, toCleo] = await Promise.all([bens.next('chat', 2_000), cleos.next('chat', 1_500)]);
    t.ok(toBen, 'a member still gets it');
    t.equal(toCleo, null, 'the former member does not');
    t.equal((await open(`${urlTwo}${chatEvents}`, c)).status, 404, 'nor can she open the stream again');
    t.equal((await open(`${urlTwo}${chatEvents}`, s)).status, 404, 'a stranger cannot open it');
  });

  t.test('a message arrives with what each reader may do to it, as the page shows it (issue 18 item 4, issue 17 item 7)', async (t) => {
    const after = await newest();
    const annas = await open(`${urlTwo}${chatEvents}?after=${after}`, a);
    const bens = await open(`${urlTwo}${chatEvents}?after=${after}`, b);
    await Promise.all([annas.next('notifications', 2_000), bens.next('notifications', 2_000)]);
    await b.post(`/groups/${team.id}/chat`, { message: 'Ben writes' });
    const id = await newest();
    const [toAnna, toBen] = await Promise.all([annas.next('chat', 1_000), bens.next('chat', 1_000)]);
    const edit = `href="/groups/${team.id}/chat/messages/${id}/edit"`;
    const remove = `data-hx-post="/groups/${team.id}/chat/messages/${id}/delete"`;
    t.ok(toBen?.data.includes(edit) && toBen.data.includes(remove), 'its author may edit and delete it');
    t.ok(toAnna?.data.includes(remove), 'the group\'s owner may delete it (moderation)');
    t.notOk(toAnna?.data.includes(edit), 'but not edit it');
  });

  // The 1 s bound is measured by the first test here and by the bench; under a loaded CI run this one waits longer.
  t.test('a message deleted in one process leaves the open pages on the other (issue 18 item 4)', async (t) => {
    const before = await newest();
    await a.post(`/groups/${team.id}/chat`, { message: 'Soon gone' });
    const gone = await newest();
    t.ok(gone > before);
    const bens = await open(`${urlTwo}${chatEvents}?after=${gone}`, b);
    const strangers = await open(`${urlTwo}${chatEvents}?after=${gone}`, s);
    t.equal(strangers.status, 404, 'a stranger has no stream to be told on');
    await bens.next('notifications', 2_000);
    await a.get(`/groups/${team.id}/chat/messages/${gone}/delete`);
    t.equal((await a.post(`/groups/${team.id}/chat/messages/${gone}/delete`)).statusCode, 303);
    const event = await bens.next('chat', 3_000);
    t.ok(event, 'delivered');
    t.equal(event?.data, `<li id="message-${gone}" data-hx-swap-oob="delete"></li>`, 'the page is told to drop the message, and nothing else');
    t.equal(event?.id, null, 'the newest message the page has is unchanged (Last-Event-ID)');
    const later = await open(`${urlTwo}${chatEvents}?after=${before}`, b);
    t.equal(await later.next('chat', 500), null, 'a page that never had the message is not told');
  });

  t.test('a message edited in one process changes on the open pages on the other (issue 18 item 4)', async (t) => {
    await a.post(`/groups/${team.id}/chat`, { message: 'First draft' });
    const id = await newest();
    const bens = await open(`${urlTwo}${chatEvents}?after=${id}`, b);
    const annas = await open(`${urlTwo}${chatEvents}?after=${id}`, a);
    await Promise.all([bens.next('notifications', 2_000), annas.next('notifications', 2_000)]);
    await a.get(`/groups/${team.id}/chat/messages/${id}/edit`);
    t.equal((await a.post(`/groups/${team.id}/chat/messages/${id}/edit`, { message: 'Final <i>text</i>' })).statusCode, 303);
    const [toBen, toAnna] = await Promise.all([bens.next('chat', 3_000), annas.next('chat', 3_000)]);
    t.match(toBen?.data.trim(), new RegExp(`^<li class="chat__message" id="message-${id}" data-hx-swap-oob="outerHTML">`), 'the message replaces itself where it stands');
    t.match(toBen?.data, /Final &lt;i&gt;text&lt;\/i&gt;/, 'with the new text, escaped');
    t.match(toBen?.data, /class="muted edited"/, 'marked as edited');
    t.notOk(toBen?.data.includes('First draft'), 'the old text is gone');
    t.notOk(toBen?.data.includes(`/messages/${id}/edit"`), 'a reader may not edit it');
    t.ok(toAnna?.data.includes(`href="/groups/${team.id}/chat/messages/${id}/edit"`), 'its author still may');
    t.equal(toBen?.id, null, 'the newest message the page has is unchanged (Last-Event-ID)');
    await a.post(`/groups/${team.id}/chat/messages/${id}/edit`, { message: 'Final <i>text</i>' });
    t.equal(await bens.next('chat', 800), null, 'saving the same text tells nobody');
  });

  t.test('edits and deletions a page missed are replayed when its stream opens or reconnects, and after a LISTEN loss', async (t) => {
    await a.post(`/groups/${team.id}/chat`, { message: 'Kept, then edited' });
    const kept = await newest();
    await a.post(`/groups/${team.id}/chat`, { message: 'Removed while away' });
    const removed = await newest();
    const pageMadeAt = Date.now();
    // The page was made; its stream is not open yet (or is reconnecting) when both change.
    t.equal((await a.post(`/groups/${team.id}/chat/messages/${kept}/edit`, { message: 'Kept, edited while away' })).statusCode, 303);
    t.equal((await a.post(`/groups/${team.id}/chat/messages/${removed}/delete`)).statusCode, 303);
    const bens = await open(`${urlTwo}${chatEvents}?after=${removed}&since=${pageMadeAt}`, b);
    // Sent as the stream opens (with the changes of the seconds before, which a page has already): read from its first event on.
    t.ok(await chatMatching(bens, new RegExp(`id="message-${kept}" data-hx-swap-oob="outerHTML">[^]*Kept, edited while away`), 3_000, 0), 'the edit is replayed');
    t.ok(await chatMatching(bens, new RegExp(`^<li id="message-${removed}" data-hx-swap-oob="delete"></li>$`), 3_000, 0), 'the deletion is replayed');
    const fresh = await open(`${urlTwo}${chatEvents}?after=${removed}&since=${Date.now() + 60_000}`, b);
    t.equal(await fresh.next('chat', 800), null, 'a page made after them is told nothing');
    const strangers = await open(`${urlTwo}${chatEvents}?after=${removed}&since=${pageMadeAt}`, s);
    t.equal(strangers.status, 404, 'a stranger has no stream to be told on');
    t.equal((await b.get(`${chatEvents}?after=${removed}&since=soon`, { accept: 'text/event-stream' })).statusCode, 400, 'a malformed time is refused');

    // A process that lost its LISTEN connection catches its open pages up from the time it was lost.
    const lostAt = new Date();
    await b.post(`/groups/${team.id}/chat`, { message: 'Ben, soon corrected' });
    const bensMessage = await newest();
    const annas = await open(`${urlTwo}${chatEvents}?after=${bensMessage}`, a);
    await annas.next('notifications', 2_000);
    await db('chat_messages').where({ id: bensMessage }).update({ body: 'Ben, corrected unseen', editedAt: new Date() });
    const { conversationId } = (await db('chat_messages').where({ id: bensMessage }).first()) as { conversationId: number };
    await db('chat_changes').insert({ conversationId, messageId: bensMessage, kind: 'edited' });
    t.equal(await annas.next('chat', 500), null, 'an edit whose NOTIFY was lost reaches nobody by itself');
    const from = annas.events.length;
    two.live.hub.resync(lostAt);
    t.ok(await chatMatching(annas, /Ben, corrected unseen/, 3_000, from), 'the resync replays it');

    // A page that missed edits of more messages than a replay re-reads (20, a query each) is sent the last edited ones.
    const many: number[] = [];
    for (let i = 0; i < 22; i++) {
      await a.post(`/groups/${team.id}/chat`, { message: `Many ${i}` });
      many.push(await newest());
    }
    const manyAt = Date.now();
    for (const [i, id] of many.entries()) {
      await db('chat_messages').where({ id }).update({ body: `Many ${i}, edited`, editedAt: new Date() });
      await db('chat_changes').insert({ conversationId, messageId: id, kind: 'edited' });
    }
    const behind = await open(`${urlTwo}${chatEvents}?after=${many[many.length - 1]}&since=${manyAt}`, b);
    await chatMatching(behind, /Many 21, edited/, 3_000, 0);
    await new Promise((resolve) => setTimeout(resolve, 300));
    const replayed = behind.events.filter((e) => e.event === 'chat' && /Many \d+, edited/.test(e.data)).map((e) => Number(/Many (\d+), edited/.exec(e.data)?.[1]));
    t.same(replayed.sort((x, y) => x - y), [...Array(20).keys()].map((i) => i + 2), 'the 20 last edited, not the first two');
    for (const stream of [bens, fresh, annas, behind]) stream.close();

    // Kept a day: maintenance prunes what no page can still need.
    const dayAgo = new Date(Date.now() - 25 * 60 * 60 * 1000);
    await db('chat_changes').insert({ conversationId, messageId: bensMessage, kind: 'edited', createdAt: dayAgo });
    const before = Number(((await db('chat_changes').count('* as n').first()) as { n: string }).n);
    t.equal(await pruneChatChanges(db), 1, 'the day-old change is pruned');
    t.equal(Number(((await db('chat_changes').count('* as n').first()) as { n: string }).n), before - 1, 'the recent ones are kept');
  });

  t.test('a direct conversation that starts after the page opened', async (t) => {
    const waiting = await open(`${urlTwo}/chat/with/${anna.id}/events?after=0`, b);
    t.equal(waiting.status, 200);
    await a.post(`/chat/with/${ben.id}`, { message: 'Hello Ben, directly' });
    t.match((await waiting.next('chat', 1_000))?.data, /Hello Ben, directly/);
    // Issue 18 item 4: an edit of a direct message reaches the other person's open page too.
    const id = await newest();
    t.equal((await a.post(`/chat/with/${ben.id}/messages/${id}/edit`, { message: 'Hello Ben, edited' })).statusCode, 303);
    const edit = await waiting.next('chat', 3_000);
    t.match(edit?.data, new RegExp(`id="message-${id}" data-hx-swap-oob="outerHTML"[^]*Hello Ben, edited`), 'the edit arrives on the open page');
  });

  t.test('the header unread count event (R-F5)', async (t) => {
    const stream = await open(`${urlTwo}/events`, b);
    const first = await stream.next('notifications', 2_000);
    t.ok(first, 'the count on connect (a page may be older than its stream)');
    const from = stream.events.length;
    await db.transaction((trx) => notify(trx, [{ userId: ben.id, kind: 'comment', actorId: anna.id, groupId: team.id }]));
    const event = await stream.next('notifications', 1_000, from);
    t.match(event?.data, /class="count-badge" aria-hidden="true">1</);
    t.match(event?.data, /, 1 unread</);
    t.match((await b.get('/')).body, /<span id="site-header-notification-count" data-sse-swap="notifications"> <span class="count-badge" aria-hidden="true">1<\/span>/, 'the page renders the same badge');
  });

  t.test('plain requests, bad input and the cap are refused without a stream', async (t) => {
    t.equal((await b.get('/events')).statusCode, 406, 'only EventSource (Accept: text/event-stream) gets a stream');
    t.equal((await open(`${urlOne}${chatEvents}?after=x`, b)).status, 400);
    t.equal((await SseClient.open(`${urlOne}/events`)).status, 303, 'signed out: to the sign-in page');
    const many: SseClient[] = [];
    for (let i = 0; i < 12; i++) many.push(await open(`${urlOne}/events`, a));
    t.same(many.map((m) => m.status).filter((st) => st === 429).length, 2, 'ten streams per session and process');
    many.forEach((m) => m.close());
  });

  t.test('the stream closes on sign-out and on deactivation (R-U6)', async (t) => {
    const d = await signIn(one, cleo);
    const stream = await open(`${urlTwo}/events`, d);
    await stream.next('notifications', 2_000);
    const res = await d.post('/logout');
    t.equal(res.statusCode, 303);
    const started = performance.now();
    t.ok(await stream.next('close', 1_000), 'told not to reconnect');
    await stream.ended;
    t.ok(performance.now() - started < 1_000, 'and ended');

    const e = await signIn(one, cleo);
    const again = await open(`${urlTwo}/events`, e);
    await again.next('notifications', 2_000);
    const admin = await makeUser(db, { isAdmin: true });
    const done = await applyAdminUserAction(db, viewerFromUser(admin, true), cleo.id, 'deactivate');
    t.equal(done.ok, true);
    t.ok(await again.next('close', 1_000), 'a deactivated account loses its stream at once');
  });

  t.test('the LISTEN connection comes back after it was lost, and streams catch up', async (t) => {
    const b2 = await signIn(two, ben);
    const stream = await open(`${urlTwo}${chatEvents}?after=${await newest()}`, b2);
    await stream.next('notifications', 2_000);
    const dbName = (await db.raw('select current_database() as name')).rows[0].name as string;
    const killed = await db.raw(`select pg_terminate_backend(pid) from pg_stat_activity where datname = ? and application_name = 'atrium-live'`, [dbName]);
    t.ok(killed.rows.length >= 2, 'both processes were listening');
    await a.post(`/groups/${team.id}/chat`, { message: 'Sent while nobody listened' });
    t.ok(await chatMatching(stream, /Sent while nobody listened/, 15_000), 'delivered after the reconnect');
    const sentAt = performance.now();
    await a.post(`/groups/${team.id}/chat`, { message: 'And live again' });
    t.ok(await chatMatching(stream, /And live again/, 1_000));
    t.ok(performance.now() - sentAt < 1_000);
  });

  t.test('shutdown with open streams finishes quickly', async (t) => {
    const open1 = await open(`${urlTwo}${chatEvents}?after=${await newest()}`, b);
    const open2 = await open(`${urlTwo}/events`, a);
    t.equal(two.live.hub.size >= 2, true);
    const started = performance.now();
    await two.close();
    const took = performance.now() - started;
    t.ok(took < 2_000, `closed in ${Math.round(took)} ms`);
    await Promise.all([open1.ended, open2.ended]);
    t.pass('the streams ended');
  });
});
