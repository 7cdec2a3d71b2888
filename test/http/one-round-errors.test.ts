// Issue 17, item 6: a form reports every field error in one round: checks that run after parsing
// (people named by e-mail, R-T3 project dates, an event's order, a poll's answers, a taken address,
// the current password, the seat limit) run even when another field failed.
import t from 'tap';
import { build, enableAdminMode, makeUser, PASSWORD, signIn } from '../helper.js';
import { makeGroup, validGroupForm } from '../fixtures.js';

/** The error summary's links, in order: the fields it names. */
function summaryFields(body: string): string[] {
  const summary = /<div class="error-summary"[\s\S]*?<\/ul>/.exec(body)?.[0] ?? '';
  return [...summary.matchAll(/<a href="#([^"]+)">/g)].map((m) => m[1] ?? '');
}

t.test('every error in one round', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Owner' });
  const admin = await makeUser(db, { name: 'Admin', isAdmin: true });
  const group = await makeGroup(db, owner, { name: 'Launch', kind: 'project', startsOn: '2026-01-01', endsOn: '2026-06-30', tools: ['feed', 'tasks', 'calendar'] });
  const o = await signIn(app, owner);

  t.test('task form (R-T1, R-T3, R-T4): empty title, bad date and unknown responsible at once', async (t) => {
    await o.get(`/tasks/new?group=${group.id}`);
    const res = await o.post(`/tasks`, { group: String(group.id), title: '', deadline: '2026-02-30', responsible: 'nobody@example.com' });
    t.equal(res.statusCode, 422);
    t.same(summaryFields(res.body), ['title', 'deadline', 'responsible'], 'title, deadline and responsible, in the form\'s order');
    const outside = await o.post(`/tasks`, { group: String(group.id), title: '', deadline: '2027-01-01', responsible: 'nobody@example.com' });
    t.same(summaryFields(outside.body), ['title', 'deadline', 'responsible'], 'a deadline outside the project counts as well');
    t.match(outside.body, /deadline must be between/i);
  });

  t.test('task edit form: the same checks', async (t) => {
    await o.get(`/tasks/new?group=${group.id}`);
    const created = await o.post(`/tasks`, { group: String(group.id), title: 'Brief', responsible: owner.email });
    const taskId = Number(/\/tasks\/(\d+)/.exec(String(created.headers.location))?.[1]);
    await o.get(`/tasks/${taskId}/edit`);
    const res = await o.post(`/tasks/${taskId}/edit`, { title: '', deadline: 'soon', responsible: 'nobody@example.com', status: 'pending' });
    t.equal(res.statusCode, 422);
    t.same(summaryFields(res.body), ['title', 'deadline', 'responsible']);
  });

  t.test('group form (R-G2): empty name, end before start and unknown invitee at once', async (t) => {
    await o.get('/groups/new');
    const res = await o.post('/groups', { ...validGroupForm, name: '', endsOn: '2025-12-01', invite: 'nobody@example.com' });
    t.equal(res.statusCode, 422);
    t.same(summaryFields(res.body), ['name', 'endsOn', 'invite']);
    await db('settings').update({ extranetEnabled: false });
    const extranet = await o.post('/groups', { ...validGroupForm, name: '', isExtranet: 'on' });
    t.same(summaryFields(extranet.body), ['name', 'isExtranet'], 'extranet switched off in the settings is reported with the rest');
  });

  t.test('event form (R-F3): empty title and an end before the start at once', async (t) => {
    await o.get(`/events/new?group=${group.id}`);
    const res = await o.post('/events', { group: String(group.id), title: '', startDate: '2026-03-10', startTime: '10:00', endDate: '', endTime: '09:00' });
    t.equal(res.statusCode, 422);
    t.same(summaryFields(res.body), ['title', 'endTime']);
  });

  t.test('post form (R-F1): empty message and a poll with one answer at once', async (t) => {
    await o.get(`/groups/${group.id}`);
    const res = await o.post(`/groups/${group.id}/posts`, { kind: 'poll', body: '', option1: 'Yes' });
    t.equal(res.statusCode, 422);
    t.same(summaryFields(res.body), ['body', 'option1']);
  });

  t.test('password change: a wrong current password and a short new one at once', async (t) => {
    await o.get('/profile');
    const res = await o.post('/profile/password', { currentPassword: 'not-my-password', newPassword: 'short' });
    t.equal(res.statusCode, 422);
    t.same(summaryFields(res.body), ['currentPassword', 'newPassword']);
    const right = await o.post('/profile/password', { currentPassword: PASSWORD, newPassword: 'short' });
    t.same(summaryFields(right.body), ['newPassword'], 'the right current password is not reported');
  });

  t.test('admin forms: a taken address with a short password; a seat limit below the active users with a bad upload limit', async (t) => {
    const a = await signIn(app, admin);
    await enableAdminMode(a);
    await a.get('/admin/users/new');
    const res = await a.post('/admin/users', { name: '', email: owner.email, password: 'short', kind: 'employee' });
    t.equal(res.statusCode, 422);
    t.same(summaryFields(res.body), ['name', 'email', 'password']);
    t.match(res.body, /already/i);
    await a.get('/admin/settings');
    const settings = await a.post('/admin/settings', { seatLimit: '1', uploadLimitMb: 'lots' });
    t.equal(settings.statusCode, 422);
    t.same(summaryFields(settings.body), ['seatLimit', 'uploadLimitMb']);
  });
});
