// Issue 18, item 1: e-mail notifications. Each person chooses per kind (at once, daily summary,
// off); the mail goes through the outbox to a real SMTP server with a text and an HTML part,
// List-Unsubscribe and RFC 8058 one-click unsubscribe; it is built through the recipient's scopes
// at that moment, so what it lost access to since is not mailed (R-X1). The summary goes at the
// person's hour in its time zone, and not at all when nothing is left to tell.
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import { buildApp } from '../../src/app.js';
import { loadConfig } from '../../src/config.js';
import { Membership } from '../../src/models/group.js';
import { MailPreference, MailQueueItem } from '../../src/models/mail-preference.js';
import { Post } from '../../src/models/post.js';
import { Task } from '../../src/models/task.js';
import { composeDueMail } from '../../src/services/mail-notifications/compose.js';
import { Client, makeUser, signIn, testDatabase } from '../helper.js';
import { makeGroup } from '../fixtures.js';
import { smtpInbox, unfold } from '../smtp-inbox.js';

/** Header lines of a raw message, continuation lines joined. */
function headersOf(raw: string): Map<string, string> {
  const head = raw.split(/\r?\n\r?\n/)[0] ?? '';
  const map = new Map<string, string>();
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':');
    if (i > 0) map.set(line.slice(0, i).toLowerCase(), line.slice(i + 1).trim());
  }
  return map;
}

t.test('e-mail notifications', async (t) => {
  const inbox = await smtpInbox(t);
  const db = await testDatabase(t);
  const config = loadConfig({ ...process.env, DATABASE_URL: 'postgres://unused/x', DATA_DIR: mkdtempSync(path.join(os.tmpdir(), 'atrium-data-')), SMTP_URL: `smtp://127.0.0.1:${inbox.port}`, PUBLIC_URL: 'http://atrium.test' });
  const app = await buildApp({ config, db });
  t.teardown(() => app.close());
  const site = { publicUrl: config.publicUrl, secret: config.sessionSecret };

  const olga = await makeUser(db, { name: 'Olga Owner', email: 'olga@corp.example' });
  const mia = await makeUser(db, { name: 'Mia Member', email: 'mia@corp.example' });
  const dan = await makeUser(db, { name: 'Dan Digest', email: 'dan@corp.example', timeZone: 'Pacific/Auckland' });
  const eve = await makeUser(db, { name: 'Eve External', email: 'eve@partner.example', isExtranet: true });
  const group = await makeGroup(db, olga, { name: 'Launch' }, [[mia], [dan]]);
  const shared = await makeGroup(db, olga, { name: 'Client project', isExtranet: true }, [[mia], [eve]]);
  const o = await signIn(app, olga);
  const m = await signIn(app, mia);
  const sent = () => inbox.messages.map(unfold);
  const mailsTo = (address: string) => sent().filter((raw) => headersOf(raw).get('to')?.includes(address));

  t.test('a task assigned: mailed at once, through SMTP, with both parts and unsubscribe headers', async (t) => {
    t.equal((await o.post('/tasks', { group: String(group.id), title: 'Write the launch copy', responsible: mia.email })).statusCode, 303);
    const task = await Task.query(db).findOne({ title: 'Write the launch copy' });
    await app.mail.dispatch();
    const mails = mailsTo('mia@corp.example');
    t.equal(mails.length, 1, 'one mail reached the SMTP server');
    const raw = mails[0] ?? '';
    const h = headersOf(raw);
    t.match(h.get('subject') ?? '', /Olga Owner made you responsible for Write the launch copy/);
    t.match(h.get('list-unsubscribe') ?? '', /^<http:\/\/atrium\.test\/mail\/unsubscribe\/\d+\.task_assigned\.[A-Za-z0-9_-]{43}>$/);
    t.equal(h.get('list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
    t.match(h.get('content-type') ?? '', /multipart\/alternative/);
    t.match(raw, /Content-Type: text\/plain/);
    t.match(raw, /Content-Type: text\/html/);
    t.match(raw, new RegExp(`Open in Atrium: http://atrium\\.test/tasks/${task?.id}`), 'the text part links to the task');
    t.match(raw, new RegExp(`<a href="http://atrium\\.test/tasks/${task?.id}">`), 'so does the HTML part');
    t.equal(await MailQueueItem.query(db).resultSize(), 0, 'the queue is empty');
  });

  t.test('one-click unsubscribe: a GET only asks; a POST without a session switches the kind off', async (t) => {
    const link = /<http:\/\/atrium\.test(\/mail\/unsubscribe\/[^>]+)>/.exec(headersOf(mailsTo('mia@corp.example')[0] ?? '').get('list-unsubscribe') ?? '')?.[1] ?? '';
    const page = await new Client(app).get(link);
    t.equal(page.statusCode, 200);
    t.match(page.body, new RegExp(`<form method="post" action="${link}">`), 'a confirm button');
    t.equal(await MailPreference.query(db).resultSize(), 0, 'nothing changed by the GET');

    const token = link.split('/').pop() ?? '';
    const forged = token.replace(/^\d+\./, `${dan.id}.`);
    const oneClick = (url: string) => app.inject({ method: 'POST', url, payload: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    t.equal((await oneClick(`/mail/unsubscribe/${forged}`)).statusCode, 404, "another person's id with this token is refused");
    t.equal((await oneClick('/mail/unsubscribe/garbage')).statusCode, 404);
    t.equal((await new Client(app).get(`/mail/unsubscribe/${forged}`)).statusCode, 404);
    t.equal(await MailPreference.query(db).resultSize(), 0, 'nobody was unsubscribed');

    const res = await oneClick(link);
    t.equal(res.statusCode, 200, 'the mail client posts without a session or CSRF token');
    t.match(res.body, /You will no longer get e-mail for: Tasks assigned to me/);
    t.equal((await MailPreference.query(db).findById(mia.id))?.taskAssigned, 'off');
    t.equal((await MailPreference.query(db).findById(mia.id))?.mention, 'immediate', 'other kinds keep their choice');

    await o.post('/tasks', { group: String(group.id), title: 'Second task', responsible: mia.email });
    await app.mail.dispatch();
    t.equal(mailsTo('mia@corp.example').length, 1, 'no mail for that kind any more');
  });

  t.test('the profile form: a fieldset per kind, 422 with an error summary for a bad choice', async (t) => {
    const page = await m.get('/profile');
    t.match(page.body, /<h2 id="mail-notifications">Notifications by e-mail<\/h2>/);
    t.match(page.body, /<legend class="legend">Direct messages<\/legend>/);
    t.match(page.body, /id="mail-task_assigned-off" name="mail-task_assigned" value="off" checked/, 'shows the current choice');
    const bad = await m.post('/profile/mail', { 'mail-invitation': 'sometimes', digestHour: '25' });
    t.equal(bad.statusCode, 422);
    t.match(bad.body, /error-summary/);
    t.match(bad.body, /href="#mail-invitation-immediate"/);
    t.match(bad.body, /href="#digestHour"/);
    const form = { 'mail-invitation': 'immediate', 'mail-join_request': 'digest', 'mail-task_assigned': 'immediate', 'mail-task_changed': 'off', 'mail-mention': 'immediate', 'mail-comment': 'immediate', 'mail-direct_message': 'immediate', digestHour: '9' };
    const ok = await m.post('/profile/mail', form);
    t.equal(ok.statusCode, 303);
    t.match(await MailPreference.query(db).findById(mia.id), { taskAssigned: 'immediate', taskChanged: 'off', comment: 'immediate', digestHour: 9 });
  });

  t.test('R-X1: a mail about something the recipient lost access to before the mail is built is not sent', async (t) => {
    const post = await m.post(`/groups/${group.id}/posts`, { kind: 'post', body: 'Launch plan draft' });
    t.equal(post.statusCode, 303);
    const mine = await Post.query(db).findOne({ body: 'Launch plan draft' });
    t.equal((await o.post(`/posts/${mine?.id}/comments`, { comment: 'Looks good' })).statusCode, 303);
    t.equal(await MailQueueItem.query(db).where({ userId: mia.id, kind: 'comment' }).resultSize(), 1, 'queued for Mia');
    await Membership.query(db).where({ groupId: group.id, userId: mia.id }).delete();
    await app.mail.dispatch();
    t.equal(mailsTo('mia@corp.example').length, 1, 'no mail about a post Mia can no longer see');
    t.equal(await MailQueueItem.query(db).resultSize(), 0, 'and the row is gone');
    await Membership.query(db).insert({ groupId: group.id, userId: mia.id, role: 'member' });
  });

  t.test('direct messages: mailed while the recipient may read the conversation, not once read or out of reach', async (t) => {
    const e = await signIn(app, eve);
    t.equal((await e.post(`/chat/with/${mia.id}`, { message: 'Can we talk about the contract?' })).statusCode, 303);
    await app.mail.dispatch();
    const dm = mailsTo('mia@corp.example').at(-1) ?? '';
    t.match(headersOf(dm).get('subject') ?? '', /Eve External sent you a direct message/);
    t.match(dm, /Can we talk about the contract\?/);
    t.match(dm, new RegExp(`http://atrium\\.test/chat/with/${eve.id}`));

    t.equal((await e.post(`/chat/with/${mia.id}`, { message: 'Already read' })).statusCode, 303);
    t.equal((await m.get(`/chat/with/${eve.id}`)).statusCode, 200, 'Mia reads it in the app');
    await app.mail.dispatch();
    t.equal(mailsTo('mia@corp.example').length, 2, 'no mail for a message already read');

    t.equal((await e.post(`/chat/with/${mia.id}`, { message: 'Secret terms' })).statusCode, 303);
    await Membership.query(db).where({ groupId: shared.id, userId: eve.id }).delete();
    await app.mail.dispatch();
    t.equal(mailsTo('mia@corp.example').length, 2, 'no mail once Mia may no longer contact Eve (no shared group)');
    t.notMatch(sent().join('\n'), /Secret terms/);
  });

  t.test('the daily summary goes at the hour chosen, in the time zone of the person, and only when something happened', async (t) => {
    const d = await signIn(app, dan);
    const all = { 'mail-invitation': 'digest', 'mail-join_request': 'digest', 'mail-task_assigned': 'digest', 'mail-task_changed': 'digest', 'mail-mention': 'digest', 'mail-comment': 'digest', 'mail-direct_message': 'digest', digestHour: '7' };
    await d.get('/profile');
    t.equal((await d.post('/profile/mail', all)).statusCode, 303);
    t.equal((await o.post('/tasks', { group: String(group.id), title: 'Plan the party', responsible: dan.email })).statusCode, 303);
    t.equal((await o.post(`/chat/with/${dan.id}`, { message: 'See the party task' })).statusCode, 303);
    await app.mail.dispatch();
    t.equal(mailsTo('dan@corp.example').length, 0, 'nothing before the hour');

    const rows = await MailQueueItem.query(db).where({ userId: dan.id });
    t.equal(rows.length, 2);
    const due = rows[0]?.dueAt ?? new Date(0);
    const wallClock = new Intl.DateTimeFormat('en-GB', { timeZone: 'Pacific/Auckland', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(due);
    t.equal(wallClock, '07:00', '07:00 on the clock in Auckland');
    t.ok(due.getTime() > Date.now() && due.getTime() - Date.now() <= 24 * 3600 * 1000, 'the next one');
    t.ok(rows.every((r) => r.dueAt.getTime() === due.getTime()), 'both in the same summary');

    t.equal(await composeDueMail(db, site, new Date(due.getTime() + 1000)), 1, 'one summary once the hour has come');
    await app.mail.dispatch();
    const digest = mailsTo('dan@corp.example');
    t.equal(digest.length, 1);
    const h = headersOf(digest[0] ?? '');
    t.match(h.get('subject') ?? '', /Your daily summary: 2 updates/);
    t.match(h.get('list-unsubscribe') ?? '', /\/mail\/unsubscribe\/\d+\.digest\./);
    t.match(digest[0] ?? '', /Plan the party/);
    t.match(digest[0] ?? '', /See the party task/);

    t.equal(await composeDueMail(db, site, new Date(due.getTime() + 25 * 3600 * 1000)), 0, 'no summary the next day: nothing happened');

    // Something that happened, but Dan lost access to it before the summary was built: no summary at all.
    const post = await d.post(`/groups/${group.id}/posts`, { kind: 'post', body: 'Dan asks a question' });
    t.equal(post.statusCode, 303);
    const his = await Post.query(db).findOne({ body: 'Dan asks a question' });
    t.equal((await o.post(`/posts/${his?.id}/comments`, { comment: 'An answer' })).statusCode, 303);
    t.equal(await MailQueueItem.query(db).where({ userId: dan.id }).resultSize(), 1, 'queued for the summary');
    await Membership.query(db).where({ groupId: group.id, userId: dan.id }).delete();
    t.equal(await composeDueMail(db, site, new Date(Date.now() + 49 * 3600 * 1000)), 0, 'no empty summary');
    t.equal(await MailQueueItem.query(db).resultSize(), 0);
  });

  t.test('a group switched off sends no mail either (R-F1)', async (t) => {
    await m.get(`/groups/${group.id}`);
    t.equal((await m.post(`/groups/${group.id}/notifications`, { notify: 'off' })).statusCode, 303);
    await o.post('/tasks', { group: String(group.id), title: 'Muted task', responsible: mia.email });
    t.equal(await MailQueueItem.query(db).where({ userId: mia.id }).resultSize(), 0);
  });
});
