// Feed, notifications and search (R-F1, R-F5, R-F6) for every persona, with two extranet groups
// (R-X1, R-X2, R-X5, R-X6); bad input on every form and URL; one vote per person under concurrency.
import t from 'tap';
import { Membership } from '../../src/models/group.js';
import { Notification } from '../../src/models/notification.js';
import { PollVote, Post } from '../../src/models/post.js';
import { Activity, Task } from '../../src/models/task.js';
import { build, enableAdminMode, makeUser, signIn, type Client } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { countQueries } from '../query-count.js';

const main = (body: string) => body.slice(body.indexOf('<main'), body.indexOf('</main>'));
const unreadBadge = (body: string) => /class="count-badge" aria-hidden="true">([^<]+)</.exec(body)?.[1] ?? '0';

t.test('feed, notifications and search', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Omar Owner', email: 'omar@corp.example' });
  const anna = await makeUser(db, { name: 'Anna Insider', email: 'anna@corp.example' });
  const lars = await makeUser(db, { name: 'Lars Loner', email: 'lars@corp.example' });
  const jon = await makeUser(db, { name: 'Jon Joiner', email: 'jon@corp.example' });
  const alice = await makeUser(db, { name: 'Alice Alpha', email: 'alice@alpha.example', isExtranet: true });
  const bob = await makeUser(db, { name: 'Bob Beta', email: 'bob@beta.example', isExtranet: true });
  const bea = await makeUser(db, { name: 'Bea Both', email: 'bea@both.example', isExtranet: true });
  const admin = await makeUser(db, { name: 'Ada Admin', email: 'ada@corp.example', isAdmin: true });
  const groupA = await makeGroup(db, owner, { name: 'Alpha Launch', isExtranet: true }, [[alice], [bea], [anna]]);
  const groupB = await makeGroup(db, owner, { name: 'Beta Rollout', isExtranet: true }, [[bob], [bea]]);
  const internal = await makeGroup(db, owner, { name: 'Internal Payroll', visibleToAll: true }, [[anna]]);
  const quiet = await makeGroup(db, owner, { name: 'Quiet Room', tools: ['tasks'] }, [[anna]]);
  const archived = await makeGroup(db, owner, { name: 'Old Archive', archivedAt: new Date() }, [[anna]]);

  const c = {
    owner: await signIn(app, owner),
    anna: await signIn(app, anna),
    lars: await signIn(app, lars),
    jon: await signIn(app, jon),
    alice: await signIn(app, alice),
    bob: await signIn(app, bob),
    bea: await signIn(app, bea),
    admin: await signIn(app, admin),
    adminMode: await signIn(app, admin),
  };
  await enableAdminMode(c.adminMode);

  const postCount = () => Post.query(db).resultSize();
  const REVIEW = 'Alpha review needed, @Bea Both and @Anna Insider';
  const notificationsOf = (userId: number) => Notification.query(db).where({ userId }).resultSize();
  const postId = async (body: string) => (await Post.query(db).findOne({ body }))!.id;

  // Content, made through the forms.
  t.equal((await c.owner.post('/feed/posts', { target: 'all', kind: 'post', body: 'Company picnic on Friday' })).statusCode, 303);
  t.equal((await c.owner.post('/feed/appreciations', { recipient: 'anna@corp.example', message: 'Thanks for the release' })).statusCode, 303);
  t.equal((await c.alice.post(`/groups/${groupA.id}/posts`, { kind: 'post', body: 'Alpha kickoff notes' })).statusCode, 303);
  t.equal((await c.bob.post('/feed/posts', { target: String(groupB.id), kind: 'post', body: 'Beta quokka checklist' })).statusCode, 303);
  t.equal((await c.anna.post(`/groups/${internal.id}/posts`, { body: 'Payroll schedule' })).statusCode, 303);
  t.equal((await c.alice.post(`/groups/${groupA.id}/posts`, { kind: 'poll', body: 'Alpha lunch?', option1: 'Pizza', option2: 'Sushi' })).statusCode, 303);
  await Post.query(db).insert({ groupId: quiet.id, authorId: anna.id, body: 'Quiet memo' });
  const pollId = await postId('Alpha lunch?');

  t.test('posts: each persona sees exactly what it may (R-F1, R-X1, R-X5)', async (t) => {
    const all = ['Company picnic on Friday', 'Thanks for the release', 'Alpha kickoff notes', 'Beta quokka checklist', 'Payroll schedule', 'Alpha lunch?', 'Quiet memo'];
    const sees: Record<string, string[]> = {
      owner: ['Company picnic on Friday', 'Thanks for the release', 'Alpha kickoff notes', 'Beta quokka checklist', 'Payroll schedule', 'Alpha lunch?'],
      anna: ['Company picnic on Friday', 'Thanks for the release', 'Alpha kickoff notes', 'Payroll schedule', 'Alpha lunch?'],
      lars: ['Company picnic on Friday', 'Thanks for the release'],
      alice: ['Alpha kickoff notes', 'Alpha lunch?'],
      bob: ['Beta quokka checklist'],
      bea: ['Alpha kickoff notes', 'Beta quokka checklist', 'Alpha lunch?'],
      admin: ['Company picnic on Friday', 'Thanks for the release'],
      adminMode: ['Company picnic on Friday', 'Thanks for the release', 'Alpha kickoff notes', 'Beta quokka checklist', 'Payroll schedule', 'Alpha lunch?'],
    };
    for (const [persona, visible] of Object.entries(sees)) {
      const client = c[persona as keyof typeof c];
      const feed = await client.get('/feed');
      t.equal(feed.statusCode, 200, `${persona}: /feed`);
      for (const body of all) {
        const id = await postId(body);
        t.equal(main(feed.body).includes(body), visible.includes(body), `${persona} ${visible.includes(body) ? 'sees' : 'does not see'} "${body}" in the feed`);
        t.equal((await client.get(`/posts/${id}`)).statusCode, visible.includes(body) ? 200 : 404, `${persona}: /posts/${id}`);
      }
    }
    const anonymous = await app.inject({ method: 'GET', url: '/feed' });
    t.equal(anonymous.statusCode, 303);
    t.match(String(anonymous.headers.location), /^\/login/);
  });

  t.test('extranet items are marked in employees\' feed; externals get no company-wide form (R-X5, R-X6)', async (t) => {
    const feed = main((await c.owner.get('/feed')).body);
    t.match(feed, /Alpha Launch <span class="tag tag--extranet">/);
    t.match(feed, /id="appreciation-title"/, 'employees can thank colleagues');
    const ext = main((await c.alice.get('/feed')).body);
    t.notMatch(ext, /All employees|appreciation-title/);
    t.match(ext, /<option value="\d+">Alpha Launch \(Extranet\)<\/option>/);
    t.notMatch(ext, /Beta Rollout/);
  });

  t.test('the group home shows its feed; without the feed tool it does not (R-F1, R-G3)', async (t) => {
    const home = await c.anna.get(`/groups/${groupA.id}`);
    t.equal(home.statusCode, 200);
    t.match(main(home.body), /Alpha kickoff notes/);
    t.match(main(home.body), /This is the home of Alpha Launch/, 'the existing welcome stays');
    t.notMatch(main(home.body), /Payroll schedule|Company picnic/);
    const quietHome = await c.anna.get(`/groups/${quiet.id}`);
    t.equal(quietHome.statusCode, 200);
    t.notMatch(quietHome.body, /feed-stream|Quiet memo/);
    t.equal((await c.anna.post(`/groups/${quiet.id}/posts`, { body: 'Hello' })).statusCode, 404, 'posting to a group without the feed is a 404');
  });

  t.test('polls: results after voting, one vote per person even when sent at once (R-F1)', async (t) => {
    const before = main((await c.bea.get(`/posts/${pollId}`)).body);
    t.match(before, /<legend class="visually-hidden">Alpha lunch\?<\/legend>/, 'the question is the legend of the answers');
    t.equal(before.split('Alpha lunch?').length - 1, 2, 'printed once, and once more as the legend for screen readers (issue 17, item 9)');
    t.notMatch(before, /votes? in total/, 'no results before voting');
    const [pizza, sushi] = (await db('poll_options').where({ postId: pollId }).orderBy('position')) as { id: number }[];
    const results = await Promise.all(Array.from({ length: 6 }, (_, i) => c.alice.post(`/posts/${pollId}/vote`, { option: String(i % 2 ? pizza!.id : sushi!.id) })));
    const codes = results.map((r) => r.statusCode).sort();
    t.same(codes, [303, 409, 409, 409, 409, 409], 'one vote counted, the others told they already voted');
    t.equal(await PollVote.query(db).where({ postId: pollId, userId: alice.id }).resultSize(), 1);
    t.match(results.find((r) => r.statusCode === 409)?.body ?? '', /You have already voted in this poll/);
    t.equal((await c.bea.post(`/posts/${pollId}/vote`, { option: String(pizza!.id), back: `/groups/${groupA.id}` })).headers.location, `/groups/${groupA.id}#post-${pollId}`);
    const after = main((await c.bea.get(`/posts/${pollId}`)).body);
    t.match(after, /2 votes in total/);
    t.match(after, /Pizza <strong>\(your vote\)<\/strong>/);
    t.equal((await c.bob.post(`/posts/${pollId}/vote`, { option: String(pizza!.id) })).statusCode, 404, 'a poll in another extranet group does not exist');
    t.equal((await c.anna.post(`/posts/${await postId('Alpha kickoff notes')}/vote`, { option: String(pizza!.id) })).statusCode, 404, 'a post that is no poll has nothing to vote on');
  });

  t.test('notifications: mentions, comments, tasks, invitations, join requests (R-F5)', async (t) => {
    // Issue 18: mentions in the text replace the "Notify people" box; an address becomes the name.
    const mentioned = await c.alice.post(`/groups/${groupA.id}/posts`, { body: 'Alpha review needed, @bea@both.example and @Anna Insider' });
    t.equal(mentioned.statusCode, 303);
    t.match((await c.bea.get('/notifications')).body, /Alice Alpha[\s\S]*mentioned you in a post<\/a>: <span class="muted">Alpha review needed, @Bea Both and @Anna Insider/);
    t.match((await c.anna.get('/notifications')).body, /mentioned you in a post/);
    t.equal((await c.anna.post(`/posts/${await postId(REVIEW)}/comments`, { comment: 'On it' })).statusCode, 303);
    t.match((await c.alice.get('/notifications')).body, /Anna Insider[\s\S]*commented on your post/);

    await c.owner.post('/tasks', { group: String(groupA.id), title: 'Alpha deck', responsible: 'alice@alpha.example', participants: 'bea@both.example' });
    const task = await Task.query(db).findOne({ title: 'Alpha deck' });
    t.match((await c.alice.get('/notifications')).body, /made you responsible for <a href="\/tasks\/\d+">Alpha deck<\/a>/);
    t.match((await c.bea.get('/notifications')).body, /added you as a participant on <a href="\/tasks\/\d+">Alpha deck/);
    t.equal((await c.alice.post(`/tasks/${task!.id}/status`, { status: 'in_progress' })).statusCode, 303);
    t.match((await c.owner.get('/notifications')).body, /changed the status of <a href="\/tasks\/\d+">Alpha deck<\/a> to In progress/);
    t.notMatch((await c.alice.get('/notifications')).body, /changed the status/, 'nobody is told about its own change');

    await c.owner.post(`/groups/${internal.id}/invite`, { userIds: String(lars.id) });
    t.match((await c.lars.get('/notifications')).body, /You are invited to join\s*<span class="group-name">Internal Payroll/);
    t.equal((await c.jon.post(`/groups/${internal.id}/request`, { message: 'Let me in' })).statusCode, 303);
    t.match((await c.owner.get('/notifications')).body, /Jon Joiner[\s\S]*asked to join/);
  });

  t.test('the unread count, mark one and mark all read (R-F5)', async (t) => {
    const page = await c.bea.get('/notifications');
    const count = Number(unreadBadge(page.body));
    t.ok(count >= 2, `bea has ${count} unread`);
    const own = await Notification.query(db).where({ userId: bea.id }).whereNull('readAt').first();
    const someoneElses = await Notification.query(db).where({ userId: alice.id }).first();
    t.equal((await c.bea.post(`/notifications/${someoneElses!.id}/read`)).statusCode, 404, 'another person\'s notification does not exist');
    t.equal((await c.bea.post(`/notifications/${own!.id}/read`)).statusCode, 303);
    t.equal(unreadBadge((await c.bea.get('/notifications')).body), String(count - 1));
    t.equal((await c.bea.post('/notifications/read-all')).statusCode, 303);
    const done = await c.bea.get('/notifications?show=unread');
    t.equal(unreadBadge(done.body), '0');
    t.match(done.body, /You have no unread notifications/);
    t.equal(await Notification.query(db).where({ userId: alice.id }).whereNull('readAt').resultSize() > 0, true, 'only the viewer\'s own were marked');
  });

  t.test('a member switches a group\'s notifications off and on (R-F1)', async (t) => {
    // One line, one button (issue 17, item 9): the state, and the switch to the other state.
    t.match((await c.bea.get(`/groups/${groupA.id}`)).body, /Notifications from this group are on<\/p>[\s\S]*name="notify" value="off"[\s\S]*>Turn off<\/button>/);
    t.equal((await c.bea.post(`/groups/${groupA.id}/notifications`, { notify: 'off' })).statusCode, 303);
    t.equal((await Membership.query(db).findOne({ groupId: groupA.id, userId: bea.id }))!.notify, false);
    t.match((await c.bea.get(`/groups/${groupA.id}`)).body, /Notifications from this group are off<\/p>[\s\S]*name="notify" value="on"/, 'the page shows the switch as saved');
    const before = await notificationsOf(bea.id);
    await c.alice.post(`/groups/${groupA.id}/posts`, { body: 'Quiet please @bea@both.example' });
    t.equal(await notificationsOf(bea.id), before, 'no notification from a silenced group');
    t.equal((await c.bea.post(`/groups/${groupA.id}/notifications`, { notify: 'on' })).statusCode, 303);
    t.equal((await c.lars.post(`/groups/${internal.id}/notifications`, { notify: 'off' })).statusCode, 403, 'a non-member of a visible group has no switch');
    t.equal((await c.bob.post(`/groups/${groupA.id}/notifications`, { notify: 'off' })).statusCode, 404);
  });

  t.test('an external user is never told about what it may not see (R-X1)', async (t) => {
    await Membership.query(db).where({ groupId: groupA.id, userId: alice.id }).patch({ expiresAt: new Date(Date.now() - 1000) });
    const list = await c.alice.get('/notifications');
    t.notMatch(main(list.body), /Alpha|Anna Insider|Omar Owner/, 'nothing of the group it left');
    t.equal(unreadBadge(list.body), '0', 'and the count agrees');
    const before = await notificationsOf(alice.id);
    t.equal((await c.anna.post(`/posts/${await postId(REVIEW)}/comments`, { comment: 'Still on it' })).statusCode, 303);
    t.equal(await notificationsOf(alice.id), before, 'a comment on its old post does not reach it');
    t.equal((await c.anna.post(`/groups/${groupA.id}/posts`, { body: 'Hello @alice@alpha.example' })).statusCode, 422, 'nor can it be mentioned there');
    await Membership.query(db).where({ groupId: groupA.id, userId: alice.id }).patch({ expiresAt: null });
  });

  t.test('search: only what the viewer may see, grouped and capped (R-F6, R-X1)', async (t) => {
    const search = async (client: Client, q: string) => main((await client.get(`/search?q=${encodeURIComponent(q)}`)).body);
    t.match(await search(c.bob, 'quokka'), /Beta quokka checklist/);
    t.match(await search(c.owner, 'quok'), /Beta quokka checklist/, 'words match by prefix');
    for (const persona of ['alice', 'lars', 'anna'] as const) {
      const found = await search(c[persona], 'quokka');
      t.match(found, /Nothing matches your search/, `${persona}: a word only in another extranet group finds nothing`);
      t.notMatch(found, /Beta|Bob/);
    }
    const lars = await search(c.lars, 'payroll');
    t.match(lars, /Internal Payroll/, 'a group visible to all is found');
    t.notMatch(lars, /Payroll schedule/, 'its posts are for members');
    t.match(await search(c.alice, 'payroll'), /Nothing matches/);
    t.notMatch(await search(c.alice, 'bob'), /Bob Beta/, 'no people outside its groups');
    t.match(await search(c.bea, 'bob'), /Bob Beta/);
    t.match(await search(c.owner, 'omar@corp.example'), /Omar Owner/, 'people by e-mail address');

    await Task.query(db).insert(Array.from({ length: 12 }, (_, i) => ({ title: `Walrus report ${String(i).padStart(2, '0')}`, creatorId: owner.id, responsibleId: owner.id })));
    const capped = await search(c.owner, 'walrus');
    t.equal(capped.match(/Walrus report/g)?.length, 10, 'ten of a kind');
    const more = /<a href="(\/search\?q=walrus&amp;kind=tasks&amp;after=[^"]+)">More tasks<\/a>/.exec(capped);
    t.ok(more, 'a "more" link per kind');
    const rest = main((await c.owner.get(more![1]!.replaceAll('&amp;', '&'))).body);
    t.equal(rest.match(/Walrus report/g)?.length, 2, 'the rest, by keyset');
    t.match(rest, /Walrus report 00/);
    t.notMatch(rest, /rel="next"/);
    t.equal((await c.anna.get('/search?q=walrus')).body.includes('Walrus report'), false, 'personal tasks of others stay hidden');
  });

  t.test('activity events: tasks unless hidden, members joining (R-F1)', async (t) => {
    t.match(main((await c.anna.get(`/groups/${groupA.id}`)).body), /created the task <a href="\/tasks\/\d+">Alpha deck<\/a>/);
    await db('groups').where({ id: groupA.id }).update({ hideTasks: true });
    t.notMatch(main((await c.anna.get(`/groups/${groupA.id}`)).body), /created the task/, 'hide tasks hides task events');
    t.notMatch(main((await c.owner.get('/feed')).body), /Alpha deck/);
    await db('groups').where({ id: groupA.id }).update({ hideTasks: false });
    const invitation = await db('group_invitations').where({ groupId: internal.id, userId: lars.id }).first();
    t.equal((await c.lars.post(`/invitations/${invitation.id}/accept`)).statusCode, 303);
    t.ok(await Activity.query(db).findOne({ groupId: internal.id, actorId: lars.id, kind: 'member.joined' }));
    t.match(main((await c.anna.get(`/groups/${internal.id}`)).body), /Lars Loner[\s\S]{0,300}joined the group/);
  });

  t.test('htmx: new posts and comments inline, the same URLs without JavaScript', async (t) => {
    const hx = { 'hx-request': 'true' };
    const posted = await c.anna.post(`/groups/${internal.id}/posts`, { body: 'Inline hello' }, { headers: hx });
    t.equal(posted.statusCode, 200);
    t.notMatch(posted.body, /<html/);
    t.match(posted.body, /^\s*<div id="feed-stream"[^>]*data-announce="Your post has been published"/);
    t.match(posted.body, /Inline hello/);
    const failed = await c.anna.post(`/groups/${internal.id}/posts`, { body: ' ' }, { headers: hx });
    t.equal(failed.statusCode, 422);
    t.match(failed.body, /data-error-summary[\s\S]*href="#body">Enter message/);
    const id = await postId('Inline hello');
    const commented = await c.lars.post(`/posts/${id}/comments`, { comment: 'Inline reply' }, { headers: hx });
    t.equal(commented.statusCode, 200);
    t.match(commented.body, new RegExp(`^\\s*<div id="post-${id}-comments"[\\s\\S]*Inline reply`));
    const bad = await c.lars.post(`/posts/${id}/comments`, { comment: '' }, { headers: hx });
    t.equal(bad.statusCode, 422);
    t.match(bad.body, new RegExp(`href="#comment-${id}">Enter a comment`));
  });

  t.test('bad input: a clear 4xx, the form again with its values, nothing changed', async (t) => {
    const before = await postCount();
    const long = 'x'.repeat(10_001);
    const crowd = await Promise.all(Array.from({ length: 51 }, (_, i) => makeUser(db, { name: `Crowd ${i}`, email: `crowd${i}@corp.example` })));
    const feedCases: [string, Record<string, string | string[]>, RegExp][] = [
      ['missing message', { target: 'all' }, /href="#body">Enter message/],
      ['blank message', { target: 'all', body: '   ' }, /href="#body">Enter message/],
      ['oversized message', { target: 'all', body: long }, /Message must be 10000 characters or fewer/],
      ['NUL in the message', { target: 'all', body: 'a\u0000b' }, /href="#body">Enter a valid message/],
      ['two messages', { target: 'all', body: ['a', 'b'] }, /href="#body">/],
      ['unknown kind', { target: 'all', body: 'Hi', kind: 'essay' }, /href="#kind">Choose type of post/],
      ['no target', { body: 'Hi' }, /href="#target">Choose where to post/],
      ['malformed target', { target: '1; drop table', body: 'Hi' }, /href="#target">/],
      ['a group the viewer may not see', { target: String(groupB.id), body: 'Hi' }, /href="#target">Choose where to post/],
      ['a group that does not exist', { target: '999999', body: 'Hi' }, /href="#target">Choose where to post/],
      ['an archived group', { target: String(archived.id), body: 'Hi' }, /href="#target">/],
      ['a poll with one answer', { target: 'all', kind: 'poll', body: 'Q?', option1: 'Only' }, /href="#option1">Give at least two answers/],
      ['a poll with a repeated answer', { target: 'all', kind: 'poll', body: 'Q?', option1: 'Yes', option2: 'yes' }, /href="#option1">Give each answer only once/],
      ['an oversized answer', { target: 'all', kind: 'poll', body: 'Q?', option1: 'a'.repeat(201), option2: 'b' }, /Answer must be 200 characters or fewer/],
      ['an unknown person mentioned', { target: 'all', body: 'Hi @nobody@nowhere.example' }, /href="#body">Nobody you can mention has these addresses: nobody@nowhere.example/],
      ['an external person mentioned on a company-wide post', { target: 'all', body: 'Hi @bea@both.example' }, /href="#body">These people cannot read this, so they cannot be mentioned: Bea Both/],
      ['too many people mentioned', { target: 'all', body: `Hi ${crowd.map((u) => `@${u.email}`).join(' ')}` }, /Mention at most 50 people/],
    ];
    for (const [label, form, message] of feedCases) {
      const res = await c.anna.post('/feed/posts', form);
      t.equal(res.statusCode, 422, `${label}: 422`);
      t.match(res.body, /<title>Error: Feed – Atrium<\/title>/, `${label}: the title says so`);
      t.match(res.body, message, `${label}: the summary links to the field`);
    }
    const kept = await c.anna.post('/feed/posts', { target: String(groupA.id), body: 'Keep me', kind: 'poll', option1: 'One' });
    t.match(kept.body, /<option value="\d+" selected>Alpha Launch/, 'the choice is kept');
    t.match(kept.body, />Keep me<\/textarea>/, 'the message is kept');
    t.match(kept.body, /id="kind-poll" name="kind" value="poll" checked/, 'the kind is kept');
    t.match(kept.body, /id="option1" name="option1" type="text" maxlength="200" value="One"/, 'the answers are kept');

    const groupCases: [string, Client, string, Record<string, string>, number][] = [
      ['a group hidden from externals', c.bea, `/groups/${internal.id}/posts`, { body: 'Hi' }, 404],
      ['another extranet group', c.alice, `/groups/${groupB.id}/posts`, { body: 'Hi' }, 404],
      ['a missing group', c.bea, '/groups/999999/posts', { body: 'Hi' }, 404],
      ['a malformed id', c.bea, '/groups/abc/posts', { body: 'Hi' }, 404],
      ['an archived group', c.anna, `/groups/${archived.id}/posts`, { body: 'Hi' }, 403],
      ['a visible group the viewer is not in', c.jon, `/groups/${internal.id}/posts`, { body: 'Hi' }, 404],
      ['a blank post', c.bea, `/groups/${groupA.id}/posts`, { body: '' }, 422],
    ];
    for (const [label, client, url, form, status] of groupCases) t.equal((await client.post(url, form)).statusCode, status, `group post, ${label}: ${status}`);
    const groupError = await c.bea.post(`/groups/${groupA.id}/posts`, { body: 'Hi @bob@beta.example' });
    t.equal(groupError.statusCode, 422, 'a person outside the group cannot be mentioned (issue 18)');
    t.match(groupError.body, /<title>Error: Alpha Launch – Atrium<\/title>/);
    t.match(groupError.body, />Hi @bob@beta.example<\/textarea>/, 'the text is kept');

    const thanks: [string, Client, Record<string, string>, number, RegExp | null][] = [
      ['an external user', c.alice, { recipient: 'anna@corp.example', message: 'Hi' }, 404, null],
      ['no recipient', c.anna, { message: 'Hi' }, 422, /href="#recipient">/],
      ['oneself', c.anna, { recipient: 'anna@corp.example', message: 'Hi' }, 422, /You cannot thank yourself/],
      ['an external recipient', c.anna, { recipient: 'alice@alpha.example', message: 'Hi' }, 422, /active colleague/],
      ['an unknown recipient', c.anna, { recipient: 'ghost@corp.example', message: 'Hi' }, 422, /active colleague/],
      ['no message', c.anna, { recipient: 'omar@corp.example' }, 422, /href="#message">/],
    ];
    for (const [label, client, form, status, message] of thanks) {
      const res = await client.post('/feed/appreciations', form);
      t.equal(res.statusCode, status, `appreciation, ${label}: ${status}`);
      if (message) t.match(res.body, message);
    }

    const kickoff = await postId('Alpha kickoff notes');
    const comments: [string, Client, string, Record<string, string>, number][] = [
      ['empty', c.bea, `/posts/${kickoff}/comments`, { comment: '' }, 422],
      ['missing', c.bea, `/posts/${kickoff}/comments`, {}, 422],
      ['oversized', c.bea, `/posts/${kickoff}/comments`, { comment: 'x'.repeat(5001) }, 422],
      ['a foreign post', c.bob, `/posts/${kickoff}/comments`, { comment: 'Hi' }, 404],
      ['a missing post', c.bea, '/posts/999999/comments', { comment: 'Hi' }, 404],
      ['a malformed id', c.bea, '/posts/1e3/comments', { comment: 'Hi' }, 404],
    ];
    for (const [label, client, url, form, status] of comments) t.equal((await client.post(url, form)).statusCode, status, `comment, ${label}: ${status}`);
    const commentError = await c.bea.post(`/posts/${kickoff}/comments`, { comment: 'x'.repeat(5001) });
    t.match(commentError.body, new RegExp(`href="#comment-${kickoff}">A comment must be 5000 characters or fewer`));
    t.match(commentError.body, /<title>Error: Post in Alpha Launch – Atrium<\/title>/);

    const [pizza] = (await db('poll_options').where({ postId: pollId }).orderBy('position')) as { id: number }[];
    const otherPoll = await c.anna.post(`/groups/${internal.id}/posts`, { kind: 'poll', body: 'Internal poll?', option1: 'A', option2: 'B' });
    t.equal(otherPoll.statusCode, 303);
    const otherOption = (await db('poll_options').where({ postId: await postId('Internal poll?') }).first()) as { id: number };
    const votes: [string, Record<string, string>, number][] = [
      ['no answer', {}, 422],
      ['a malformed answer', { option: 'pizza' }, 422],
      ['an answer of another poll', { option: String(otherOption.id) }, 422],
      ['an oversized number', { option: '99999999999' }, 422],
    ];
    for (const [label, form, status] of votes) {
      const res = await c.owner.post(`/posts/${pollId}/vote`, form);
      t.equal(res.statusCode, status, `vote, ${label}: ${status}`);
      t.match(res.body, new RegExp(`href="#poll-${pollId}">Choose one of the answers`));
    }
    t.equal(await PollVote.query(db).where({ userId: owner.id }).resultSize(), 0, 'no vote was written');
    t.equal((await c.owner.post(`/posts/${pollId}/vote`, { option: String(pizza!.id) }, { csrf: false })).statusCode, 403, 'a vote without a CSRF token');

    t.equal((await c.bea.post(`/posts/${kickoff}/delete`)).statusCode, 403, 'only the author or a manager deletes');
    t.equal((await c.bob.post(`/posts/${kickoff}/delete`)).statusCode, 404);
    t.equal((await c.bea.post(`/groups/${groupA.id}/notifications`, { notify: 'maybe' })).statusCode, 422);
    t.equal((await c.bea.post(`/groups/${groupA.id}/notifications`, {})).statusCode, 422);
    for (const url of ['/notifications/abc/read', '/notifications/999999/read']) t.equal((await c.bea.post(url)).statusCode, 404, url);

    for (const [label, opts] of [['missing', { csrf: false }], ['forged', { csrf: 'forged-token' }]] as const) {
      const res = await c.anna.post('/feed/posts', { target: 'all', body: 'Sneaky' }, opts);
      t.equal(res.statusCode, 403, `${label} CSRF token: 403`);
      t.match(res.body, /This form has expired/);
      t.equal((await c.anna.post('/feed/appreciations', { recipient: 'omar@corp.example', message: 'Sneaky' }, opts)).statusCode, 403);
      t.equal((await c.anna.post(`/posts/${kickoff}/comments`, { comment: 'Sneaky' }, opts)).statusCode, 403);
      t.equal((await c.anna.post('/notifications/read-all', {}, opts)).statusCode, 403);
    }
    t.equal(await postCount(), before + 1, 'only the valid poll above was written');

    const urls: [string, number][] = [
      ['/search?q=' + 'a'.repeat(201), 400],
      ['/search?q=a&q=b', 400],
      ['/search?q=%00', 400],
      ['/search?q=%21%26%7C', 200],
      ['/search?q=alpha&kind=nonsense', 200],
      ['/search?q=alpha&kind=tasks&after=garbage', 200],
      ['/feed?after=garbage', 200],
      ['/feed?after=WyJub3QgYSBkYXRlIiwicG9zdCIsMV0', 200],
      ['/notifications?after=%00', 200],
      [`/groups/${groupA.id}?after=x`, 200],
      ['/posts/abc', 404],
      ['/posts/0', 404],
      ['/posts/99999999999', 404],
    ];
    for (const [url, status] of urls) t.equal((await c.anna.get(url)).statusCode, status, `${url}: ${status}`);
    t.match((await c.anna.get('/search?q=' + 'a'.repeat(201))).body, /href="#q">Enter at most 200 characters/);
  });

  t.test('pages run a fixed number of queries whatever the number of posts (R-F1)', async (t) => {
    const pages = ['/feed', `/groups/${internal.id}`, '/notifications', '/search?q=payroll', `/posts/${await postId('Payroll schedule')}`];
    const small: Record<string, number> = {};
    for (const url of pages) small[url] = await countQueries(db, async () => t.equal((await c.anna.get(url)).statusCode, 200, url));
    for (let i = 0; i < 30; i++) {
      await c.owner.post(`/groups/${internal.id}/posts`, i % 3 ? { body: `Payroll note ${i} @anna@corp.example` } : { kind: 'poll', body: `Payroll poll ${i}`, option1: 'Yes', option2: 'No' });
    }
    const ids = (await Post.query(db).where({ groupId: internal.id }).select('id')).map((p) => p.id);
    for (const id of ids.slice(0, 20)) await c.lars.post(`/posts/${id}/comments`, { comment: `Comment on ${id}` });
    for (const url of pages) {
      const large = await countQueries(db, () => c.anna.get(url));
      t.equal(large, small[url], `${url}: ${large} queries with few or many posts`);
      t.ok(large <= 8, `${url}: at most 8 queries (${large})`);
    }
    // Issue 16: the session with its person and the header's unread count, the group with the viewer's role and switch, the feed's page.
    t.equal(small[`/groups/${internal.id}`], 3, 'a group home is three round trips');
    const paged = await c.anna.get('/feed');
    const next = /href="(\/feed\?after=[^"]+)" rel="next"/.exec(paged.body)?.[1];
    t.ok(next, 'the feed pages');
    const second = await c.anna.get(next!);
    const firstIds = [...paged.body.matchAll(/id="post-(\d+)"/g)].map((m) => m[1]);
    const secondIds = [...second.body.matchAll(/id="post-(\d+)"/g)].map((m) => m[1]);
    t.same(firstIds.filter((id) => secondIds.includes(id)), [], 'no post on two pages');
  });
});
