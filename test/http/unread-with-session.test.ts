// Issue 16: the header's unread count is read with the session, in one statement for every kind of viewer
// (a CASE over the count's text per kind). Each kind must count exactly what its own scope counts (R-F5, R-X1).
import t from 'tap';
import { countUnreadNotifications } from '../../src/finders/notifications.js';
import { Notification } from '../../src/models/notification.js';
import { Post } from '../../src/models/post.js';
import { viewerFromUser } from '../../src/policy/viewer.js';
import { makeGroup } from '../fixtures.js';
import { build, enableAdminMode, makeUser, signIn } from '../helper.js';

const badge = (body: string) => /class="count-badge" aria-hidden="true">([^<]+)</.exec(body)?.[1] ?? '0';

t.test('the unread count read with the session is each kind of viewer\'s own (R-F5, R-X1)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const employee = await makeUser(db, { name: 'Emil Employee' });
  const external = await makeUser(db, { name: 'Xena External', isExtranet: true });
  const admin = await makeUser(db, { name: 'Ada Admin', isAdmin: true });
  const shared = await makeGroup(db, owner, { name: 'Shared', isExtranet: true }, [[employee], [external], [admin]]);
  const secret = await makeGroup(db, owner, { name: 'Secret', visibleToAll: false });
  const [seen, unseen] = await Post.query(db).insert([
    { groupId: shared.id, authorId: owner.id, kind: 'post', body: 'In the shared group' },
    { groupId: secret.id, authorId: owner.id, kind: 'post', body: 'In the secret group' },
  ]);
  for (const person of [employee, external, admin]) {
    await Notification.query(db).insert([
      { userId: person.id, actorId: owner.id, kind: 'comment', postId: seen!.id, groupId: shared.id, detail: '' },
      { userId: person.id, actorId: owner.id, kind: 'mention', postId: seen!.id, groupId: shared.id, detail: '' },
      // About a post in a group none of them may see, except an administrator in admin mode (SPEC §1).
      { userId: person.id, actorId: owner.id, kind: 'mention', postId: unseen!.id, groupId: secret.id, detail: '' },
    ]);
  }

  for (const [label, person, mode, expected] of [
    ['employee', employee, false, 2],
    ['external', external, false, 2],
    ['administrator', admin, false, 2],
    ['administrator in admin mode', admin, true, 3],
  ] as const) {
    const c = await signIn(app, person);
    if (mode) await enableAdminMode(c);
    const own = await countUnreadNotifications(viewerFromUser(person, mode));
    t.equal(own, expected, `${label}: the scope counts ${expected}`);
    // A process learns the kind of viewer a session's person is on the session's first request, then reads
    // that kind's count with the session from the next one on.
    t.equal(badge((await c.get('/profile')).body), String(expected), `${label}: the first page's count, read on its own`);
    const sql: string[] = [];
    const listener = (q: { sql?: string }) => sql.push(q.sql ?? '');
    db.on('query', listener);
    const body = (await c.get('/profile').finally(() => db.off('query', listener))).body;
    t.equal(badge(body), String(expected), `${label}: the header shows the same`);
    t.notOk(sql.some((q) => /^select count\(\*\) as "n" from \(select 1 from "notifications"/.test(q)), `${label}: no query of its own for the count`);
    t.ok(/from sessions s left join lateral \(select \* from users where users.id = s.user_id/.test(sql[0] ?? ''), `${label}: it came with the session`);
  }
});

t.test('a person who became another kind of viewer gets their own count at once (R-X7, R-U3)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const person = await makeUser(db, { name: 'Tom Transfer', isAdmin: true });
  const secret = await makeGroup(db, owner, { name: 'Secret', visibleToAll: false });
  const [post] = await Post.query(db).insert([{ groupId: secret.id, authorId: owner.id, kind: 'post', body: 'Hidden' }]);
  await Notification.query(db).insert({ userId: person.id, actorId: owner.id, kind: 'mention', postId: post!.id, groupId: secret.id, detail: '' });
  const c = await signIn(app, person);
  await c.get('/profile');
  t.equal(badge((await c.get('/profile')).body), '0', 'an administrator without admin mode does not count it');
  await enableAdminMode(c);
  t.equal(badge((await c.get('/profile')).body), '1', 'with admin mode on, the next page counts it');
  t.equal(badge((await c.get('/profile')).body), '1', 'and the one after');
  await db('users').where({ id: person.id }).update({ isAdmin: false });
  t.equal(badge((await c.get('/profile')).body), '0', 'no longer an administrator: the count follows at once');
});
