// Screenshots of the main pages and an axe-core check of each, in Debian's Chromium.
// Usage: node --import tsx scripts/screenshots.ts [baseUrl]   (the app must be running with the demo seed)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Page } from 'playwright-core';

const base = process.argv[2] ?? 'http://127.0.0.1:3000';
const root = path.resolve(import.meta.dirname, '..');
const axeSource = readFileSync(path.join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const flags = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

interface AxeResult { violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }

async function check(page: Page, name: string, width: number): Promise<number> {
  await page.setViewportSize({ width, height: 900 });
  await page.screenshot({ path: path.join(root, 'docs', 'screenshots', `${name}${width < 500 ? '-phone' : ''}.png`), fullPage: true });
  await page.addScriptTag({ content: axeSource });
  const result = (await page.evaluate(`axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] })`)) as AxeResult;
  const scroll = (await page.evaluate('document.documentElement.scrollWidth > window.innerWidth')) as boolean;
  for (const v of result.violations) console.log(`  ${name}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`);
  if (scroll) console.log(`  ${name}: horizontal scrolling at ${width}px`);
  return result.violations.length + (scroll ? 1 : 0);
}

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: flags });
const page = await (await browser.newContext({ bypassCSP: true })).newPage();
let problems = 0;
await page.goto(`${base}/login`);
problems += await check(page, 'login', 1200);
await page.getByLabel('E-mail address').fill('oscar@example.com');
await page.getByLabel('Password').fill('wrong');
await page.getByRole('button', { name: 'Sign in' }).click();
problems += await check(page, 'login-error', 1200);
await page.getByLabel('Password').fill('atrium-demo-1');
await page.getByRole('button', { name: 'Sign in' }).click();
const pages: [string, string][] = [['home', '/'], ['groups', '/groups?tab=all'], ['group-new', '/groups/new'], ['people', '/users'], ['profile', '/profile'], ['tasks', '/tasks'], ['task-new', '/tasks/new'], ['invitations', '/invitations'], ['feed', '/feed'], ['files', '/files'], ['calendar', '/calendar'], ['chat', '/chat'], ['notifications', '/notifications'], ['search', '/search?q=design']];
for (const [name, url] of pages) {
  await page.goto(`${base}${url}`);
  problems += await check(page, name, 1200);
  problems += await check(page, name, 375);
}
await page.goto(`${base}/groups/new`);
await page.getByRole('radio', { name: /Project/ }).check();
await page.getByRole('button', { name: 'Create group' }).click();
problems += await check(page, 'group-new-errors', 1200);
await page.goto(`${base}/groups?tab=all`);
await page.getByRole('link', { name: /Website relaunch/ }).click();
problems += await check(page, 'group-home', 1200);
for (const [name, suffix] of [['group-about', '/about'], ['group-edit', '/edit'], ['group-members', '/members'], ['group-tasks', '/tasks'], ['group-invite', '/invite'], ['group-invite-external', '/invite-external'], ['group-files', '/files'], ['group-calendar', '/calendar'], ['group-chat', '/chat']] as const) {
  await page.goto(page.url().replace(/\/groups\/(\d+).*/, `/groups/$1${suffix}`));
  problems += await check(page, name, 1200);
}
for (const [name, suffix] of [['group-board', '/tasks/board'], ['group-timeline', '/tasks/timeline']] as const) {
  await page.goto(page.url().replace(/\/groups\/(\d+).*/, `/groups/$1${suffix}`));
  problems += await check(page, name, 1280);
  problems += await check(page, name, 375);
}
await page.goto(`${base}/tasks/new`);
await page.getByLabel('Title').fill('Check the copy');
await page.getByLabel(/Deadline/).fill('2026-12-01');
await page.getByRole('button', { name: 'Create task' }).click();
problems += await check(page, 'task', 1200);
problems += await check(page, 'task', 375);
await page.getByRole('textbox', { name: 'Comment' }).fill('First draft is in the shared folder.');
await page.getByRole('button', { name: 'Add comment' }).click();
await page.getByText('First draft is in the shared folder.').waitFor();
// On a phone the header folds its links into the menu: sign out at the desktop width.
await page.setViewportSize({ width: 1200, height: 900 });
await page.goto(`${base}/profile`);
await page.getByRole('button', { name: 'Sign out' }).click();
await page.getByLabel('E-mail address').fill('admin@example.com');
await page.getByLabel('Password').fill('atrium-demo-1');
await page.getByRole('button', { name: 'Sign in' }).click();
await page.goto(`${base}/profile`);
await page.getByRole('button', { name: 'Switch admin mode on' }).click();
for (const [name, url] of [['admin-users', '/admin/users'], ['admin-settings', '/admin/settings'], ['admin-outbox', '/admin/outbox'], ['admin-audit', '/admin/audit']] as const) {
  await page.goto(`${base}${url}`);
  problems += await check(page, name, 1200);
}
problems += await check(page, 'admin-audit', 375);
await browser.close();
console.log(problems === 0 ? 'no axe violations, no horizontal scrolling' : `${problems} problems`);
process.exit(problems === 0 ? 0 : 1);
