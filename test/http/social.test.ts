// Issue 18 items 3–6: @-mentions, editing, likes and clickable links in posts and comments, for the
// personas of R-X1 (employees, two extranet groups, a hidden group), refusal paths included.
import t from 'tap';
import { Membership } from '../../src/models/group.js';
import { Notification } from '../../src/models/notification.js';
import { CommentLike, Post, PostComment, PostLike } from '../../src/models/post.js';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

const main = (body: string) => body.slice(body.indexOf('<main'), body.indexOf('</main>'));
const hx = { headers: { 'hx-request': 'true' } };

t.test('mentions, editing, likes and links', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Omar Owner', email: 'omar@corp.example' });
  const anna = await makeUser(db, { name: 'Anna Insider', email: 'anna@corp.example' });
  const lars = await makeUser(db, { name: 'Lars Loner', email: 'lars@corp.example' });
  const jon = await makeUser(db, { name: 'Jon Joiner', email: 'jon@corp.example' });
  const alice = await makeUser(db, { name: 'Alice Alpha', email: 'alice@alpha.example', isExtranet: true });
  const bob = await makeUser(db, { name: 'Bob Beta', email: 'bob@beta.example', isExtranet: true });
  const bea = await makeUser(db, { name: 'Bea Both', email: 'bea@both.example', isExtranet: true });
  const groupA = await makeGroup(db, owner, { name: 'Alpha Launch', isExtranet: true }, [[alice], [bea], [anna], [jon]]);
  const groupB = await makeGroup(db, owner, { name: 'Beta Rollout', isExtranet: true }, [[bob], [bea]]);
  const hidden = await makeGroup(db, owner, { name: 'Hidden Board' }, [[anna]]);
  const archived = await makeGroup(db, owner, { name: 'Old Archive', archivedAt: new Date() }, [[anna]]);
  const c = { owner: await signIn(app, owner), anna: await signIn(app, anna), lars: await signIn(app, lars), jon: await signIn(app, jon), alice: await signIn(app, alice), bob: await signIn(app, bob), bea: await signIn(app, bea) };
  const mentionsOf = (userId: number) => Notification.query(db).where({ userId, kind: 'mention' }).resultSize();

  t.equal((await c.alice.post(`/groups/${groupA.id}/posts`, { body: 'Kickoff with @anna@corp.example, notes at https://docs.example/kickoff?a=1&b=2.' })).statusCode, 303);
  const kickoff = await Post.query(db).findOne({ groupId: groupA.id, authorId: alice.id });
  t.equal(kickoff!.body, 'Kickoff with @Anna Insider, notes at https://docs.example/kickoff?a=1&b=2.', 'an address becomes the name in the text');
  t.same(kickoff!.mentions, [{ id: anna.id, name: 'Anna Insider' }]);
  t.equal(await mentionsOf(anna.id), 1, 'the person mentioned is told (R-F5)');
  await Post.query(db).insert({ groupId: archived.id, authorId: anna.id, body: 'Old news' });
  const old = await Post.query(db).findOne({ groupId: archived.id });

  t.test('a mention links the person; links are clickable (items 3, 6)', async (t) => {
    const page = await c.bea.get(`/posts/${kickoff!.id}`);
    t.equal(page.statusCode, 200);
    t.match(page.body, `<a class="mention" href="/users/${anna.id}">@Anna Insider</a>`);
    t.match(page.body, '<a href="https://docs.example/kickoff?a=1&amp;b=2" rel="noopener nofollow ugc">https://docs.example/kickoff?a=1&amp;b=2</a>.');
    t.notMatch(page.body, /name="notify"/, 'the "Notify people" box is gone');
    const script = await c.alice.post(`/groups/${groupA.id}/posts`, { body: '<script>alert(1)</script> @Bea Both' });
    t.equal(script.statusCode, 303);
    t.match(main((await c.alice.get(`/groups/${groupA.id}`)).body), `&lt;script&gt;alert(1)&lt;/script&gt; <a class="mention" href="/users/${bea.id}">@Bea Both</a>`, 'escaped first');
  });

  t.test('mentioning someone who cannot read the item is refused (R-X1)', async (t) => {
    const before = await Post.query(db).resultSize();
    const external = await c.bea.post(`/groups/${groupA.id}/posts`, { body: 'Ping @bob@beta.example' });
    t.equal(external.statusCode, 422, 'an external user not in the group');
    t.match(external.body, /href="#body">These people cannot read this, so they cannot be mentioned: Bob Beta/);
    t.match(external.body, />Ping @bob@beta.example<\/textarea>/, 'the text is kept');
    const byName = await c.bea.post(`/groups/${groupA.id}/posts`, { body: 'Ping @Bob Beta please' }, hx);
    t.equal(byName.statusCode, 422, 'by name too, and htmx gets its fragment');
    t.notMatch(byName.body, /<html/);
    const inHidden = await c.anna.post(`/groups/${hidden.id}/posts`, { body: 'Secret for @Lars Loner' });
    t.equal(inHidden.statusCode, 422, 'an employee outside a hidden group');
    t.match(inHidden.body, /cannot be mentioned: Lars Loner/);
    const comment = await c.anna.post(`/posts/${kickoff!.id}/comments`, { comment: 'Looping in @lars@corp.example' });
    t.equal(comment.statusCode, 422, 'in a comment as well');
    t.match(comment.body, /Looping in @lars@corp.example<\/textarea>/);
    t.equal(await Post.query(db).resultSize(), before, 'nothing was posted');
    t.equal(await mentionsOf(lars.id) + (await mentionsOf(bob.id)), 0, 'nobody was told');
    t.equal((await c.alice.post(`/groups/${groupA.id}/posts`, { body: 'Hello @Lars Loner' })).statusCode, 303, 'a person the writer cannot see is plain text');
    t.notMatch((await c.alice.get(`/groups/${groupA.id}`)).body, /href="\/users\/\d+">@Lars/);
    t.equal((await c.alice.post(`/groups/${groupA.id}/posts`, { body: 'Hi @nobody@nowhere.example' })).statusCode, 422, 'an address nobody visible has');
  });

  t.test('suggestions come from the policy scopes (item 3)', async (t) => {
    const suggest = await c.alice.get(`/mentions?in=group-${groupA.id}&q=an`, hx.headers);
    t.equal(suggest.statusCode, 200);
    t.match(suggest.body, /role="listbox" aria-label="People you can mention"/);
    t.match(suggest.body, /data-mention="Anna Insider"/);
    t.notMatch(suggest.body, /Lars|Bob/);
    t.notMatch((await c.bea.get(`/mentions?in=group-${groupA.id}&q=bo`)).body, /Bob Beta/, 'bea sees bob, but bob cannot read the post');
    t.match((await c.bea.get(`/mentions?in=group-${groupB.id}&q=bo`)).body, /Bob Beta/);
    t.match((await c.anna.get(`/mentions?in=post-${kickoff!.id}&q=al`)).body, /Alice Alpha/);
    t.notMatch((await c.anna.get('/mentions?in=all&q=al')).body, /Alice Alpha/, 'a company-wide post: employees only');
    for (const [client, url] of [[c.alice, `/mentions?in=group-${groupB.id}&q=b`], [c.alice, '/mentions?in=all&q=a'], [c.bob, `/mentions?in=post-${kickoff!.id}&q=a`], [c.lars, `/mentions?in=group-${hidden.id}&q=a`], [c.alice, '/mentions?in=nowhere&q=a'], [c.alice, `/mentions?in=with-${lars.id}&q=a`]] as const) {
      t.equal((await client.get(url)).statusCode, 404, url);
    }
    t.equal((await c.alice.get(`/mentions?in=group-${groupA.id}&q=%25`)).body.includes('Anna'), false, 'LIKE wildcards are text');
  });

  t.test('the author edits a post; search follows (item 4)', async (t) => {
    const form = await c.alice.get(`/posts/${kickoff!.id}/edit`);
    t.equal(form.statusCode, 200);
    t.match(form.body, /<h1>Edit post<\/h1>/);
    t.match(form.body, />Kickoff with @Anna Insider, notes at https:\/\/docs.example\/kickoff\?a=1&amp;b=2.<\/textarea>/);
    const inline = await c.alice.get(`/posts/${kickoff!.id}/edit`, hx.headers);
    t.match(inline.body, /^<form id="post-\d+-body"/m, 'htmx: the form alone, in place of the text');
    t.match(inline.body, /autofocus/);
    t.equal((await c.anna.get(`/posts/${kickoff!.id}/edit`)).statusCode, 403, 'someone else\'s post: 403, as for deleting');
    t.equal((await c.bob.get(`/posts/${kickoff!.id}/edit`)).statusCode, 404, 'a post the viewer may not see: 404');
    t.equal((await c.anna.post(`/posts/${kickoff!.id}/edit`, { body: 'Hijacked' })).statusCode, 403);
    t.equal((await c.bob.post(`/posts/${kickoff!.id}/edit`, { body: 'Hijacked' })).statusCode, 404);
    t.equal((await c.anna.post(`/posts/${old!.id}/edit`, { body: 'Rewritten history' })).statusCode, 403, 'an archived group is read-only');
    t.equal((await c.anna.get(`/posts/${old!.id}`)).body.includes('>Edit<'), false);
    const refused = await c.alice.post(`/posts/${kickoff!.id}/edit`, { body: 'Quokka plan for @nobody@nowhere.example' });
    t.equal(refused.statusCode, 422, 'a mention of an address nobody visible has');
    t.match(refused.body, />Quokka plan for @nobody@nowhere.example<\/textarea>/);
    const saved = await c.alice.post(`/posts/${kickoff!.id}/edit`, { body: 'Quokka plan with @Anna Insider and @bea@both.example', back: `/groups/${groupA.id}` });
    t.equal(saved.statusCode, 303);
    t.equal(saved.headers.location, `/groups/${groupA.id}#post-${kickoff!.id}`);
    const edited = await Post.query(db).findById(kickoff!.id);
    t.ok(edited!.editedAt, 'edited_at is set');
    t.equal(await mentionsOf(anna.id), 1, 'a person named before is not told again');
    t.equal(await mentionsOf(bea.id), 2, 'a person named for the first time is told');
    t.match((await c.bea.get(`/posts/${kickoff!.id}`)).body, /\(<time datetime="[^"]+" title="[^"]+">edited /);
    const search = await c.anna.get('/search?q=quokka');
    t.match(main(search.body), /Quokka plan/, 'search finds the new text');
    t.notMatch(main((await c.anna.get('/search?q=kickoff')).body), /Quokka|Kickoff with/, 'and not the old');
    const htmx = await c.alice.post(`/posts/${kickoff!.id}/edit`, { body: 'Quokka plan, final' }, hx);
    t.equal(htmx.statusCode, 200);
    t.match(htmx.body, new RegExp(`^<div class="prose feed-item__body" id="post-${kickoff!.id}-body" tabindex="-1" autofocus`, 'm'), 'htmx: the text again, focused');
    t.equal((await c.alice.post('/posts/999999/edit', { body: 'x' })).statusCode, 404);
    t.equal((await c.alice.post(`/posts/${kickoff!.id}/edit`, { body: '' })).statusCode, 422);
  });

  t.test('the author edits a comment (item 4)', async (t) => {
    t.equal((await c.anna.post(`/posts/${kickoff!.id}/comments`, { comment: 'First thoughts' })).statusCode, 303);
    const comment = await PostComment.query(db).findOne({ body: 'First thoughts' });
    const url = `/posts/${kickoff!.id}/comments/${comment!.id}/edit`;
    t.equal((await c.anna.get(url)).statusCode, 200);
    t.equal((await c.alice.get(url)).statusCode, 403, 'the post\'s author does not edit others\' comments');
    t.equal((await c.bob.post(url, { comment: 'x' })).statusCode, 404);
    t.equal((await c.anna.get(`/posts/${old!.id}/comments/${comment!.id}/edit`)).statusCode, 404, 'a comment of another post');
    const res = await c.anna.post(url, { comment: 'Second thoughts, @Alice Alpha' }, hx);
    t.equal(res.statusCode, 200);
    t.match(res.body, new RegExp(`<li class="comment" id="post-comment-${comment!.id}" tabindex="-1" autofocus`));
    t.match(res.body, /edited/);
    t.equal((await PostComment.query(db).findById(comment!.id))!.body, 'Second thoughts, @Alice Alpha');
    t.equal(await mentionsOf(alice.id), 1);
    t.equal((await c.anna.post(url, { comment: 'x'.repeat(5001) })).statusCode, 422);
  });

  t.test('likes: a toggle; who liked shows only people the viewer may see, and the count agrees (item 5)', async (t) => {
    const like = (client: typeof c.anna, on = true) => client.post(`/posts/${kickoff!.id}/like`, { like: on ? 'on' : 'off', back: '/feed' });
    t.equal((await like(c.anna)).statusCode, 303);
    t.equal((await like(c.anna)).statusCode, 303, 'a repeat changes nothing');
    t.equal((await like(c.bea)).statusCode, 303);
    t.equal((await like(c.jon)).statusCode, 303);
    t.equal(await PostLike.query(db).where({ postId: kickoff!.id }).resultSize(), 3);
    t.equal((await like(c.bob)).statusCode, 404, 'a post in a group the viewer is not in');
    t.equal((await c.bob.get(`/posts/${kickoff!.id}/likes`)).statusCode, 404);
    t.equal((await c.anna.post(`/posts/${old!.id}/like`, { like: 'on' })).statusCode, 403, 'an archived group is read-only');
    const pressed = await c.alice.post(`/posts/${kickoff!.id}/like`, { like: 'on' }, hx);
    t.match(pressed.body, /aria-pressed="true"/);
    t.match(pressed.body, /4 likes/);
    t.match((await c.alice.post(`/posts/${kickoff!.id}/like`, { like: 'off' }, hx)).body, /aria-pressed="false"[\s\S]*3 likes/);
    // Jon leaves: external people no longer see him, employees still do (R-X1).
    await Membership.query(db).where({ groupId: groupA.id, userId: jon.id }).delete();
    const forAlice = await c.alice.get(`/posts/${kickoff!.id}/likes`);
    t.match(forAlice.body, /Anna Insider/);
    t.match(forAlice.body, /Bea Both/);
    t.notMatch(forAlice.body, /Jon Joiner/, 'an external viewer sees only people of its groups');
    t.match(forAlice.body, /<p>2 likes<\/p>/, 'the count matches the list');
    t.match((await c.alice.get(`/groups/${groupA.id}`)).body, new RegExp(`href="/posts/${kickoff!.id}/likes" class="like-form__count">2 likes`), 'in the feed too');
    const forAnna = await c.anna.get(`/posts/${kickoff!.id}/likes`);
    t.match(forAnna.body, /Jon Joiner/);
    t.match(forAnna.body, /<p>3 likes<\/p>/);
    t.match((await c.anna.get('/feed')).body, new RegExp(`href="/posts/${kickoff!.id}/likes" class="like-form__count">3 likes`));
    t.equal((await like(c.anna, false)).statusCode, 303);
    t.equal(await PostLike.query(db).where({ postId: kickoff!.id, userId: anna.id }).resultSize(), 0, 'unliked');

    const comment = await PostComment.query(db).findOne({ postId: kickoff!.id });
    const curl = `/posts/${kickoff!.id}/comments/${comment!.id}`;
    t.equal((await c.bea.post(`${curl}/like`, { like: 'on' })).statusCode, 303);
    t.match((await c.alice.post(`${curl}/like`, { like: 'on' }, hx)).body, /aria-pressed="true"[\s\S]*2 likes/);
    t.equal(await CommentLike.query(db).where({ commentId: comment!.id }).resultSize(), 2);
    t.match((await c.anna.get(`${curl}/likes`)).body, /Alice Alpha[\s\S]*Bea Both/);
    t.equal((await c.bob.post(`${curl}/like`, { like: 'on' })).statusCode, 404);
    t.equal((await c.anna.post(`/posts/${old!.id}/comments/${comment!.id}/like`, { like: 'on' })).statusCode, 404, 'a comment of another post');
  });
});

t.test('chat: mentions and editing; descriptions: links (items 3, 4, 6)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Omar Owner', email: 'omar@corp.example' });
  const anna = await makeUser(db, { name: 'Anna Insider', email: 'anna@corp.example' });
  const lars = await makeUser(db, { name: 'Lars Loner', email: 'lars@corp.example' });
  const alice = await makeUser(db, { name: 'Alice Alpha', email: 'alice@alpha.example', isExtranet: true });
  const group = await makeGroup(db, owner, { name: 'Chatty', description: 'Wiki at https://wiki.example/chatty', tools: ['feed', 'chat', 'tasks'] }, [[anna], [alice]]);
  const c = { owner: await signIn(app, owner), anna: await signIn(app, anna), lars: await signIn(app, lars), alice: await signIn(app, alice) };
  const { ChatMessage } = await import('../../src/models/chat.js');

  t.match((await c.anna.get(`/groups/${group.id}`)).body, '<a href="https://wiki.example/chatty" rel="noopener nofollow ugc">https://wiki.example/chatty</a>', 'a group description links');
  t.match((await c.anna.get(`/groups/${group.id}/about`)).body, '<div class="prose">Wiki at <a href="https://wiki.example/chatty" rel="noopener nofollow ugc">https://wiki.example/chatty</a></div>', 'on the group\'s About page too');
  t.equal((await c.anna.post(`/groups/${group.id}/chat`, { message: 'Hi @Alice Alpha, see www.example.com' })).statusCode, 303);
  const message = await ChatMessage.query(db).orderBy('id', 'desc').first();
  const page = await c.alice.get(`/groups/${group.id}/chat`);
  t.match(page.body, `<a class="mention" href="/users/${alice.id}">@Alice Alpha</a>`);
  t.match(page.body, '<a href="http://www.example.com" rel="noopener nofollow ugc">www.example.com</a>');
  t.match((await c.alice.get('/notifications')).body, new RegExp(`href="/groups/${group.id}/chat">mentioned you in the chat`), 'the person mentioned is told');
  const refused = await c.anna.post(`/groups/${group.id}/chat`, { message: 'Ask @Lars Loner' });
  t.equal(refused.statusCode, 422, 'a person outside the group');
  t.match(refused.body, />Ask @Lars Loner<\/textarea>/);
  const direct = await c.anna.post(`/chat/with/${owner.id}`, { message: 'Ask @Lars Loner' });
  t.equal(direct.statusCode, 422, 'a direct conversation: only its two people read it');

  const edit = `/groups/${group.id}/chat/messages/${message!.id}/edit`;
  t.equal((await c.anna.get(edit)).statusCode, 200);
  t.equal((await c.alice.get(edit)).statusCode, 403, 'someone else\'s message');
  t.equal((await c.lars.get(edit)).statusCode, 404, 'a chat the viewer may not read');
  t.equal((await c.lars.post(edit, { message: 'x' })).statusCode, 404);
  t.equal((await c.anna.post(`/groups/${group.id}/chat/messages/999999/edit`, { message: 'x' })).statusCode, 404);
  const other = await makeGroup(db, owner, { name: 'Elsewhere', tools: ['chat'] }, [[anna]]);
  t.equal((await c.anna.post(`/groups/${other.id}/chat`, { message: 'In the other room' })).statusCode, 303);
  const elsewhere = await ChatMessage.query(db).orderBy('id', 'desc').first();
  t.equal((await c.anna.get(`/groups/${group.id}/chat/messages/${elsewhere!.id}/edit`)).statusCode, 404, 'her own message of another chat, through this chat: 404');
  t.equal((await c.anna.get(`/groups/${group.id}/chat/messages/1x/edit`)).statusCode, 400, 'a malformed message id');
  t.equal((await c.anna.post(edit, { message: 'Hi @Lars Loner' })).statusCode, 422);
  t.equal((await c.anna.post(edit, { message: 'Hi all, edited' })).statusCode, 303);
  const after = await ChatMessage.query(db).findById(message!.id);
  t.equal(after!.body, 'Hi all, edited');
  t.ok(after!.editedAt);
  t.match((await c.alice.get(`/groups/${group.id}/chat`)).body, /Hi all, edited[\s\S]*|edited /);
  const { Group } = await import('../../src/models/group.js');
  await Group.query(db).findById(group.id).patch({ archivedAt: new Date() });
  t.equal((await c.anna.post(edit, { message: 'After archiving' })).statusCode, 403, 'an archived group is read-only');
  await Membership.query(db).where({ groupId: group.id, userId: alice.id }).delete();
  t.notMatch((await c.alice.get('/notifications')).body, /mentioned you in the chat/, 'a chat mention goes with access to the chat (R-X1)');
});
