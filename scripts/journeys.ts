// End-to-end journeys in Debian's Chromium, once with JavaScript on and once off:
// groups (create a project with an error first, invite a colleague who accepts, archive,
// unarchive, hand over, delete) and the extranet (invite an outside address, accept from
// the outbox, work in the group, fail to reach anything else).
// Usage: node --import tsx scripts/journeys.ts [baseUrl]   (app running with `npm run seed` loaded)
import { chromium, type Browser, type Page } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`FAILED: ${what}`);
  console.log(`  ok - ${what}`);
}

async function session(browser: Browser, js: boolean, email: string): Promise<Page> {
  const page = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  await page.goto(`${base}/login`);
  await page.getByLabel('E-mail address').fill(email);
  await page.getByLabel('Password').fill('atrium-demo-1');
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.waitForURL(`${base}/`);
  return page;
}

async function journey(browser: Browser, js: boolean): Promise<void> {
  const suffix = js ? 'JS' : 'no JS';
  const name = `Journey ${suffix} ${Date.now()}`;
  console.log(`# groups, ${suffix}`);
  const oscar = await session(browser, js, 'oscar@example.com');
  await oscar.getByRole('link', { name: 'Groups', exact: true }).click();
  await oscar.getByRole('link', { name: 'Create a group' }).click();
  await oscar.getByLabel('Name', { exact: true }).fill(name);
  await oscar.getByRole('radio', { name: /Project/ }).check();
  await oscar.getByLabel('Start date', { exact: true }).fill('2026-12-01');
  await oscar.getByLabel('End date', { exact: true }).fill('2026-11-01');
  await oscar.getByRole('button', { name: 'Create group' }).click();
  check((await oscar.title()).startsWith('Error:'), 'a bad date gives a page titled "Error: …"');
  check(await oscar.getByRole('link', { name: /end date must be the same as or after/ }).isVisible(), 'the error summary links to the field');
  check((await oscar.getByLabel('Name', { exact: true }).inputValue()) === name, 'values are kept');
  await oscar.getByLabel('End date', { exact: true }).fill('2027-02-28');
  await oscar.getByRole('button', { name: 'Create group' }).click();
  check(await oscar.getByRole('heading', { level: 1, name }).isVisible(), 'the project is created');
  const groupUrl = oscar.url();

  await oscar.getByRole('link', { name: 'Members' }).click();
  await oscar.getByRole('link', { name: 'Invite colleagues' }).click();
  await oscar.getByRole('searchbox').fill('Emma');
  await oscar.getByRole('button', { name: 'Search' }).click();
  await oscar.getByRole('checkbox', { name: /Emma Employee/ }).check();
  await oscar.getByRole('button', { name: 'Send invitations' }).click();

  const emma = await session(browser, js, 'emma@example.com');
  await emma.getByRole('link', { name: 'Invitations' }).click();
  await emma.getByRole('button', { name: new RegExp(`Accept.*${name}`) }).click();
  check(await emma.getByRole('heading', { level: 1, name }).isVisible(), 'the colleague accepts and lands in the group');

  await oscar.goto(`${groupUrl}/edit`);
  await oscar.getByRole('button', { name: 'Archive group' }).click();
  check(await oscar.getByText('This group is archived').isVisible(), 'archived, shown read-only');
  await oscar.goto(`${groupUrl}/edit`);
  await oscar.getByRole('button', { name: 'Unarchive group' }).click();
  check(!(await oscar.getByText('This group is archived').isVisible()), 'unarchived');
  await oscar.goto(`${groupUrl}/members`);
  await oscar.getByRole('button', { name: 'Make Emma Employee the owner' }).click();
  check(await oscar.getByText(/Emma Employee/).first().isVisible(), 'ownership handed over');
  await emma.goto(`${groupUrl}/delete`);
  await emma.getByLabel(/Type the group's name/).fill(name);
  await emma.getByRole('button', { name: 'Delete permanently' }).click();
  check((await emma.goto(groupUrl))?.status() === 404, 'deleted: the group answers 404');

  console.log(`# extranet, ${suffix}`);
  const address = `guest-${Date.now()}@client.example`;
  await oscar.goto(`${base}/groups?tab=extranet`);
  await oscar.getByRole('link', { name: /Website relaunch/ }).click();
  const projectUrl = oscar.url();
  await oscar.goto(`${projectUrl}/invite-external`);
  await oscar.getByLabel('E-mail addresses').fill(address);
  await oscar.getByRole('button', { name: 'Send invitations' }).click();
  const admin = await session(browser, js, 'admin@example.com');
  await admin.goto(`${base}/profile`);
  await admin.getByRole('button', { name: 'Switch admin mode on' }).click();
  await admin.goto(`${base}/admin/outbox`);
  const mail = (await admin.locator('article', { hasText: address }).first().textContent()) ?? '';
  const link = /https?:\/\/\S+\/join\/[A-Za-z0-9_-]+/.exec(mail)?.[0];
  check(Boolean(link), 'the invitation is in the outbox with its link');
  const guest = await (await browser.newContext({ javaScriptEnabled: js })).newPage();
  await guest.goto(new URL(new URL(link ?? '').pathname, base).toString());
  await guest.getByLabel('Your full name').fill('Gina Guest');
  await guest.getByLabel('Password').fill('guest-password-1');
  await guest.getByRole('button', { name: 'Join the group' }).click();
  check(await guest.getByRole('heading', { level: 1, name: /Website relaunch/ }).isVisible(), 'the outsider lands in the group');
  await guest.getByRole('link', { name: 'Tasks', exact: true }).first().click();
  check(guest.url().includes('/tasks'), 'works in the group: its tasks open');
  for (const url of ['/groups/1', '/groups/2', '/groups/3', '/users/2', '/users/1', '/admin/users']) {
    const status = (await guest.goto(`${base}${url}`))?.status();
    const page = await guest.content();
    check(status === 404 || (status === 200 && !/Marketing|Board/.test(page)), `guessing ${url} reveals nothing (${status})`);
  }
  await guest.goto(`${base}/groups?tab=all`);
  check(!/Marketing|Board/.test(await guest.content()), 'no other group is listed');
  await guest.goto(`${base}/users`);
  check(!/Ada Admin/.test(await guest.content()), 'no one outside the group is listed');
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: flags });
try {
  await journey(browser, true);
  await journey(browser, false);
  console.log('all journeys passed');
} finally {
  await browser.close();
}
