// The feed's rules in can() (R-F1, R-F5, R-X5, R-G7) for every kind of viewer, refusals included.
// Columns: anonymous, employee, extranet, admin (admin mode off), admin (admin mode on).
import t from 'tap';
import type { Role } from '../../src/models/group.js';
import { can, type Action, type GroupContext, type UserRecord } from '../../src/policy/abilities.js';
import type { FeedTarget, PostContext } from '../../src/policy/feed-scopes.js';
import { type Viewer } from '../../src/policy/viewer.js';
import { forged, OTHER, personas } from '../personas.js';


/** A post as the viewer meets it; an anonymous viewer never has a role. */
const post = (role: Role | null, attrs: Partial<PostContext['post']> = {}, extra: Partial<PostContext> = {}) => (v: Viewer): PostContext => ({
  post: { id: 1, authorId: OTHER, groupId: 5, kind: 'post', ...attrs },
  role: v.signedIn ? role : null,
  toolOn: true,
  archived: false,
  ...extra,
});
const mine = (attrs: Partial<PostContext['post']> = {}, extra: Partial<PostContext> = {}) => (v: Viewer): PostContext => ({ ...post('member', attrs, extra)(v), post: { id: 1, authorId: v.id ?? 0, groupId: 5, kind: 'post', ...attrs } });
const target = (role: Role | null, attrs: Partial<FeedTarget> = {}) => (v: Viewer): FeedTarget => ({ groupId: 5, role: v.signedIn ? role : null, toolOn: true, archived: false, ...attrs });
const colleague = (attrs: Partial<UserRecord> = {}) => (): UserRecord => ({ id: OTHER, isAdmin: false, isExtranet: false, deactivatedAt: null, ...attrs });
const group = (role: Role | null) => (v: Viewer): GroupContext => ({ group: { id: 5, kind: 'workgroup', visibleToAll: true, isOpen: false, isExtranet: false, whoCanInvite: 'moderators', tools: ['feed'], archivedAt: null }, role: v.signedIn ? role : null });

type Case = [string, (v: Viewer) => unknown, string];
const table: Partial<Record<Action, Case[]>> = {
  'post:view': [
    ['a group post, member', post('member'), '01111'],
    ['a group post, not a member (admin mode sees all)', post(null), '00001'],
    ['a group post with the feed tool off (R-G3)', post('member', {}, { toolOn: false }), '00000'],
    ['a company-wide post (R-X5: not for externals)', post(null, { groupId: null }), '01011'],
    ['an appreciation (R-X5)', post(null, { groupId: null, kind: 'appreciation' }), '01011'],
  ],
  'post:create': [
    ['to a group, member', target('member'), '01111'],
    ['to a group, not a member', target(null), '00000'],
    ['to an archived group (R-G7)', target('owner', { archived: true }), '00000'],
    ['to a group with the feed off', target('member', { toolOn: false }), '00000'],
    ['to all employees (R-X5)', target(null, { groupId: null }), '01011'],
  ],
  'post:appreciate': [
    ['an active colleague', colleague(), '01011'],
    ['an external user (employees only)', colleague({ isExtranet: true }), '00000'],
    ['a deactivated colleague (R-U6)', colleague({ deactivatedAt: new Date() }), '00000'],
    ['oneself', (v) => ({ id: v.id ?? 0, isAdmin: false, isExtranet: false, deactivatedAt: null }), '00000'],
  ],
  'post:comment': [
    ['a group post, member', post('member'), '01111'],
    ['a group post, not a member', post(null), '00000'],
    ['in an archived group (R-G7)', post('member', {}, { archived: true }), '00000'],
    ['a company-wide post', post(null, { groupId: null }), '01011'],
  ],
  'post:vote': [
    ['a poll, member', post('member', { kind: 'poll' }), '01111'],
    ['a post that is no poll', post('member'), '00000'],
    ['a poll in an archived group (R-G7)', post('member', { kind: 'poll' }, { archived: true }), '00000'],
    ['a company-wide poll', post(null, { kind: 'poll', groupId: null }), '01011'],
  ],
  'post:delete': [
    ['one\'s own post', mine(), '01111'],
    ['someone else\'s post, plain member', post('member'), '00001'],
    ['someone else\'s post, moderator (R-G4)', post('moderator'), '01111'],
    ['one\'s own post in an archived group (R-G7)', mine({}, { archived: true }), '00000'],
    ['someone else\'s company-wide post', post(null, { groupId: null }), '00001'],
  ],
  // Issue 18: only the author edits, while it may still comment there; likes go with commenting.
  'post:edit': [
    ['one\'s own post', mine(), '01111'],
    ['someone else\'s post, moderator', post('moderator'), '00000'],
    ['one\'s own post in an archived group (R-G7)', mine({}, { archived: true }), '00000'],
    ['one\'s own post after leaving the group', (v) => ({ ...mine()(v), role: null }), '00000'],
    ['one\'s own company-wide post', mine({ groupId: null }), '01011'],
  ],
  'post:like': [
    ['a group post, member', post('member'), '01111'],
    ['a group post, not a member', post(null), '00000'],
    ['in an archived group (R-G7)', post('member', {}, { archived: true }), '00000'],
    ['a company-wide post', post(null, { groupId: null }), '01011'],
  ],
  'comment:edit': [
    ['one\'s own comment', (v) => ({ post: post('member')(v), authorId: v.id ?? -1 }), '01111'],
    ['someone else\'s comment, moderator', (v) => ({ post: post('moderator')(v), authorId: OTHER }), '00000'],
    ['one\'s own comment in an archived group (R-G7)', (v) => ({ post: post('member', {}, { archived: true })(v), authorId: v.id ?? -1 }), '00000'],
  ],
  // Issue 17 item 7: the author while it still sees the post; the group's owner and moderators and admin mode moderate (R-G4); never while archived (R-G7).
  'comment:delete': [
    ['one\'s own comment', (v) => ({ post: post('member')(v), authorId: v.id ?? -1 }), '01111'],
    ['someone else\'s comment, plain member', (v) => ({ post: post('member')(v), authorId: OTHER }), '00001'],
    ['someone else\'s comment, moderator (R-G4)', (v) => ({ post: post('moderator')(v), authorId: OTHER }), '01111'],
    ['someone else\'s comment, owner (R-G4)', (v) => ({ post: post('owner')(v), authorId: OTHER }), '01111'],
    ['one\'s own comment after leaving the group (R-X1)', (v) => ({ post: post(null)(v), authorId: v.id ?? -1 }), '00001'],
    ['one\'s own comment in an archived group (R-G7)', (v) => ({ post: post('member', {}, { archived: true })(v), authorId: v.id ?? -1 }), '00000'],
    ['one\'s own comment, feed tool off (R-G3)', (v) => ({ post: post('member', {}, { toolOn: false })(v), authorId: v.id ?? -1 }), '00000'],
    ['one\'s own comment on a company-wide post (R-X5)', (v) => ({ post: post(null, { groupId: null })(v), authorId: v.id ?? -1 }), '01011'],
    ['someone else\'s comment on a company-wide post', (v) => ({ post: post(null, { groupId: null })(v), authorId: OTHER }), '00001'],
  ],
  'notification:switch': [
    ['a member', group('member'), '01111'],
    ['not a member', group(null), '00000'],
  ],
  'notification:read': [
    ['one\'s own', (v) => ({ userId: v.id ?? -1 }), '01111'],
    ['someone else\'s', () => ({ userId: OTHER }), '00000'],
  ],
};

t.test('can(): every feed action for every kind of viewer', async (t) => {
  for (const [action, cases] of Object.entries(table) as [Action, Case[]][]) {
    for (const [label, record, expected] of cases) {
      const got = personas.map(([, v]) => (can(v, action, record(v) as never) ? '1' : '0')).join('');
      t.equal(got, expected, `${action}: ${label} (${personas.map(([p]) => p).join(', ')})`);
      t.equal(can(forged, action, record(forged) as never), expected[1] === '1', `${action}: ${label}: a forged admin-mode flag changes nothing`);
    }
  }
  const actions = Object.keys(table);
  for (const a of ['post:view', 'post:create', 'post:appreciate', 'post:comment', 'post:vote', 'post:delete', 'post:edit', 'post:like', 'comment:edit', 'comment:delete', 'notification:switch', 'notification:read']) t.ok(actions.includes(a), `${a} has cases`);
});
