// End-to-end journeys in Debian's Chromium, run with JavaScript on and off (issue: browser quality).
// Elements are found as assistive technology finds them: by role, label and accessible name.
import type { Browser, Locator, Page } from 'playwright-core';
import type { Tally } from './checks.js';

export interface JourneyContext {
  browser: Browser;
  base: string;
  js: boolean;
  tally: Tally;
}

const mode = (c: JourneyContext) => (c.js ? 'JS' : 'no-JS');

/** The focused element's id (issue 17, item 2: after an htmx swap focus is on what the person uses next, not on body). */
const focusedId = async (page: Page) => String(await page.evaluate('document.activeElement ? document.activeElement.id : ""'));

/** With JavaScript, after a swap: focus lands on the element whose id matches, and the live region says something. */
async function focusAfterSwap(c: JourneyContext, page: Page, id: RegExp, what: string): Promise<void> {
  if (!c.js) return;
  await page.locator('#live-region').filter({ hasText: /\S/ }).waitFor({ state: 'attached', timeout: 2_000 }).catch(() => undefined);
  const focused = await focusedId(page);
  c.tally.ok(id.test(focused), `${what}: focus is on #${focused || '(body)'}`);
  const announced = String(await page.evaluate('document.getElementById("live-region").textContent'));
  c.tally.ok(announced.trim().length > 0, `${what}: announced once in the live region ("${announced}")`);
}

/**
 * Issue 17 item 7: follows a destructive link. With JavaScript htmx asks in the browser's dialog (accepted here)
 * and posts at once; without it the link opens a page that asks (audited), whose `button` does it. Waits for
 * the flash `done` and returns the question as asked (the dialog's text, or the page's heading and warning).
 */
async function confirmThrough(c: JourneyContext, page: Page, link: Locator, button: string, done: string): Promise<string> {
  let asked = '';
  if (c.js) {
    page.once('dialog', (dialog) => {
      asked = dialog.message();
      void dialog.accept();
    });
    await link.click();
  } else {
    await link.click();
    await c.tally.audit(page, mode(c));
    asked = `${await page.getByRole('heading', { level: 1 }).innerText()}\n${await page.locator('.warning').innerText()}`;
    await page.getByRole('button', { name: button }).click();
  }
  await page.getByText(done).first().waitFor();
  return asked;
}

/** A fresh browser session (its own cookies) in the journey's JavaScript mode. */
export async function openPage(c: JourneyContext): Promise<Page> {
  const context = await c.browser.newContext({ javaScriptEnabled: c.js });
  context.setDefaultTimeout(15_000);
  return context.newPage();
}

export async function signInAs(c: JourneyContext, email: string, password = 'atrium-demo-1'): Promise<Page> {
  const page = await openPage(c);
  await page.goto(`${c.base}/login`);
  await c.tally.audit(page, mode(c));
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${c.base}/`);
  await c.tally.audit(page, mode(c));
  return page;
}

/** Create a project (a validation error first), invite a colleague who accepts, archive, unarchive, hand over, delete. */
export async function groupJourney(c: JourneyContext): Promise<void> {
  const { tally } = c;
  const name = `Journey ${mode(c)} ${Date.now()}`;
  console.log(`# groups and tasks, ${mode(c)}`);
  const oscar = await signInAs(c, 'oscar@example.com');
  await oscar.getByRole('link', { name: 'Groups', exact: true }).click();
  await tally.audit(oscar, mode(c));
  await oscar.getByRole('link', { name: 'Create a group' }).click();
  await oscar.getByLabel('Name', { exact: true }).fill(name);
  await oscar.getByRole('radio', { name: /Project/ }).check();
  await oscar.getByLabel('Start date', { exact: true }).fill('2026-12-01');
  await oscar.getByLabel('End date', { exact: true }).fill('2026-11-01');
  await oscar.getByRole('button', { name: 'Create group' }).click();
  tally.ok((await oscar.title()).startsWith('Error:'), 'a bad date gives a page titled "Error: …"');
  tally.ok(await oscar.getByRole('link', { name: /end date must be the same as or after/ }).isVisible(), 'the error summary links to the field');
  tally.ok((await oscar.getByLabel('Name', { exact: true }).inputValue()) === name, 'values are kept');
  await tally.audit(oscar, `${mode(c)} error`);
  await oscar.getByLabel('End date', { exact: true }).fill('2027-02-28');
  await oscar.getByRole('button', { name: 'Create group' }).click();
  tally.ok(await oscar.getByRole('heading', { level: 1, name }).isVisible(), 'the project is created');
  await tally.audit(oscar, mode(c));
  const groupUrl = oscar.url();

  await oscar.getByRole('link', { name: 'Members' }).click();
  await tally.audit(oscar, mode(c));
  await oscar.getByRole('link', { name: 'Invite colleagues' }).click();
  await oscar.getByRole('main').getByRole('searchbox').fill('Emma');
  await oscar.getByRole('main').getByRole('button', { name: 'Search' }).click();
  await oscar.getByRole('checkbox', { name: /Emma Employee/ }).check();
  await tally.audit(oscar, mode(c));
  await oscar.getByRole('button', { name: 'Send invitations' }).click();
  // The click returns before the answer: the colleague looks only once the invitation exists.
  await oscar.getByText('Invitations sent: 1').waitFor();

  const emma = await signInAs(c, 'emma@example.com');
  await emma.getByRole('link', { name: 'Invitations' }).click();
  await tally.audit(emma, mode(c));
  await emma.getByRole('button', { name: new RegExp(`Accept.*${name}`) }).click();
  tally.ok(await emma.getByRole('heading', { level: 1, name }).isVisible(), 'the colleague accepts and lands in the group');

  // A task: created, assigned to the colleague, completed by her.
  const task = `Draft the brief (${mode(c)})`;
  await oscar.goto(`${groupUrl}/tasks`);
  await tally.audit(oscar, mode(c));
  await oscar.getByRole('link', { name: 'New task' }).click();
  await oscar.getByLabel('Title').fill(task);
  await oscar.getByLabel(/^Deadline/).fill('2027-01-15');
  await oscar.getByLabel(/^Responsible person/).fill('emma@example.com');
  await tally.audit(oscar, mode(c));
  await oscar.getByRole('button', { name: 'Create task' }).click();
  tally.ok(await oscar.getByRole('heading', { level: 1, name: task }).isVisible(), 'a task is created and assigned');
  const taskUrl = oscar.url();
  await emma.goto(`${c.base}/tasks?role=responsible`);
  await tally.audit(emma, mode(c));
  await emma.getByRole('link', { name: task }).click();
  await tally.audit(emma, mode(c));
  await emma.getByLabel('Change status').selectOption('completed');
  await emma.getByRole('button', { name: 'Change status' }).click();
  await emma.getByText('Status: Completed').waitFor();
  await focusAfterSwap(c, emma, /^status$/, 'after a status change');
  tally.ok(await emma.getByText('Status: Completed').isVisible(), 'the responsible completes the task');
  await emma.goto(taskUrl);
  tally.ok(await emma.getByText('Status: Completed').isVisible(), 'the status change is saved');

  await toolsInGroup(c, oscar, emma, groupUrl);

  await oscar.goto(`${groupUrl}/edit`);
  await tally.audit(oscar, mode(c));
  await oscar.getByRole('button', { name: 'Archive group' }).click();
  tally.ok(await oscar.getByText('This group is archived').isVisible(), 'archived, shown read-only');
  await oscar.goto(`${groupUrl}/edit`);
  await oscar.getByRole('button', { name: 'Unarchive group' }).click();
  tally.ok(!(await oscar.getByText('This group is archived').isVisible()), 'unarchived');
  await oscar.goto(`${groupUrl}/members`);
  // Issue 17 item 7: handing over asks first: the browser's dialog with JavaScript, a page without.
  await confirmThrough(c, oscar, oscar.getByRole('link', { name: 'Make Emma Employee the owner' }), 'Make Emma Employee the owner', 'Emma Employee is now the owner of the group');
  tally.ok((await emma.goto(`${groupUrl}/delete`))?.status() === 200, 'ownership handed over: the new owner may delete');
  await tally.audit(emma, mode(c));
  await emma.getByLabel(/Type the group's name/).fill(name);
  await emma.getByRole('button', { name: 'Delete permanently' }).click();
  tally.ok((await emma.goto(groupUrl))?.status() === 404, 'deleted: the group answers 404');
  await tally.audit(emma, mode(c));
}

/** Post in the group's feed, upload and download a file, send a chat message; the colleague sees each. */
async function toolsInGroup(c: JourneyContext, author: Page, reader: Page, groupUrl: string): Promise<void> {
  const { tally } = c;
  const text = `Kick-off on Monday (${mode(c)})`;
  await author.goto(groupUrl);
  const feed = author.getByRole('region', { name: 'Share something' });
  // The composer is one line until used (issue 17, item 9).
  await feed.getByText('Write a post', { exact: true }).click();
  await feed.getByRole('textbox', { name: 'Message' }).fill(text);
  await feed.getByRole('button', { name: 'Post', exact: true }).click();
  await author.getByText(text).first().waitFor();
  await focusAfterSwap(c, author, /^post-\d+$/, 'after posting');
  await tally.audit(author, mode(c));
  await reader.goto(groupUrl);
  tally.ok(await reader.getByText(text).first().isVisible(), 'a post in the group feed reaches the colleague');
  // The colleague replies (the reply box opens from a "Reply" control).
  const post = reader.getByRole('listitem').filter({ hasText: text }).first();
  await post.getByText('Reply', { exact: true }).click();
  await post.getByRole('textbox', { name: 'Comment' }).fill('Sounds good');
  await post.getByRole('button', { name: 'Add comment' }).click();
  await reader.getByText('Sounds good').first().waitFor();
  await focusAfterSwap(c, reader, /^post-comment-\d+$/, 'after commenting');
  // Issue 17 item 7: she deletes it again, asked first (a dialog with JavaScript, a page without).
  const comment = reader.getByRole('listitem').filter({ hasText: 'Sounds good' }).last();
  const asked = await confirmThrough(c, reader, comment.getByRole('link', { name: 'Delete', exact: true }), 'Delete comment', 'The comment has been deleted');
  tally.ok(asked.startsWith('Delete this comment?') && asked.includes('“Sounds good” by Emma Employee will be deleted'), `the question says what will be lost ("${asked.replace(/\n/g, ' ')}")`);
  tally.ok((await reader.getByText('Sounds good').count()) === 0, 'the comment is gone');

  // Issue 18: an @-mention, picked from the suggestions with the keyboard (JS) or typed in full (no JS).
  await author.goto(groupUrl);
  await feed.getByText('Write a post', { exact: true }).click();
  const box = feed.getByRole('textbox', { name: 'Message' });
  const thanks = `Thanks for the brief (${mode(c)})`;
  if (c.js) {
    await box.fill('');
    await box.pressSequentially('@Emm', { delay: 30 });
    await author.getByRole('option', { name: /Emma Employee/ }).waitFor();
    tally.ok((await box.getAttribute('aria-controls')) !== null && (await author.getByRole('listbox', { name: 'People you can mention' }).isVisible()), 'the box controls a labelled list of suggestions');
    await box.press('ArrowDown');
    await box.press('Enter');
    tally.ok((await box.inputValue()).startsWith('@Emma Employee '), 'the keyboard picks a suggestion');
    await box.press('End');
    await box.pressSequentially(thanks);
  } else await box.fill(`@Emma Employee ${thanks}`);
  await feed.getByRole('button', { name: 'Post', exact: true }).click();
  await author.getByText(thanks).first().waitFor();
  await reader.goto(groupUrl);
  tally.ok(await reader.getByRole('link', { name: '@Emma Employee' }).first().isVisible(), 'the mention links the colleague');
  await reader.goto(`${c.base}/notifications`);
  tally.ok(await reader.getByRole('link', { name: 'mentioned you in a post' }).first().isVisible(), 'the colleague is told');
  await reader.goto(groupUrl);
  const like = reader.getByRole('button', { name: 'Like' }).first();
  await like.click();
  await reader.locator('[aria-pressed="true"]').first().waitFor();
  tally.ok((await reader.getByRole('button', { name: 'Like' }).first().getAttribute('aria-pressed')) === 'true', 'a like is pressed');
  await tally.audit(reader, mode(c));

  await author.getByRole('link', { name: 'Files', exact: true }).first().click();
  await tally.audit(author, mode(c));
  await author.getByLabel('Upload a file').setInputFiles({ name: 'brief.txt', mimeType: 'text/plain', buffer: Buffer.from(`The brief, ${mode(c)}\n`) });
  await author.getByRole('button', { name: 'Upload', exact: true }).click();
  await author.getByRole('link', { name: 'brief.txt', exact: true }).click();
  await tally.audit(author, mode(c));
  const fileUrl = author.url();
  await reader.goto(fileUrl);
  const [download] = await Promise.all([reader.waitForEvent('download'), reader.getByRole('link', { name: 'Download' }).click()]);
  const stream = await download.createReadStream();
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  tally.ok(Buffer.concat(chunks).toString() === `The brief, ${mode(c)}\n`, 'the colleague downloads the uploaded file, byte for byte');

  const message = `See you at ten (${mode(c)})`;
  await author.goto(`${groupUrl}/chat`);
  await tally.audit(author, mode(c));
  await author.getByRole('textbox', { name: 'Message' }).fill(message);
  await author.getByRole('button', { name: 'Send', exact: true }).click();
  await author.getByText(message).first().waitFor();
  await focusAfterSwap(c, author, /^message$/, 'after sending a chat message');
  if (c.js) {
    await author.getByRole('button', { name: 'Send', exact: true }).click();
    await author.locator('[data-error-summary]').waitFor();
    // The summary is swapped in first; app.js focuses it when htmx has settled (20 ms later).
    // A locator, not waitForFunction: the page's CSP forbids evaluating a string predicate.
    const summaryFocused = await author
      .locator('[data-error-summary]:focus, [data-error-summary] :focus')
      .waitFor({ state: 'attached', timeout: 2_000 })
      .then(() => true, () => false);
    tally.ok(summaryFocused, 'an empty chat message: focus on the error summary');
  }
  await reader.goto(`${groupUrl}/chat`);
  tally.ok(await reader.getByText(message).first().isVisible(), 'a chat message reaches the colleague');
  // Where EventSource is missing the page polls instead (app.js): edits and deletions come with a poll too.
  const polling = c.js ? await reader.context().newPage() : null;
  if (polling) {
    await polling.addInitScript({ content: "Object.defineProperty(window, 'EventSource', { value: undefined, configurable: true });" });
    await polling.goto(`${groupUrl}/chat`);
    await polling.getByText(message).first().waitFor();
  }
  // The author's other open chat page, with focus on the message's Edit link: a live edit must not take it away.
  const watching = c.js ? await author.context().newPage() : null;
  if (watching) {
    await watching.goto(`${groupUrl}/chat`);
    await watching.locator('li.chat__message', { hasText: message }).getByRole('link', { name: 'Edit' }).focus();
  }
  // Issue 18 item 4: the author corrects it on its own page; with JavaScript the colleague's open page shows the new text at once.
  const corrected = `See you at half past ten (${mode(c)})`;
  await author.locator('li.chat__message', { hasText: message }).getByRole('link', { name: 'Edit' }).click();
  await author.getByRole('textbox', { name: 'Message' }).fill(corrected);
  await author.getByRole('button', { name: 'Save changes' }).click();
  await author.getByText(corrected).first().waitFor();
  if (c.js) {
    const shown = await reader.getByText(corrected).first().waitFor({ timeout: 3_000 }).then(() => true, () => false);
    tally.ok(shown && (await reader.getByText(message).count()) === 0, 'an edited chat message changes on the colleague\'s open page without a reload');
  }
  if (watching) {
    await watching.getByText(corrected).first().waitFor({ timeout: 3_000 }).catch(() => undefined);
    const kept = await watching.locator('li.chat__message a:focus', { hasText: 'Edit' }).waitFor({ state: 'attached', timeout: 2_000 }).then(() => true, () => false);
    tally.ok(kept && (await watching.getByText(corrected).count()) > 0, 'a live edit keeps focus on the Edit link that had it');
    await watching.close();
  }
  if (polling) {
    const polled = await polling.getByText(corrected).first().waitFor({ timeout: 8_000 }).then(() => true, () => false);
    tally.ok(polled && (await polling.getByText(message).count()) === 0, 'without EventSource, an edited chat message changes with the next poll');
  }
  // Then deletes it (asked first); with JavaScript the colleague's open page drops it at once.
  const own = author.locator('li.chat__message', { hasText: corrected });
  author.once('dialog', (dialog) => void dialog.accept());
  await own.getByRole('link', { name: 'Delete' }).click();
  if (!c.js) await author.getByRole('button', { name: 'Delete message' }).click();
  await own.waitFor({ state: 'detached', timeout: 5_000 });
  if (c.js) {
    const dropped = await reader.getByText(corrected).first().waitFor({ state: 'detached', timeout: 3_000 }).then(() => true, () => false);
    tally.ok(dropped, 'a deleted chat message leaves the colleague\'s open page without a reload');
  }
  if (polling) {
    const gone = await polling.getByText(corrected).first().waitFor({ state: 'detached', timeout: 8_000 }).then(() => true, () => false);
    tally.ok(gone, 'without EventSource, a deleted chat message leaves with the next poll');
    await polling.close();
  }
  await reader.goto(`${c.base}/feed`);
  await tally.audit(reader, mode(c));
  await reader.goto(`${c.base}/notifications`);
  await tally.audit(reader, mode(c));
  await reader.goto(`${c.base}/search?q=brief`);
  await tally.audit(reader, mode(c));
  await reader.goto(`${c.base}/calendar`);
  await tally.audit(reader, mode(c));
  await reader.getByRole('link', { name: /Next month/ }).click();
  await focusAfterSwap(c, reader, /^calendar-next$/, 'after changing month');
  await reader.goto(`${c.base}/calendar`);
  // R-C2: the calendar feed page, before and after an address is made (shown once).
  await reader.getByRole('link', { name: 'Subscribe in your calendar app' }).click();
  await tally.audit(reader, mode(c));
  await reader.getByRole('button', { name: /Make a (calendar|new) address/ }).click();
  const feedUrl = await reader.getByLabel('Your calendar address').inputValue();
  tally.ok(/\/calendar\/feed\/[A-Za-z0-9_-]{43}\.ics$/.test(feedUrl), 'the calendar address is shown once it is made');
  await tally.audit(reader, mode(c));
  const feedAnswer = await (await openPage(c)).request.get(feedUrl);
  tally.ok(feedAnswer.status() === 200 && (await feedAnswer.text()).startsWith('BEGIN:VCALENDAR\r\n'), 'the feed answers without the session, as a calendar app reads it');
}

/** Invite an outside address, accept from the outbox as the outsider, work in the group, reach nothing else. */
export async function extranetJourney(c: JourneyContext): Promise<void> {
  const { tally } = c;
  console.log(`# extranet, ${mode(c)}`);
  const address = `guest-${mode(c).toLowerCase()}-${Date.now()}@client.example`;
  const oscar = await signInAs(c, 'oscar@example.com');
  await oscar.goto(`${c.base}/groups?tab=extranet`);
  await oscar.getByRole('link', { name: /Website relaunch/ }).click();
  const projectUrl = oscar.url();
  await oscar.goto(`${projectUrl}/invite-external`);
  await tally.audit(oscar, mode(c));
  await oscar.getByLabel('E-mail addresses').fill(address);
  await oscar.getByRole('button', { name: 'Send invitations' }).click();
  await oscar.getByText('Invitation sent to 1 address').waitFor();

  const admin = await signInAs(c, 'admin@example.com');
  await admin.goto(`${c.base}/profile`);
  await tally.audit(admin, mode(c));
  await admin.getByRole('button', { name: 'Switch admin mode on' }).click();
  for (const url of ['/admin/users', '/admin/settings', '/admin/audit', '/admin/outbox']) {
    await admin.goto(`${c.base}${url}`);
    await tally.audit(admin, mode(c));
  }
  tally.ok(await admin.getByText('Admin mode is on').first().isVisible(), 'admin mode is shown in the header');
  const mail = (await admin.locator('article', { hasText: address }).first().textContent()) ?? '';
  const link = /https?:\/\/\S+\/join\/[A-Za-z0-9_-]+/.exec(mail)?.[0];
  tally.ok(Boolean(link), 'the invitation is in the outbox with its link');
  await admin.goto(`${c.base}/groups?tab=all`);
  tally.ok(await admin.getByRole('link', { name: /Board/ }).isVisible(), 'admin mode sees the hidden group');

  const guest = await openPage(c);
  await guest.goto(new URL(new URL(link ?? `${c.base}/join/x`).pathname, c.base).toString());
  await tally.audit(guest, mode(c));
  await guest.getByLabel('Your full name').fill('Gina Guest');
  await guest.getByLabel('Password').fill('guest-password-1');
  await guest.getByRole('button', { name: 'Join the group' }).click();
  tally.ok(await guest.getByRole('heading', { level: 1, name: /Website relaunch/ }).isVisible(), 'the outsider lands in the group');
  const mark = (await guest.locator('header .person--extranet').first().textContent()) ?? '';
  tally.ok(mark.includes('external user') && mark.includes('Gina Guest'), 'the outsider\'s own name is marked, with a text alternative (R-U4)');
  await guest.getByRole('link', { name: 'Tasks', exact: true }).first().click();
  tally.ok(guest.url().includes('/tasks'), 'works in the group: its tasks open');
  for (const url of ['/groups/2', '/groups/3', '/users/1', '/admin/users']) {
    const status = (await guest.goto(`${c.base}${url}`))?.status();
    tally.ok(status === 404, `guessing ${url} answers 404`);
  }
  await guest.goto(`${c.base}/groups?tab=all`);
  tally.ok(!/Marketing|Board/.test(await guest.content()), 'no other group is listed');
  await guest.goto(`${c.base}/users`);
  tally.ok(!/Ada Admin/.test(await guest.content()), 'no one outside the group is listed');
}

/** Keyboard only (Tab, Enter, Space): sign in and reach a group; focus is always visible. */
export async function keyboardJourney(c: JourneyContext): Promise<void> {
  const { tally } = c;
  console.log(`# keyboard only, ${mode(c)}`);
  const page = await openPage(c);
  await page.goto(`${c.base}/login`);
  const focusVisible = async () =>
    (await page.evaluate(`(() => { const el = document.activeElement; if (!el || el === document.body) return false; const s = getComputedStyle(el); return s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0; })()`)) as boolean;
  await page.keyboard.press('Tab');
  tally.ok((await page.evaluate('document.activeElement.textContent')) === 'Skip to main content', 'the first Tab reaches the skip link');
  tally.ok(await focusVisible(), 'the skip link shows focus');
  let guard = 0;
  while ((await page.evaluate('document.activeElement.id')) !== 'email' && guard++ < 10) await page.keyboard.press('Tab');
  tally.ok(await focusVisible(), 'the e-mail field shows focus');
  await page.keyboard.type('emma@example.com');
  await page.keyboard.press('Tab');
  await page.keyboard.type('atrium-demo-1');
  await page.keyboard.press('Tab');
  tally.ok(await focusVisible(), 'the sign-in button shows focus');
  await page.keyboard.press('Enter');
  await page.waitForURL(`${c.base}/`);
  tally.ok(true, 'signed in with the keyboard alone');
  // The skip link jumps past the header, as a keyboard user would.
  await page.keyboard.press('Tab');
  await page.keyboard.press('Enter');
  guard = 0;
  while (!String(await page.evaluate('document.activeElement.getAttribute("href")')).startsWith('/groups/') && guard++ < 40) await page.keyboard.press('Tab');
  tally.ok(await focusVisible(), 'a group link shows focus');
  await page.keyboard.press('Enter');
  const opened = await page.waitForURL(/\/groups\/\d+/).then(() => true, () => false);
  tally.ok(opened, 'a group opened with Enter');

  // Post in the group's feed with the keyboard; with htmx the swap is announced or takes focus.
  const text = `Typed without a mouse (${mode(c)})`;
  guard = 0;
  while ((await page.evaluate('document.activeElement.textContent.trim()')) !== 'Write a post' && guard++ < 80) await page.keyboard.press('Tab');
  tally.ok(await focusVisible(), '"Write a post" shows focus');
  await page.keyboard.press('Enter');
  guard = 0;
  while ((await page.evaluate('document.activeElement.id')) !== 'body' && guard++ < 20) await page.keyboard.press('Tab');
  tally.ok(await focusVisible(), 'the message field shows focus');
  await page.keyboard.type(text);
  guard = 0;
  while ((await page.evaluate('document.activeElement.textContent.trim()')) !== 'Post' && guard++ < 20) await page.keyboard.press('Tab');
  tally.ok(await focusVisible(), 'the Post button shows focus');
  await page.keyboard.press('Enter');
  await page.getByText(text).first().waitFor();
  tally.ok(true, 'posted with the keyboard alone');
  if (c.js) {
    // A locator, not waitForFunction: the page's CSP forbids evaluating a string predicate.
    await page.locator('#live-region').filter({ hasText: /\S/ }).waitFor({ state: 'attached', timeout: 2_000 }).catch(() => undefined);
    const announced = String(await page.evaluate('document.getElementById("live-region").textContent'));
    const focusInSummary = Boolean(await page.evaluate('Boolean(document.activeElement.closest("[data-error-summary]"))'));
    tally.ok(announced.length > 0 || focusInSummary, `the htmx swap is announced in the live region ("${announced}")`);
  }
}

/** Issue 18: "Forgot your password?" from the sign-in page, the link from the outbox, a new password (the same one, so other journeys still sign in). */
export async function passwordResetJourney(c: JourneyContext): Promise<void> {
  const { tally } = c;
  console.log(`# password reset, ${mode(c)}`);
  const guest = await openPage(c);
  await guest.goto(`${c.base}/login`);
  await guest.getByRole('link', { name: 'Forgot your password?' }).click();
  await tally.audit(guest, mode(c));
  await guest.getByRole('button', { name: 'Send the link' }).click();
  tally.ok((await guest.title()).startsWith('Error:'), 'an empty address gives a page titled "Error: …"');
  await tally.audit(guest, `${mode(c)} error`);
  await guest.getByLabel('E-mail address').fill('emma@example.com');
  await guest.getByRole('button', { name: 'Send the link' }).click();
  tally.ok(await guest.getByRole('heading', { level: 1, name: 'Check your e-mail' }).isVisible(), 'the same answer for every address');
  await tally.audit(guest, mode(c));

  const admin = await signInAs(c, 'admin@example.com');
  await admin.goto(`${c.base}/profile`);
  await admin.getByRole('button', { name: 'Switch admin mode on' }).click();
  await admin.goto(`${c.base}/admin/outbox`);
  const mail = (await admin.locator('article', { hasText: 'Reset your Atrium password' }).filter({ hasText: 'emma@example.com' }).first().textContent()) ?? '';
  const link = /https?:\/\/\S+\/login\/reset\/[A-Za-z0-9_-]{43}/.exec(mail)?.[0];
  tally.ok(Boolean(link), 'the reset mail is in the outbox with its link');
  const path = new URL(link ?? `${c.base}/login/reset/x`).pathname;

  await guest.goto(`${c.base}${path}`);
  await tally.audit(guest, mode(c));
  await guest.getByLabel('New password').fill('short');
  await guest.getByRole('button', { name: 'Set the new password' }).click();
  tally.ok(await guest.getByRole('link', { name: /10 characters or more/ }).isVisible(), 'a short password is refused, with the error summary');
  await tally.audit(guest, `${mode(c)} error`);
  await guest.getByLabel('New password').fill('atrium-demo-1');
  await guest.getByRole('button', { name: 'Set the new password' }).click();
  await guest.waitForURL(`${c.base}/login`);
  tally.ok(await guest.getByText('Your password has been changed').isVisible(), 'back at sign-in, told the password changed');
  await tally.audit(guest, mode(c));
  const again = await guest.goto(`${c.base}${path}`);
  tally.ok(again?.status() === 404, 'the link works once');
  const emma = await signInAs(c, 'emma@example.com');
  tally.ok(emma.url() === `${c.base}/`, 'signs in with the new password');
}
