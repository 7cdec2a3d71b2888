// The policy module (DESIGN.md): can() for every action and every kind of viewer, refusals
// included; usersVisibleTo against a small fixture; and scope and single lookup agreeing.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { findVisibleUser } from '../../src/finders/users.js';
import type { Role, WhoCanInvite } from '../../src/models/group.js';
import { Membership } from '../../src/models/group.js';
import { User } from '../../src/models/user.js';
import { can, type Action, type GroupContext, type GroupRecord, type MemberTarget, type UserRecord } from '../../src/policy/abilities.js';
import { usersVisibleTo } from '../../src/policy/scopes.js';
import { anonymous, viewerFromUser, type Viewer } from '../../src/policy/viewer.js';
import { makeUser, testDatabase } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { forged, OTHER, personas } from '../personas.js';


const user = (attrs: Partial<UserRecord> = {}): UserRecord => ({ id: OTHER, isAdmin: false, isExtranet: false, deactivatedAt: null, ...attrs });
const self = (v: Viewer): UserRecord => user({ id: v.id ?? 0 });
const group = (attrs: Partial<GroupRecord> = {}): GroupRecord => ({ id: 1, kind: 'workgroup', visibleToAll: false, isOpen: false, isExtranet: false, whoCanInvite: 'moderators', tools: ['feed', 'tasks'], archivedAt: null, ...attrs });
const archived = { archivedAt: new Date('2024-01-01') };
/** The viewer's context in a group; an anonymous viewer never has a role. */
const ctx = (role: Role | null, attrs: Partial<GroupRecord> = {}, extra: Partial<GroupContext> = {}) => (v: Viewer): GroupContext => ({ group: group(attrs), role: v.signedIn ? role : null, ...extra });
const member = (role: Role | null, target: Partial<MemberTarget['target']> = {}, attrs: Partial<GroupRecord> = {}) => (v: Viewer): MemberTarget => ({
  ...ctx(role, attrs)(v),
  target: { userId: OTHER, role: 'member', isExtranet: false, ...target },
});
const invite = (who: WhoCanInvite, role: Role | null) => ctx(role, { whoCanInvite: who });

/** action → [case, record for the viewer, expected per persona: anonymous, employee, extranet, admin, admin mode]. */
type Case = [string, (v: Viewer) => unknown, string];
const table: Partial<Record<Action, Case[]>> = {
  'admin:access': [['admin pages (SPEC §6, R-U3)', () => null, '00001']],
  'admin-mode:switch': [['only admins have the switch (R-U3)', () => null, '00011']],
  'calendar-feed:manage': [['one\'s own calendar address (R-C2)', (v: Viewer) => ({ userId: v.id ?? -1 }), '01111'], ['someone else\'s', () => ({ userId: OTHER }), '00000']],
  'profile:edit': [['own profile', self, '01111'], ["someone else's profile", () => user(), '00000']],
  'user:deactivate': [
    ['an active user (R-U6)', () => user(), '00001'],
    ['an already deactivated user', () => user({ deactivatedAt: new Date() }), '00000'],
    ['oneself', self, '00000'],
  ],
  'user:reactivate': [['a deactivated user', () => user({ deactivatedAt: new Date() }), '00001'], ['an active user', () => user(), '00000']],
  'user:set-admin': [['an employee', () => user(), '00001'], ['an external user', () => user({ isExtranet: true }), '00000'], ['oneself', self, '00000']],
  'settings:edit': [['settings', () => null, '00001']],
  'user:transfer': [['another user (R-U5)', () => user(), '00001'], ['oneself', self, '00000']],
  'group:create': [['any employee creates groups; externals cannot (R-G1)', () => null, '01011']],
  'group:view': [
    ['hidden group, not a member (R-G9)', ctx(null), '00001'],
    ['visible to all, not a member (R-X1: not for externals)', ctx(null, { visibleToAll: true }), '01011'],
    ['member of a hidden group', ctx('member'), '01111'],
  ],
  'group:read-content': [['visible to all, not a member', ctx(null, { visibleToAll: true }), '00001'], ['member', ctx('member'), '01111']],
  'tool:enabled': [['a tool that is on (R-G3)', (v) => ({ ...ctx(null)(v), tool: 'tasks' }), '11111'], ['a tool that is off', (v) => ({ ...ctx('owner')(v), tool: 'chat' }), '00000']],
  'tool:read': [
    ['member, tool on (R-G3)', (v) => ({ ...ctx('member')(v), tool: 'feed' }), '01111'],
    ['member, tool off', (v) => ({ ...ctx('owner')(v), tool: 'files' }), '00000'],
    ['visible to all, not a member', (v) => ({ ...ctx(null, { visibleToAll: true })(v), tool: 'tasks' }), '00001'],
  ],
  'member:invite-external': [
    ['owner of an extranet group (R-X3)', invite('owner', 'owner'), '00000'],
    ['owner of an extranet group', ctx('owner', { isExtranet: true }), '01111'],
    ['member where members invite', ctx('member', { isExtranet: true, whoCanInvite: 'members' }), '01111'],
    ['member where moderators invite', ctx('member', { isExtranet: true }), '00001'],
    ['archived extranet group', ctx('owner', { isExtranet: true, ...archived }), '00000'],
  ],
  'invitation:list': [['moderator (R-G5)', ctx('moderator'), '01111'], ['member', ctx('member'), '00001'], ['not a member', ctx(null), '00001']],
  'user:message': [['another active person (R-F4)', () => user(), '01111'], ['a deactivated person (R-U6)', () => user({ deactivatedAt: new Date() }), '00000'], ['oneself', self, '00000']],
  'group:edit': [
    ['member (R-G4)', ctx('member'), '00001'],
    ['moderator', ctx('moderator'), '01111'],
    ['owner', ctx('owner'), '01111'],
    ['owner of an archived group (R-G7)', ctx('owner', archived), '00000'],
  ],
  'group:archive': [['moderator', ctx('moderator'), '00001'], ['owner', ctx('owner'), '01111'], ['owner, already archived', ctx('owner', archived), '00000']],
  'group:unarchive': [['owner, not archived', ctx('owner'), '00000'], ['owner, archived', ctx('owner', archived), '01111'], ['moderator, archived', ctx('moderator', archived), '00001']],
  'group:delete': [['owner (R-G8)', ctx('owner'), '01111'], ['owner, archived', ctx('owner', archived), '01111'], ['moderator', ctx('moderator'), '00001'], ['member', ctx('member'), '00001']],
  'group:change-owner': [['owner (R-G4)', ctx('owner'), '01111'], ['moderator', ctx('moderator'), '00001']],
  'member:invite': [
    ['who-can-invite owner: owner (R-G5)', invite('owner', 'owner'), '01111'],
    ['who-can-invite owner: moderator', invite('owner', 'moderator'), '00001'],
    ['who-can-invite moderators: moderator', invite('moderators', 'moderator'), '01111'],
    ['who-can-invite moderators: member', invite('moderators', 'member'), '00001'],
    ['who-can-invite members: member', invite('members', 'member'), '01111'],
    ['who-can-invite members: not a member', invite('members', null), '00001'],
    ['archived group, owner (R-G7)', ctx('owner', { whoCanInvite: 'members', ...archived }), '00000'],
  ],
  'group:join': [
    ['open group, not a member (R-G5)', ctx(null, { isOpen: true, visibleToAll: true }), '01011'],
    ['open group, already a member', ctx('member', { isOpen: true, visibleToAll: true }), '00000'],
    ['visible but not open', ctx(null, { visibleToAll: true }), '00000'],
    ['open but archived', ctx(null, { isOpen: true, visibleToAll: true, ...archived }), '00000'],
  ],
  'group:request-join': [
    ['visible, not open, not a member (R-G5)', ctx(null, { visibleToAll: true }), '01011'],
    ['already asked', ctx(null, { visibleToAll: true }, { hasPendingRequest: true }), '00000'],
    ['open group (join instead)', ctx(null, { visibleToAll: true, isOpen: true }), '00000'],
    ['hidden group', ctx(null), '00000'],
    ['already a member', ctx('member', { visibleToAll: true }), '00000'],
  ],
  'join-request:decide': [['moderator', ctx('moderator'), '01111'], ['member', ctx('member'), '00001'], ['owner, archived', ctx('owner', archived), '00000']],
  'member:leave': [['member (R-G6)', ctx('member'), '01111'], ['moderator', ctx('moderator'), '01111'], ['owner must hand over first', ctx('owner'), '00000'], ['not a member', ctx(null), '00000']],
  'member:remove': [
    ['owner removes a member (R-G6)', member('owner'), '01111'],
    ['moderator removes a member', member('moderator'), '01111'],
    ['moderator removes a moderator', member('moderator', { role: 'moderator' }), '00001'],
    ['member removes a member', member('member'), '00001'],
    ['nobody removes the owner', member('moderator', { role: 'owner' }), '00000'],
    ['removing oneself (that is leaving)', (v) => member('owner', { userId: v.id ?? 0 })(v), '00000'],
    ['archived group', member('owner', {}, archived), '00000'],
  ],
  'member:promote': [
    ['moderator promotes an employee member', member('moderator'), '01111'],
    ['member promotes', member('member'), '00001'],
    ['an external member cannot become moderator', member('owner', { isExtranet: true }), '00000'],
    ['already a moderator', member('owner', { role: 'moderator' }), '00000'],
    ['archived group', member('owner', {}, archived), '00000'],
  ],
  'member:demote': [['owner demotes a moderator', member('owner', { role: 'moderator' }), '01111'], ['moderator demotes a moderator', member('moderator', { role: 'moderator' }), '00001'], ['a plain member', member('owner'), '00000']],
  'member:set-expiry': [
    ['moderator, external member (R-X8)', member('moderator', { isExtranet: true }), '01111'],
    ['member, external member', member('member', { isExtranet: true }), '00001'],
    ['employee member: no expiry', member('owner'), '00000'],
    ['archived group', member('owner', { isExtranet: true }, archived), '00000'],
  ],
};

t.test('can(): every action for every kind of viewer', async (t) => {
  for (const [action, cases] of Object.entries(table) as [Action, Case[]][]) {
    for (const [label, record, expected] of cases) {
      const got = personas.map(([, v]) => (can(v, action, record(v) as never) ? '1' : '0')).join('');
      t.equal(got, expected, `${action}: ${label} (${personas.map(([p]) => p).join(', ')})`);
      t.equal(can(forged, action, record(forged) as never), expected[1] === '1', `${action}: ${label}: a forged admin-mode flag changes nothing`);
    }
  }
});

t.test('every rule in abilities.ts has cases here', async (t) => {
  const source = readFileSync(path.resolve(import.meta.dirname, '../../src/policy/abilities.ts'), 'utf8');
  const body = /const rules\b.*= \{\n([\s\S]*?)\n\};/.exec(source)?.[1] ?? '';
  const actions = [...body.matchAll(/^\s*'([a-z-]+:[a-z-]+)':/gm)].map((m) => m[1]);
  t.ok(actions.length >= Object.keys(table).length, `found the rule table (${actions.length} rules)`);
  // Task rules are their area's own: test/unit/task-consistency.test.ts and test/http/tasks.test.ts;
  // so are file, event and chat rules: test/unit/tool-policy.test.ts; post and notification rules: test/unit/feed-policy.test.ts;
  // deleting a task's comments: test/unit/task-policy.test.ts.
  const missing = actions.filter((a) => !/^(task|task-comment|file|event|chat|post|comment|notification):/.test(a ?? '') && !Object.hasOwn(table, a!));
  t.same(missing, [], 'actions without cases');
});

t.test('usersVisibleTo (R-X1, R-X2, R-X8) and findVisibleUser agree', async (t) => {
  const db = await testDatabase(t);
  const owner = await makeUser(db, { name: 'Owner' });
  const employee = await makeUser(db, { name: 'Employee' });
  const gone = await makeUser(db, { name: 'Gone', deactivatedAt: new Date() });
  const admin = await makeUser(db, { name: 'Admin', isAdmin: true });
  const extA = await makeUser(db, { name: 'External A', isExtranet: true });
  const extB = await makeUser(db, { name: 'External B', isExtranet: true });
  const extB2 = await makeUser(db, { name: 'External B2', isExtranet: true });
  const expired = await makeUser(db, { name: 'Expired', isExtranet: true });
  const loner = await makeUser(db, { name: 'Loner', isExtranet: true });
  const projectA = await makeGroup(db, owner, { name: 'Project A', isExtranet: true }, [[extA], [employee]]);
  await makeGroup(db, owner, { name: 'Project B', isExtranet: true }, [[extB], [extB2]]);
  await Membership.query(db).insert({ groupId: projectA.id, userId: expired.id, role: 'member', expiresAt: new Date(Date.now() - 60_000) });
  const everyone = [owner, employee, gone, admin, extA, extB, extB2, expired, loner];
  const employees = [owner, employee, gone, admin];
  const v = (u: User, mode = false) => viewerFromUser(u, mode);

  const expected: [string, Viewer, User[]][] = [
    ['anonymous sees nobody', anonymous, []],
    ['an employee sees all employees (deactivated too) and its external contacts', v(employee), [...employees, extA]],
    ['an employee sharing no group sees no external user', v(admin), employees],
    ['the owner of two extranet groups sees both sets of contacts, not the expired one', v(owner), [...employees, extA, extB, extB2]],
    ['an external user sees itself and the people of its groups', v(extA), [extA, owner, employee]],
    ['R-X2: another extranet group is invisible', v(extB), [extB, extB2, owner]],
    ['R-X8: an expired membership makes no contacts', v(expired), [expired]],
    ['an unconnected external user sees only itself', v(loner), [loner]],
    ['admin mode sees everyone', v(admin, true), everyone],
  ];
  const ids = (users: { id: number }[]) => users.map((u) => u.id).sort((a, b) => a - b);

  for (const [label, viewer, want] of expected) {
    const visible = await usersVisibleTo(viewer).select('users.id');
    t.same(ids(visible), ids(want), label);
    for (const u of everyone) {
      const found = await findVisibleUser(viewer, u.id);
      t.equal(found?.id, visible.some((r) => r.id === u.id) ? u.id : undefined, `${label}: findVisibleUser(${u.name}) agrees with the scope`);
    }
    t.equal(await findVisibleUser(viewer, 2147483647), undefined, `${label}: a missing id is simply not found`);
  }
});
