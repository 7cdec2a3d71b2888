// Issue 17, item 3: every form htmx sends answers a refusal with its own fragment, never a whole
// page swapped into the fragment's place (two h1, two main, two site headers), and the fragment
// carries an error summary that the script moves focus to.
import t from 'tap';
import { build, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';

t.test('the failure path of every htmx form returns its fragment', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db);
  const colleague = await makeUser(db);
  const group = await makeGroup(db, owner, { tools: ['feed', 'tasks', 'chat'] }, [[colleague]]);
  const o = await signIn(app, owner);
  await o.get('/tasks/new');
  const created = await o.post('/tasks', { group: String(group.id), title: 'Fragment task', responsible: colleague.email });
  const taskId = Number(/\/tasks\/(\d+)/.exec(String(created.headers.location))?.[1]);
  await o.post(`/groups/${group.id}/posts`, { kind: 'poll', body: 'Lunch?', option1: 'Yes', option2: 'No' });
  const postId = Number((await db('posts').max('id as id').first())?.id);
  await o.get(`/groups/${group.id}`);

  const forms: [string, string, Record<string, string>][] = [
    ['task comment', `/tasks/${taskId}/comments`, { comment: '' }],
    ['task status', `/tasks/${taskId}/status`, { status: 'nonsense' }],
    ['group chat', `/groups/${group.id}/chat`, { message: '' }],
    ['direct chat', `/chat/with/${colleague.id}`, { message: '' }],
    ['appreciation', '/feed/appreciations', { recipient: '', message: '' }],
    ['poll vote', `/posts/${postId}/vote`, { option: '99' }],
    ['post comment', `/posts/${postId}/comments`, { comment: '' }],
    ['group post', `/groups/${group.id}/posts`, { kind: 'post', body: '' }],
    ['main feed post', '/feed/posts', { target: 'all', kind: 'post', body: '' }],
  ];
  for (const [name, url, form] of forms) {
    const res = await o.post(url, form, { headers: { 'hx-request': 'true' } });
    t.ok(res.statusCode >= 400 && res.statusCode < 500, `${name}: refused (${res.statusCode})`);
    t.notMatch(res.body, /<html|<main|<h1/, `${name}: a fragment, not a page`);
    t.match(res.body, /class="error-summary"/, `${name}: with an error summary to focus`);
    // Issue 17, item 4: the summary is what the script focuses, and an alert, so the failure is heard at once.
    t.match(res.body, /<div class="error-summary" role="alert" tabindex="-1" data-error-summary/, `${name}: the summary takes focus and is announced`);
    t.notMatch(res.body, /data-focus=/, `${name}: nothing else claims focus`);
  }
});
