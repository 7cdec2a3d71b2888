// Issue 16: pages read in one round trip (db/json-arrays.ts) get their timestamps back from JSON text. A text a
// person wrote that reads as a timestamp (a post's body, a task's title) must stay that text.
import t from 'tap';
import { makeGroup } from '../fixtures.js';
import { build, makeUser, signIn } from '../helper.js';

const WRITTEN = '2026-12-24T18:00:00+01:00';

t.test('a post and a task whose text reads as a timestamp are shown as written', async (t) => {
  const { app, db } = await build(t);
  const me = await makeUser(db, { name: 'Tim Stamp' });
  const group = await makeGroup(db, me, { name: 'Clocks' });
  await db('posts').insert({ body: WRITTEN, groupId: group.id, authorId: me.id });
  const [task] = await db('tasks').insert({ title: WRITTEN, description: WRITTEN, groupId: group.id, creatorId: me.id, responsibleId: me.id }).returning('id');
  const client = await signIn(app, me);

  const feed = await client.get('/feed');
  t.equal(feed.statusCode, 200, 'the feed answers');
  t.match(feed.body, WRITTEN, "the post's body as written");

  const page = await client.get(`/tasks/${(task as { id: number }).id}`);
  t.equal(page.statusCode, 200, 'the task page answers');
  t.match(page.body, `<h1>${WRITTEN}`, 'its title as written');
});
