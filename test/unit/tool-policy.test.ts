// The file, calendar and chat rules (R-F2, R-F3, R-F4, R-G3, R-G7, R-X4, R-X5): can() for every
// kind of viewer, and, Discourse-style, "appears in the scope" equals "can(viewer, '…:view', …)"
// for every persona and record of a varied fixture.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import t from 'tap';
import { ChatMessage, Conversation } from '../../src/models/chat.js';
import { CalendarEvent } from '../../src/models/event.js';
import { DriveFile, DriveShare, Folder } from '../../src/models/file.js';
import { Group, Membership, type Role, type Tool } from '../../src/models/group.js';
import { can, type Action } from '../../src/policy/abilities.js';
import type { CalendarContext } from '../../src/policy/calendar-scopes.js';
import { eventsVisibleTo } from '../../src/policy/calendar-scopes.js';
import { conversationsVisibleTo, type ConversationContext } from '../../src/policy/chat-scopes.js';
import { filesVisibleTo, foldersVisibleTo, type DriveContext } from '../../src/policy/file-scopes.js';
import { usersVisibleTo } from '../../src/policy/scopes.js';
import { anonymous, viewerFromUser, type Viewer } from '../../src/policy/viewer.js';
import { makeUser, testDatabase } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { OTHER, personas, signedIn } from '../personas.js';


type R = Role | null;
const drive = (role: R, attrs: Partial<DriveContext> = {}) => (v: Viewer): DriveContext => ({ groupId: 1, ownerId: null, role: v.signedIn ? role : null, filesWrite: 'members', archived: false, toolOn: true, sharedWithViewer: false, ...attrs });
const own = (v: Viewer): DriveContext => ({ groupId: null, ownerId: v.id ?? 0, role: null, filesWrite: 'members', archived: false, toolOn: true, sharedWithViewer: false });
const theirs = (shared: boolean) => (): DriveContext => ({ groupId: null, ownerId: OTHER, role: null, filesWrite: 'members', archived: false, toolOn: true, sharedWithViewer: shared });
const calendar = (role: R, attrs: Partial<CalendarContext> = {}) => (v: Viewer): CalendarContext => ({ groupId: 1, role: v.signedIn ? role : null, calendarWrite: 'members', archived: false, toolOn: true, ...attrs });
const company = (): CalendarContext => ({ groupId: null, role: null, calendarWrite: 'moderators', archived: false, toolOn: true });
const groupChat = (role: R, attrs: Partial<ConversationContext> = {}) => (v: Viewer): ConversationContext => ({ kind: 'group', groupId: 1, role: v.signedIn ? role : null, archived: false, toolOn: true, participantIds: [], otherVisible: false, otherActive: false, ...attrs });
const direct = (attrs: Partial<ConversationContext> = {}) => (v: Viewer): ConversationContext => ({ kind: 'direct', groupId: null, role: null, archived: false, toolOn: false, participantIds: [v.id ?? 0, OTHER], otherVisible: true, otherActive: true, ...attrs });
const archived = { archived: true };

/** action → [case, record for the viewer, expected per persona: anonymous, employee, extranet, admin, admin mode]. */
type Case = [string, (v: Viewer) => unknown, string];
const table: Partial<Record<Action, Case[]>> = {
  'file:view': [
    ['group drive, member (R-F2)', drive('member'), '01111'],
    ['group drive, not a member (R-X1)', drive(null), '00001'],
    ['group drive, files tool off (R-G3)', drive('owner', { toolOn: false }), '00000'],
    ['archived group: still readable (R-G7)', drive('member', archived), '01111'],
    ['own drive', own, '01111'],
    ["someone else's drive, not shared: private, admin mode too", theirs(false), '00000'],
    ['shared with the viewer (R-F2, R-X4)', theirs(true), '01111'],
  ],
  'file:write': [
    ['member, files_write members (R-G3)', drive('member'), '01111'],
    ['member, files_write moderators', drive('member', { filesWrite: 'moderators' }), '00001'],
    ['moderator, files_write moderators', drive('moderator', { filesWrite: 'moderators' }), '01111'],
    ['owner of an archived group (R-G7)', drive('owner', archived), '00000'],
    ['tool off (R-G3)', drive('owner', { toolOn: false }), '00000'],
    ['own drive', own, '01111'],
    ['shared with the viewer: read only', theirs(true), '00000'],
  ],
  'file:link': [
    ['member who may write', drive('member'), '01111'],
    ['member, files_write moderators', drive('member', { filesWrite: 'moderators' }), '00001'],
    ['archived group (R-G7)', drive('owner', archived), '00000'],
    ['own file', own, '01111'],
    ['shared file', theirs(true), '00000'],
  ],
  'file:unlink': [
    ['archived group: revoking only takes access away', drive('owner', archived), '01111'],
    ['member, files_write moderators', drive('member', { filesWrite: 'moderators' }), '00001'],
    ['own file', own, '01111'],
    ['shared file', theirs(true), '00000'],
  ],
  'file:share': [
    ['own item (R-F2)', own, '01111'],
    ['group item: the group is who sees it', drive('owner'), '00000'],
    ['shared item: only the owner shares', theirs(true), '00000'],
  ],
  'event:view': [
    ['group calendar, member (R-F3)', calendar('member'), '01111'],
    ['group calendar, not a member', calendar(null), '00001'],
    ['calendar tool off (R-G3)', calendar('owner', { toolOn: false }), '00000'],
    ['company calendar: employees only (R-X5)', company, '01011'],
  ],
  'event:write': [
    ['member, calendar_write members (R-G3)', calendar('member'), '01111'],
    ['member, calendar_write moderators', calendar('member', { calendarWrite: 'moderators' }), '00001'],
    ['owner, calendar_write moderators', calendar('owner', { calendarWrite: 'moderators' }), '01111'],
    ['archived group (R-G7)', calendar('owner', archived), '00000'],
    ['tool off', calendar('owner', { toolOn: false }), '00000'],
    ['company calendar: admin mode (R-F3)', company, '00001'],
  ],
  'chat:view': [
    ['group chat, member (R-F4)', groupChat('member'), '01111'],
    ['group chat, not a member', groupChat(null), '00001'],
    ['chat tool off (R-G3)', groupChat('member', { toolOn: false }), '00000'],
    ['direct, a participant (R-X4)', direct(), '01111'],
    ['direct, no longer a contact', direct({ otherVisible: false }), '00000'],
    ["direct between two others: private, admin mode too", () => direct()(signedIn(77, {})), '00000'],
  ],
  // Issue 18: only the author edits its message, while it may still post there.
  'chat:edit': [
    ['one\'s own group message', (v: Viewer) => ({ ctx: groupChat('member')(v), authorId: v.id ?? -1 }), '01111'],
    ['someone else\'s message, owner', (v: Viewer) => ({ ctx: groupChat('owner')(v), authorId: OTHER }), '00000'],
    ['one\'s own message in an archived group (R-G7)', (v: Viewer) => ({ ctx: groupChat('member', archived)(v), authorId: v.id ?? -1 }), '00000'],
    ['one\'s own direct message to a contact', (v: Viewer) => ({ ctx: direct()(v), authorId: v.id ?? -1 }), '01111'],
    ['one\'s own direct message to someone no longer a contact (R-X4)', (v: Viewer) => ({ ctx: direct({ otherVisible: false })(v), authorId: v.id ?? -1 }), '00000'],
  ],
  // Issue 17 item 7: the author while it still sees the chat; in a group its owner and moderators and admin mode too (R-G4); a direct message only its author.
  'chat:delete': [
    ['one\'s own group message', (v: Viewer) => ({ ctx: groupChat('member')(v), authorId: v.id ?? -1 }), '01111'],
    ['someone else\'s group message, member', (v: Viewer) => ({ ctx: groupChat('member')(v), authorId: OTHER }), '00001'],
    ['someone else\'s group message, moderator (R-G4)', (v: Viewer) => ({ ctx: groupChat('moderator')(v), authorId: OTHER }), '01111'],
    ['someone else\'s group message, owner (R-G4)', (v: Viewer) => ({ ctx: groupChat('owner')(v), authorId: OTHER }), '01111'],
    ['one\'s own message after leaving the group (R-X1)', (v: Viewer) => ({ ctx: groupChat(null)(v), authorId: v.id ?? -1 }), '00001'],
    ['one\'s own message in an archived group (R-G7)', (v: Viewer) => ({ ctx: groupChat('owner', archived)(v), authorId: v.id ?? -1 }), '00000'],
    ['one\'s own message, chat tool off (R-G3)', (v: Viewer) => ({ ctx: groupChat('owner', { toolOn: false })(v), authorId: v.id ?? -1 }), '00000'],
    ['one\'s own direct message', (v: Viewer) => ({ ctx: direct()(v), authorId: v.id ?? -1 }), '01111'],
    ['one\'s own direct message to someone since deactivated (R-U6)', (v: Viewer) => ({ ctx: direct({ otherActive: false })(v), authorId: v.id ?? -1 }), '01111'],
    ['the other person\'s direct message (admin mode does not read them)', (v: Viewer) => ({ ctx: direct()(v), authorId: OTHER }), '00000'],
    ['one\'s own direct message to someone no longer a contact (R-X4)', (v: Viewer) => ({ ctx: direct({ otherVisible: false })(v), authorId: v.id ?? -1 }), '00000'],
  ],
  'chat:post': [
    ['group chat, member', groupChat('member'), '01111'],
    ['group chat, admin mode without membership', groupChat(null), '00000'],
    ['archived group (R-G7)', groupChat('owner', archived), '00000'],
    ['tool off', groupChat('member', { toolOn: false }), '00000'],
    ['direct, contact', direct(), '01111'],
    ['direct, not a contact (R-X4)', direct({ otherVisible: false }), '00000'],
    ['direct, deactivated person (R-U6)', direct({ otherActive: false }), '00000'],
    ['direct with oneself', (v: Viewer) => direct({ participantIds: [v.id ?? 0, v.id ?? 0] })(v), '00000'],
  ],
};

t.test('can(): every file, event and chat rule for every kind of viewer', async (t) => {
  for (const [action, cases] of Object.entries(table) as [Action, Case[]][]) {
    for (const [label, record, expected] of cases) {
      const got = personas.map(([, v]) => (can(v, action, record(v) as never) ? '1' : '0')).join('');
      t.equal(got, expected, `${action}: ${label} (${personas.map(([p]) => p).join(', ')})`);
    }
  }
});

t.test('every file, event and chat rule in abilities.ts has cases here', async (t) => {
  const source = readFileSync(path.resolve(import.meta.dirname, '../../src/policy/abilities.ts'), 'utf8');
  const body = /const rules\b.*= \{\n([\s\S]*?)\n\};/.exec(source)?.[1] ?? '';
  const actions = [...body.matchAll(/^\s*'((?:file|event|chat):[a-z-]+)':/gm)].map((m) => m[1]);
  t.ok(actions.length >= 9, `found the rules (${actions.length})`);
  t.same(actions.filter((a) => !Object.hasOwn(table, a!)), [], 'actions without cases');
});

t.test('scopes and view abilities agree for files, folders, events and chats', async (t) => {
  const db = await testDatabase(t);
  const owner = await makeUser(db, { name: 'Owner' });
  const member = await makeUser(db, { name: 'Member' });
  const stranger = await makeUser(db, { name: 'Stranger' });
  const ext = await makeUser(db, { name: 'External', isExtranet: true });
  const extOther = await makeUser(db, { name: 'Other external', isExtranet: true });
  const admin = await makeUser(db, { name: 'Admin', isAdmin: true });
  const team = await makeGroup(db, owner, { name: 'Team' }, [[member]]);
  const noTools = await makeGroup(db, owner, { name: 'No tools', tools: ['feed'] }, [[member]]);
  const client = await makeGroup(db, owner, { name: 'Client', isExtranet: true }, [[ext]]);
  const gone = await makeGroup(db, owner, { name: 'Gone', isExtranet: true }, []);
  await Membership.query(db).insert({ groupId: gone.id, userId: extOther.id, role: 'member', expiresAt: new Date(Date.now() - 1000) });

  const key = () => crypto.randomUUID();
  const file = (name: string, attrs: Partial<DriveFile>) => DriveFile.query(db).insertAndFetch({ name, storageKey: key(), mimeType: 'text/plain', size: 1, folderId: null, groupId: null, ownerId: null, ...attrs });
  const folder = (name: string, attrs: Partial<Folder>) => Folder.query(db).insertAndFetch({ name, parentId: null, groupId: null, ownerId: null, ...attrs });
  const sharedFolder = await folder('shared folder', { ownerId: member.id });
  const inner = await folder('inner', { ownerId: member.id, parentId: sharedFolder.id });
  const folders = [await folder('team folder', { groupId: team.id }), await folder('no-tool folder', { groupId: noTools.id }), await folder('private', { ownerId: owner.id }), sharedFolder, inner];
  const files = [
    await file('team file', { groupId: team.id }),
    await file('no-tool file', { groupId: noTools.id }),
    await file('client file', { groupId: client.id }),
    await file("owner's own", { ownerId: owner.id }),
    await file('shared directly with stranger', { ownerId: member.id }),
    await file('in shared folder', { ownerId: member.id, folderId: inner.id }),
    await file('owner shares with external', { ownerId: owner.id }),
    await file('expired contact shares', { ownerId: extOther.id }),
  ];
  await DriveShare.query(db).insert([
    { fileId: files[4]!.id, userId: stranger.id },
    { folderId: sharedFolder.id, userId: stranger.id },
    { fileId: files[6]!.id, userId: ext.id },
    { fileId: files[7]!.id, userId: owner.id },
  ]);
  const event = (title: string, groupId: number | null) => CalendarEvent.query(db).insertAndFetch({ title, groupId, startsAt: new Date(), endsAt: new Date() });
  const events = [await event('team event', team.id), await event('no-tool event', noTools.id), await event('client event', client.id), await event('company event', null)];
  const chats = await Conversation.query(db).whereIn('groupId', [team.id, noTools.id, client.id]);
  const pair = (a: number, b: number) => Conversation.query(db).insertAndFetch({ kind: 'direct', userLowId: Math.min(a, b), userHighId: Math.max(a, b) });
  const directs = [await pair(owner.id, ext.id), await pair(member.id, stranger.id), await pair(owner.id, extOther.id)];
  await ChatMessage.query(db).insert({ conversationId: directs[0]!.id, authorId: owner.id, body: 'hello' });

  const people: [string, Viewer][] = [
    ['anonymous', anonymous],
    ['owner', viewerFromUser(owner, false)],
    ['member', viewerFromUser(member, false)],
    ['stranger', viewerFromUser(stranger, false)],
    ['external', viewerFromUser(ext, false)],
    ['expired external', viewerFromUser(extOther, false)],
    ['admin', viewerFromUser(admin, false)],
    ['admin mode', viewerFromUser(admin, true)],
  ];
  const groupsById = new Map((await Group.query(db)).map((g) => [g.id, g]));
  const roleOf = async (v: Viewer, groupId: number | null): Promise<Role | null> => {
    if (!v.signedIn || groupId === null) return null;
    const m = await Membership.query(db).where({ groupId, userId: v.id }).whereRaw('(expires_at is null or expires_at > now())').first();
    return m?.role ?? null;
  };
  const toolOn = (groupId: number | null, tool: Tool) => groupId === null || (groupsById.get(groupId)?.tools.includes(tool) ?? false);
  /** "Shared with the viewer" judged without the scope: a share on the item or a folder above it, while the owner is a contact. */
  const sharedWith = async (v: Viewer, item: { id: number; ownerId: number | null }, kind: 'file' | 'folder', folderId: number | null): Promise<boolean> => {
    if (!v.signedIn || item.ownerId === null || item.ownerId === v.id) return false;
    if (!(await usersVisibleTo(v).findById(item.ownerId))) return false;
    const shares = await DriveShare.query(db).where('userId', v.id);
    if (shares.some((s) => (kind === 'file' ? s.fileId === item.id : s.folderId === item.id))) return true;
    for (let f = folderId === null ? undefined : await Folder.query(db).findById(folderId); f; f = f.parentId === null ? undefined : await Folder.query(db).findById(f.parentId)) {
      if (shares.some((s) => s.folderId === f!.id)) return true;
    }
    return false;
  };

  for (const [label, v] of people) {
    const seenFiles = new Set((await filesVisibleTo(v).select('files.id')).map((r) => r.id));
    for (const f of files) {
      const ctx: DriveContext = { groupId: f.groupId, ownerId: f.ownerId, role: await roleOf(v, f.groupId), filesWrite: 'members', archived: false, toolOn: toolOn(f.groupId, 'files'), sharedWithViewer: await sharedWith(v, f, 'file', f.folderId) };
      t.equal(seenFiles.has(f.id), can(v, 'file:view', ctx), `${label} / file ${f.name}`);
    }
    const seenFolders = new Set((await foldersVisibleTo(v).select('folders.id')).map((r) => r.id));
    for (const f of folders) {
      const ctx: DriveContext = { groupId: f.groupId, ownerId: f.ownerId, role: await roleOf(v, f.groupId), filesWrite: 'members', archived: false, toolOn: toolOn(f.groupId, 'files'), sharedWithViewer: await sharedWith(v, f, 'folder', f.parentId) };
      t.equal(seenFolders.has(f.id), can(v, 'file:view', ctx), `${label} / folder ${f.name}`);
    }
    const seenEvents = new Set((await eventsVisibleTo(v).select('events.id')).map((r) => r.id));
    for (const e of events) {
      const ctx: CalendarContext = { groupId: e.groupId, role: await roleOf(v, e.groupId), calendarWrite: 'members', archived: false, toolOn: toolOn(e.groupId, 'calendar') };
      t.equal(seenEvents.has(e.id), can(v, 'event:view', ctx), `${label} / ${e.title}`);
    }
    const seenChats = new Set((await conversationsVisibleTo(v).select('conversations.id')).map((r) => r.id));
    for (const c of [...chats, ...directs]) {
      const other = v.signedIn && c.kind === 'direct' ? (c.userLowId === v.id ? c.userHighId : c.userLowId) : null;
      const otherVisible = other !== null && v.signedIn && (await usersVisibleTo(v).findById(other)) !== undefined;
      const ctx: ConversationContext = { kind: c.kind, groupId: c.groupId, role: await roleOf(v, c.groupId), archived: false, toolOn: toolOn(c.groupId, 'chat') && c.kind === 'group', participantIds: c.kind === 'direct' ? [c.userLowId ?? 0, c.userHighId ?? 0] : [], otherVisible, otherActive: true };
      t.equal(seenChats.has(c.id), can(v, 'chat:view', ctx), `${label} / conversation ${c.id} (${c.kind})`);
    }
  }

  // Spot checks of what the fixture is for.
  const names = async (v: Viewer) => (await filesVisibleTo(v).select('files.name')).map((r) => r.name).sort();
  t.same(await names(viewerFromUser(stranger, false)), ['in shared folder', 'shared directly with stranger'], 'R-F2: a shared folder shares what is below it');
  t.same(await names(viewerFromUser(ext, false)), ['client file', 'owner shares with external'], 'R-X1: an external user sees its group and what its contacts share');
  t.same(await names(viewerFromUser(owner, false)), ['client file', 'team file', "owner's own", 'owner shares with external'].sort(), 'R-X4: a share from someone no longer a contact is gone');
  t.notOk((await names(viewerFromUser(admin, true))).includes("owner's own"), 'personal drives stay private in admin mode');
});
