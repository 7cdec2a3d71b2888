// Discourse-style check (R-F1, R-X1, R-X5): for every persona and post of a varied fixture,
// "appears in postsVisibleTo(viewer)" equals "can(viewer, 'post:view', …)", and findVisiblePost agrees.
import t from 'tap';
import { Post } from '../../src/models/post.js';
import { can } from '../../src/policy/abilities.js';
import { findVisiblePost, postsVisibleTo, type PostContext } from '../../src/policy/feed-scopes.js';
import { anonymous, viewerFromUser, type Viewer } from '../../src/policy/viewer.js';
import { makeUser, testDatabase } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('postsVisibleTo and post:view agree', async (t) => {
  const db = await testDatabase(t);
  const owner = await makeUser(db, { name: 'Owner' });
  const member = await makeUser(db, { name: 'Member' });
  const stranger = await makeUser(db, { name: 'Stranger' });
  const extA = await makeUser(db, { name: 'External A', isExtranet: true });
  const extB = await makeUser(db, { name: 'External B', isExtranet: true });
  const expired = await makeUser(db, { name: 'Expired', isExtranet: true });
  const admin = await makeUser(db, { name: 'Admin', isAdmin: true });
  const team = await makeGroup(db, owner, { name: 'Team', visibleToAll: true }, [[member]]);
  const noFeed = await makeGroup(db, owner, { name: 'No feed', tools: ['tasks'] }, [[member]]);
  const clientA = await makeGroup(db, owner, { name: 'Client A', isExtranet: true }, [[extA], [member]]);
  const clientB = await makeGroup(db, owner, { name: 'Client B', isExtranet: true }, [[extB]]);
  const old = await makeGroup(db, owner, { name: 'Archived', archivedAt: new Date() }, [[member]]);
  await db('memberships').insert({ groupId: clientA.id, userId: expired.id, role: 'member', expiresAt: new Date(Date.now() - 1000) });

  const mk = (body: string, groupId: number | null, attrs: Partial<Post> = {}) => Post.query(db).insertAndFetch({ body, groupId, authorId: owner.id, ...attrs });
  const posts = [
    await mk('team post', team.id),
    await mk('no-feed post', noFeed.id),
    await mk('client A post', clientA.id, { authorId: extA.id }),
    await mk('client B poll', clientB.id, { kind: 'poll' }),
    await mk('archived post', old.id),
    await mk('company post', null),
    await mk('appreciation', null, { kind: 'appreciation', appreciatedId: member.id }),
  ];

  const personas: [string, Viewer][] = [
    ['anonymous', anonymous],
    ['owner', viewerFromUser(owner, false)],
    ['member', viewerFromUser(member, false)],
    ['stranger', viewerFromUser(stranger, false)],
    ['external A', viewerFromUser(extA, false)],
    ['external B', viewerFromUser(extB, false)],
    ['expired external', viewerFromUser(expired, false)],
    ['admin', viewerFromUser(admin, false)],
    ['admin mode', viewerFromUser(admin, true)],
  ];
  const everythingWithFeed = ['team post', 'client A post', 'client B poll', 'archived post', 'company post', 'appreciation'];
  const expected: Record<string, string[]> = {
    anonymous: [],
    owner: everythingWithFeed,
    member: ['team post', 'client A post', 'archived post', 'company post', 'appreciation'],
    stranger: ['company post', 'appreciation'],
    'external A': ['client A post'],
    'external B': ['client B poll'],
    'expired external': [],
    admin: ['company post', 'appreciation'],
    'admin mode': everythingWithFeed,
  };
  const groups = await db('groups').select('id', 'tools', 'archivedAt');
  for (const [label, viewer] of personas) {
    const visible = new Set((await postsVisibleTo(viewer).select('posts.id')).map((p) => p.id));
    t.same(posts.filter((p) => visible.has(p.id)).map((p) => p.body).sort(), [...(expected[label] ?? [])].sort(), `${label}: expected posts`);
    for (const post of posts) {
      // The single-record rule, judged on a context built without the scope.
      const group = groups.find((g: { id: number }) => g.id === post.groupId) as { tools: string[]; archivedAt: Date | null } | undefined;
      const membership = viewer.signedIn && post.groupId ? ((await db('memberships').where({ groupId: post.groupId, userId: viewer.id }).whereRaw('(expires_at is null or expires_at > now())').first()) as { role?: PostContext['role'] } | undefined) : undefined;
      const ctx: PostContext = { post: { id: post.id, authorId: post.authorId, groupId: post.groupId, kind: post.kind }, role: membership?.role ?? null, toolOn: post.groupId === null || (group?.tools.includes('feed') ?? false), archived: group?.archivedAt != null };
      t.equal(visible.has(post.id), can(viewer, 'post:view', ctx), `${label} / ${post.body}: scope and ability agree`);
      const found = await findVisiblePost(viewer, post.id);
      t.equal(found !== undefined, visible.has(post.id), `${label} / ${post.body}: findVisiblePost agrees`);
      if (found) t.same(found.ctx, ctx, `${label} / ${post.body}: the same context`);
    }
  }
});
