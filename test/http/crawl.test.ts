// Issue 14, item 6: a rendering guard and the persona matrix over every GET route (DESIGN.md).
// A company with content in every tool; every page reachable by following links is crawled as each
// persona, and fails on a 5xx or on `undefined`, `null`, `NaN`, `[object Object]` or a raw message
// key in what the page shows. Then every GET route, filled with group A's records, answers each
// persona as R-X1 says: 404 for what it may not see, never a 5xx.
import t from 'tap';
import { build, Client, enableAdminMode, makeUser, signIn } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { routesOf } from '../fuzz/routes.js';
import { uploadAs } from '../multipart.js';
import { en as messages } from '../../src/i18n/en/index.js';

const MAX_PAGES = 400;
/** Pages per path with different query strings (months, filters, later pages): enough to see each kind. */
const VARIANTS_PER_PATH = 3;
const NAMESPACES = [...new Set(Object.keys(messages).map((k) => k.split('.')[0]))].join('|');
const RAW_KEY = new RegExp(`(?<![\\w@/.-])(?:${NAMESPACES})(?:\\.[a-z][A-Za-z0-9]*)+(?![\\w@/-])`);

/** What a page shows a person: text without tags, scripts, styles and attribute values. */
function visibleText(html: string): string {
  return html
    .replace(/<script[\s\S]*?<\/script>|<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&[a-z#0-9]+;/g, ' ');
}

function problemsIn(html: string): string[] {
  const problems: string[] = [];
  const text = visibleText(html);
  const links = [...html.matchAll(/(?:href|src|action)="([^"]*)"/g)].map((m) => m[1]).join(' ');
  for (const bad of ['undefined', 'NaN', '[object Object]']) if (text.includes(bad) || links.includes(bad)) problems.push(bad);
  if (/\bnull\b/.test(text)) problems.push('null');
  const placeholder = /(?<!\{)\{[a-z][A-Za-z]*(?:, ?(?:plural|select)[^}]*)?\}(?!\})/.exec(text);
  if (placeholder) problems.push(`unfilled placeholder ${placeholder[0]}`);
  const key = RAW_KEY.exec(text);
  if (key) problems.push(`raw key ${key[0]}`);
  return problems;
}

t.test('crawl every reachable page as every persona; then every GET route', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olivia Owner', email: 'olivia@corp.example' });
  const member = await makeUser(db, { name: 'Mark Member', email: 'mark@corp.example' });
  const passer = await makeUser(db, { name: 'Nina Nonmember', email: 'nina@corp.example' });
  const extA = await makeUser(db, { name: 'Ada External', email: 'ada@client.example', isExtranet: true });
  const extB = await makeUser(db, { name: 'Ben External', email: 'ben@supplier.example', isExtranet: true });
  const temp = await makeUser(db, { name: 'Tom Temporary', email: 'tom@corp.example' });
  const admin = await makeUser(db, { name: 'Alma Admin', email: 'alma@corp.example', isAdmin: true });
  const all = ['feed', 'tasks', 'files', 'calendar', 'chat'] as const;
  const groupA = await makeGroup(db, owner, { name: 'Atlas Launch', kind: 'project', startsOn: '2026-01-01', endsOn: '2027-06-30', isExtranet: true, tools: [...all] }, [[member], [extA], [temp]]);
  const groupB = await makeGroup(db, owner, { name: 'Birch Supply', isExtranet: true, tools: [...all] }, [[extB]]);
  await makeGroup(db, owner, { name: 'Commons', visibleToAll: true, isOpen: true, tools: [...all] }, [[member]]);

  // Content in every tool of group A, made through the app so activity, notifications and audit exist.
  const o = await signIn(app, owner);
  await o.get('/tasks/new');
  const created = await o.post('/tasks', { group: String(groupA.id), title: 'Draft the launch plan', description: 'See https://example.com/plan', responsible: extA.email, observers: member.email, deadline: '2026-12-20' });
  const taskId = Number(/\/tasks\/(\d+)/.exec(String(created.headers.location))?.[1]);
  await o.post(`/tasks/${taskId}/comments`, { comment: 'First draft attached' });
  await o.post(`/tasks/${taskId}/status`, { status: 'completed' });
  await o.post(`/groups/${groupA.id}/posts`, { kind: 'post', body: 'Kick-off on Monday' });
  await o.post(`/groups/${groupA.id}/posts`, { kind: 'poll', body: 'Which venue?', option1: 'Harbour', option2: 'Station' });
  const postId = Number((await db('posts').max('id as id').first())?.id);
  await o.post(`/posts/${postId}/comments`, { comment: 'Harbour, please' });
  await o.post(`/posts/${postId}/vote`, { option: '1' });
  await o.post('/feed/posts', { target: 'all', kind: 'post', body: 'Company news for everyone' });
  await o.post('/feed/appreciations', { recipient: member.email, message: 'Thanks for the figures' });
  await o.get(`/groups/${groupA.id}/files`);
  await uploadAs(o, `/groups/${groupA.id}/files`, { filename: 'plan.txt', type: 'text/plain', data: Buffer.from('launch plan') });
  await o.post(`/groups/${groupA.id}/folders`, { name: 'Contracts' });
  await o.get('/files');
  await uploadAs(o, '/files', { filename: 'notes.txt', type: 'text/plain', data: Buffer.from('my notes') });
  const ownFile = Number((await db('files').max('id as id').first())?.id);
  await o.post(`/files/${ownFile}/shares`, { email: member.email });
  await o.post('/events', { group: String(groupA.id), title: 'Launch review', startDate: '2026-12-03', startTime: '09:00', endDate: '2026-12-04', endTime: '10:30', location: 'Room 2', description: 'Bring the plan' });
  await o.post(`/groups/${groupA.id}/chat`, { message: 'Morning all' });
  await o.post(`/chat/with/${member.id}`, { message: 'A word about the plan?' });
  await o.post(`/groups/${groupA.id}/members/${member.id}/promote`, {});
  await o.post(`/groups/${groupA.id}/members/${member.id}/demote`, {});
  await o.post(`/groups/${groupA.id}/members/${temp.id}/remove`, {});
  await o.post(`/groups/${groupB.id}/posts`, { kind: 'post', body: 'Supplier news' });
  const eventId = Number((await db('events').max('id as id').first())?.id);
  const folderId = Number((await db('folders').max('id as id').first())?.id);
  const groupFile = Number((await db('files').where({ groupId: groupA.id }).max('id as id').first())?.id);
  t.ok(taskId > 0 && postId > 0 && eventId > 0 && folderId > 0 && groupFile > 0, 'content in every tool');

  const adminMode = await signIn(app, admin);
  await enableAdminMode(adminMode);
  const settingsChange = await adminMode.post(`/admin/settings`, { ...(await settingsForm(adminMode)), seatLimit: '100' });
  t.equal(settingsChange.statusCode, 303, 'an audited settings change');
  const personas: [string, Client][] = [
    ['employee member', await signIn(app, member)],
    ['employee non-member', await signIn(app, passer)],
    ['external in group A', await signIn(app, extA)],
    ['external in group B', await signIn(app, extB)],
    ['admin without admin mode', await signIn(app, admin)],
    ['admin with admin mode', adminMode],
  ];

  let checked = 0;
  for (const [who, client] of personas) {
    const seen = new Set<string>();
    const queue = ['/'];
    const failures: string[] = [];
    const variants = new Map<string, number>();
    while (queue.length > 0 && seen.size < MAX_PAGES) {
      const url = queue.shift() as string;
      if (seen.has(url)) continue;
      const pathOnly = url.split('?')[0] ?? url;
      const count = variants.get(pathOnly) ?? 0;
      if (count >= VARIANTS_PER_PATH) continue;
      variants.set(pathOnly, count + 1);
      seen.add(url);
      const res = await client.get(url);
      checked++;
      if (res.statusCode >= 500) failures.push(`${url} → ${res.statusCode}`);
      const location = res.headers.location;
      if (res.statusCode >= 300 && res.statusCode < 400 && typeof location === 'string' && location.startsWith('/')) queue.push(location);
      if (!String(res.headers['content-type'] ?? '').startsWith('text/html')) continue;
      for (const problem of problemsIn(res.body)) failures.push(`${url}: ${problem}`);
      for (const m of res.body.matchAll(/href="(\/[^"#]*)/g)) {
        const link = (m[1] ?? '').replaceAll('&amp;', '&');
        if (link.startsWith('/public/') || link.startsWith('/s/') || /\/download$/.test(link)) continue;
        if (!seen.has(link)) queue.push(link);
      }
    }
    t.same(failures, [], `${who}: ${seen.size} pages, no 5xx and nothing unrendered`);
    if (who.includes('with admin')) t.ok(seen.has('/admin/audit'), 'the audit log was crawled');
    t.ok(seen.size > 10, `${who}: the crawl went somewhere (${seen.size} pages)`);
  }
  t.pass(`crawl: ${checked} pages checked across ${personas.length} personas`);
  const audit = visibleText((await adminMode.get('/admin/audit')).body);
  t.match(audit, /removed a member\s+Atlas Launch\s+Person: Tom Temporary/, 'the audit log says who was removed');
  t.match(audit, /changed settings\s+Seat limit: none → 100/, 'and what a settings change changed');

  // Every GET route with group A's records in it: who may not see them gets 404 (R-X1).
  const fill = (route: string) =>
    route
      .replace(/^\/groups\/:id/, `/groups/${groupA.id}`)
      .replace(/^\/tasks\/:id/, `/tasks/${taskId}`)
      .replace(/^\/posts\/:id/, `/posts/${postId}`)
      .replace(/^\/events\/:id/, `/events/${eventId}`)
      .replace(/^\/folders\/:id/, `/folders/${folderId}`)
      .replace(/^\/files\/:id/, `/files/${groupFile}`)
      .replace(/^\/(users|chat\/with)\/:id/, `/$1/${extA.id}`);
  const routes = routesOf(app, 'GET').filter((r) => r.includes(':') && !r.includes(':token') && r !== '/*');
  t.ok(routes.length >= 20, `${routes.length} GET routes that name a record`);
  const outsiders: [string, Client][] = [personas[1] as [string, Client], personas[3] as [string, Client], personas[4] as [string, Client]];
  const anonymous = new Client(app);
  let cells = 0;
  for (const route of routes) {
    const url = fill(route);
    for (const [who, client] of outsiders) {
      const res = await client.get(url);
      cells++;
      t.equal(res.statusCode, 404, `${who} GET ${route}: 404, as if it did not exist (R-X1)`);
    }
    const anon = await anonymous.get(url);
    t.equal(`${anon.statusCode} ${String(anon.headers.location).split('?')[0]}`, '303 /login', `anonymous GET ${route}: sent to sign in`);
    const inside = await (personas[0] as [string, Client])[1].get(url);
    t.ok(inside.statusCode < 500, `employee member GET ${route}: ${inside.statusCode}`);
    cells += 2;
  }
  for (const route of routesOf(app, 'GET').filter((r) => r.startsWith('/admin'))) {
    t.equal((await (personas[4] as [string, Client])[1].get(route)).statusCode, 403, `admin without admin mode GET ${route}: 403 with a hint`);
    t.equal((await (personas[0] as [string, Client])[1].get(route)).statusCode, 404, `employee GET ${route}: 404`);
    t.ok((await adminMode.get(route)).statusCode < 400, `admin mode GET ${route}: shown`);
    cells += 3;
  }
  t.pass(`persona matrix: ${cells} route × persona cells`);
});

/** The settings form as it stands, sent back unchanged: an audited settings change. */
async function settingsForm(c: Client): Promise<Record<string, string>> {
  const html = (await c.get('/admin/settings')).body;
  const form: Record<string, string> = {};
  for (const m of html.matchAll(/<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"/g)) if (m[1] && m[1] !== '_csrf') form[m[1]] = m[2] ?? '';
  for (const m of html.matchAll(/<input[^>]*type="checkbox"[^>]*name="([^"]+)"[^>]*checked/g)) if (m[1]) form[m[1]] = 'on';
  return form;
}
