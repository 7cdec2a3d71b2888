import { Model, raw, type QueryBuilder } from 'objection';
import { createKnex, LONG_TIMEOUTS } from '../db/knex.js';
import { Membership } from '../models/group.js';
import { DriveFile, DriveShare } from '../models/file.js';
import { User } from '../models/user.js';
import { filesVisibleTo } from '../policy/file-scopes.js';
import { activityVisibleTo, postsVisibleTo } from '../policy/feed-scopes.js';
import { findFeed, FEED_PAGE_SIZE } from '../finders/feed.js';
import { Post } from '../models/post.js';
import { Conversation } from '../models/chat.js';
import { conversationsVisibleTo } from '../policy/chat-scopes.js';
import { Task } from '../models/task.js';
import { taskCandidatesOf, tasksVisibleByProbeTo, tasksVisibleTo } from '../policy/task-scopes.js';
import { groupsWithToolFor } from '../policy/tool-groups.js';
import { activeMembership, groupsVisibleTo, memberCountOf, myGroupIds, usersVisibleTo } from '../policy/scopes.js';
import { isSuperuser, viewerFromUser, type Viewer } from '../policy/viewer.js';
import { parseArgs } from './args.js';

/**
 * `npm run bench:compare-scopes [-- --viewers N]`: for every scope rewritten for speed (issue 16), the
 * rows of the query as it was and as it is, for several viewers of each kind on the data at DATABASE_URL
 * (load it with `npm run seed:scale`). Any difference is a change of what someone may see: exit 1.
 */
interface Rewrite {
  name: string;
  /** The query as it was before the rewrite, kept here only as the reference. */
  before(viewer: Viewer): QueryBuilder<Model, Model[]>;
  after(viewer: Viewer): QueryBuilder<Model, Model[]>;
  /** The columns that must match, row by row. */
  key: string[];
}

/** usersVisibleTo() before issue 16: contacts as `id in (…)` for every viewer. */
function usersVisibleToBefore(viewer: Viewer): QueryBuilder<User> {
  const q = User.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  if (isSuperuser(viewer)) return q;
  const contacts = Membership.query().alias('theirs').select('theirs.userId').whereIn('theirs.groupId', myGroupIds(viewer.id)).whereRaw(activeMembership('theirs'));
  if (viewer.isExtranet) return q.where((b) => b.where('users.id', viewer.id).orWhereIn('users.id', contacts));
  return q.where((b) => b.where('users.isExtranet', false).orWhere('users.id', viewer.id).orWhereIn('users.id', contacts));
}

/** memberCountOf() before issue 16: every member checked against the viewer's contacts, member or not. */
function memberCountOfBefore(viewer: Viewer, groupIdColumn: string): QueryBuilder<Membership> {
  const q = Membership.query().alias('mc').count('*').whereColumn('mc.groupId', groupIdColumn).whereRaw(activeMembership('mc'));
  if (!viewer.signedIn) return q.whereRaw('false');
  if (isSuperuser(viewer)) return q;
  return q.whereExists(usersVisibleTo(viewer).select(raw('1')).whereColumn('users.id', 'mc.userId'));
}

/** filesVisibleTo() before issue 16: `in (…)` arms, and the owner checked against everyone the viewer may see. */
function filesVisibleToBefore(viewer: Viewer): QueryBuilder<DriveFile> {
  const q = DriveFile.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  const sharedTree = `with recursive shared_tree(id) as (
    select ds.folder_id from drive_shares ds where ds.user_id = ? and ds.folder_id is not null
    union
    select child.id from folders child join shared_tree on child.parent_id = shared_tree.id
  ) select id from shared_tree`;
  const sharedFiles = DriveShare.query().alias('sf').select('sf.fileId').where('sf.userId', viewer.id).whereNotNull('sf.fileId');
  return q.where((b) =>
    b
      .whereIn('files.groupId', groupsWithToolFor(viewer, 'files'))
      .orWhere('files.ownerId', viewer.id)
      .orWhere((s) => s.whereIn('files.ownerId', usersVisibleToBefore(viewer).select('users.id')).where((x) => x.whereIn('files.id', sharedFiles).orWhereRaw(`files.folder_id in (${sharedTree})`, [viewer.id]))),
  );
}

/** postsVisibleTo() before issue 16: the feed groups as `in (…)` for every viewer. */
function postsVisibleToBefore(viewer: Viewer): QueryBuilder<Post> {
  const q = Post.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  return q.where((b) => {
    b.whereIn('posts.groupId', groupsWithToolFor(viewer, 'feed'));
    if (!viewer.isExtranet) b.orWhereNull('posts.groupId');
  });
}

/** conversationsVisibleTo() before issue 16's chat list: the other person of a direct conversation in the set of people the viewer sees. */
function conversationsVisibleToBefore(viewer: Viewer): QueryBuilder<Conversation> {
  const q = Conversation.query();
  if (!viewer.signedIn) return q.whereRaw('false');
  const contacts = () => usersVisibleTo(viewer).select('users.id');
  return q.where((b) =>
    b
      .where((g) => g.where('conversations.kind', 'group').whereIn('conversations.groupId', groupsWithToolFor(viewer, 'chat')))
      .orWhere((d) =>
        d.where('conversations.kind', 'direct').where((p) =>
          p
            .where((x) => x.where('conversations.userLowId', viewer.id).whereIn('conversations.userHighId', contacts()))
            .orWhere((x) => x.where('conversations.userHighId', viewer.id).whereIn('conversations.userLowId', contacts())),
        ),
      ),
  );
}

const asModels = <M extends Model>(q: QueryBuilder<M, M[]>) => q as unknown as QueryBuilder<Model, Model[]>;

const REWRITES: Rewrite[] = [
  { name: 'usersVisibleTo', before: (v) => asModels(usersVisibleToBefore(v).select('users.id')), after: (v) => asModels(usersVisibleTo(v).select('users.id')), key: ['id'] },
  {
    name: 'memberCountOf',
    before: (v) => asModels(groupsVisibleTo(v).select('groups.id', memberCountOfBefore(v, 'groups.id').as('memberCount'))),
    after: (v) => asModels(groupsVisibleTo(v).select('groups.id', memberCountOf(v, 'groups').as('memberCount'))),
    key: ['id', 'memberCount'],
  },
  { name: 'postsVisibleTo', before: (v) => asModels(postsVisibleToBefore(v).select('posts.id')), after: (v) => asModels(postsVisibleTo(v).select('posts.id')), key: ['id'] },
  { name: 'filesVisibleTo', before: (v) => asModels(filesVisibleToBefore(v).select('files.id')), after: (v) => asModels(filesVisibleTo(v).select('files.id')), key: ['id'] },
  {
    // Search reads a viewer's tasks from these candidates (and a superuser's from the scope): alone, they must be exactly its visible tasks.
    name: 'taskCandidatesOf.ids',
    before: (v) => asModels(tasksVisibleTo(v).select('tasks.id')),
    after: (v) => {
      const candidates = v.signedIn ? taskCandidatesOf(v) : null;
      return asModels(candidates ? Task.query().select('tasks.id').whereRaw('tasks.id = any(array(?))', [candidates.ids]) : tasksVisibleTo(v).select('tasks.id'));
    },
    key: ['id'],
  },
  {
    name: 'taskCandidatesOf.byIndex',
    before: (v) => asModels(tasksVisibleTo(v).select('tasks.id')),
    after: (v) => {
      const candidates = v.signedIn ? taskCandidatesOf(v) : null;
      return asModels(candidates ? candidates.byIndex(Task.query()).select('tasks.id') : tasksVisibleTo(v).select('tasks.id'));
    },
    key: ['id'],
  },
  { name: 'conversationsVisibleTo', before: (v) => asModels(conversationsVisibleToBefore(v).select('conversations.id')), after: (v) => asModels(conversationsVisibleTo(v).select('conversations.id')), key: ['id'] },
  // A task page reads its task through the probing form: over every task it must give the list form's rows.
  { name: 'tasksVisibleByProbeTo', before: (v) => asModels(tasksVisibleTo(v).select('tasks.id')), after: (v) => asModels(tasksVisibleByProbeTo(v).select('tasks.id')), key: ['id'] },
];

const { options } = parseArgs(process.argv.slice(2));
const perKind = Number(options.get('viewers') ?? '5');
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('Set DATABASE_URL to the database loaded by npm run seed:scale');
  process.exit(2);
}
const db = createKnex(databaseUrl, 2, LONG_TIMEOUTS);
Model.knex(db);

/** Viewers of each kind, from the most to the fewest groups, so both ends are compared. */
async function viewers(): Promise<{ label: string; viewer: Viewer }[]> {
  // Ids first, then the users through the model: a raw row keeps snake_case names (is_extranet), and
  // a viewer built from it would not be external at all.
  const pick = async (extranet: boolean) =>
    ((await db.raw(
      `select u.id from users u left join memberships m on m.user_id = u.id
        where u.is_extranet = ? and not u.is_admin and u.deactivated_at is null
        group by u.id order by count(m.group_id) desc, u.id`,
      [extranet],
    )).rows as { id: number }[]).map((r) => r.id);
  const spread = <T>(rows: T[]) => (rows.length <= perKind ? rows : Array.from({ length: perKind }, (_, i) => rows[Math.floor((i * (rows.length - 1)) / (perKind - 1))] as T));
  const out: { label: string; viewer: Viewer }[] = [];
  for (const extranet of [false, true]) {
    for (const id of spread(await pick(extranet))) {
      const user = await User.query().findById(id);
      if (!user || user.isExtranet !== extranet) throw new Error(`user ${id} is not what was picked`);
      out.push({ label: `${extranet ? 'external' : 'employee'} ${user.email}`, viewer: viewerFromUser(user, false) });
    }
  }
  const admin = await User.query().where('isAdmin', true).first();
  if (admin) {
    out.push({ label: `admin ${admin.email}`, viewer: viewerFromUser(admin, false) });
    out.push({ label: `admin mode ${admin.email}`, viewer: viewerFromUser(admin, true) });
  }
  return out;
}

/**
 * The main feed's first pages as plain scopes give them: every visible post and activity row, newest first
 * (created_at, then posts before activity, then id). findFeed() reads each group's newest activity only down
 * to the page's last post; its pages must be these.
 */
async function feedReference(viewer: Viewer, pages: number): Promise<string[]> {
  const n = pages * FEED_PAGE_SIZE;
  const posts = postsVisibleTo(viewer).select(raw("'post' as src"), 'posts.id', 'posts.createdAt').orderByRaw('posts.created_at desc, posts.id desc').limit(n);
  const activity = activityVisibleTo(viewer).select(raw("'activity' as src"), 'activity.id', 'activity.createdAt').orderByRaw('activity.created_at desc, activity.id desc').limit(n);
  const rows = (await db.raw(`select * from ((${posts.toKnexQuery().toString()}) union all (${activity.toKnexQuery().toString()})) f order by created_at desc, src desc, id desc limit ?`, [n])).rows as { src: string; id: number }[];
  return rows.map((r) => `${r.src}:${r.id}`);
}

async function feedPages(viewer: Viewer, pages: number): Promise<string[]> {
  const out: string[] = [];
  let after: string | null | undefined;
  for (let i = 0; i < pages; i++) {
    const page = await findFeed(viewer, { after });
    out.push(...page.items.map((r) => `${r.src}:${r.id}`));
    after = page.nextCursor;
    if (!after) break;
  }
  return out;
}

let differences = 0;
for (const { label, viewer } of await viewers()) {
  const [before, after] = [await feedReference(viewer, 3), await feedPages(viewer, 3)];
  const same = before.length === after.length && before.every((id, i) => id === after[i]);
  if (!same) differences++;
  console.log(`${same ? 'same' : 'DIFFERENT'}  main feed, 3 pages  ${label}: ${before.length} rows before, ${after.length} after`);
}
for (const rewrite of REWRITES) {
  for (const { label, viewer } of await viewers()) {
    const ids = async (q: QueryBuilder<Model, Model[]>) => ((await q) as unknown as Record<string, unknown>[]).map((r) => rewrite.key.map((k) => String(r[k])).join(':')).sort();
    const [before, after] = [await ids(rewrite.before(viewer)), await ids(rewrite.after(viewer))];
    const same = before.length === after.length && before.every((id, i) => id === after[i]);
    if (!same) differences++;
    console.log(`${same ? 'same' : 'DIFFERENT'}  ${rewrite.name}  ${label}: ${before.length} rows before, ${after.length} after`);
  }
}
await db.destroy();
console.log(differences === 0 ? 'every rewritten scope gives the same rows' : `${differences} differences`);
process.exit(differences === 0 ? 0 : 1);
