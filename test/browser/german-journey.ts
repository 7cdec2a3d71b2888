// Issue 17, item 11: every page type in German, JavaScript on and off. The browser asks for German
// (the context's locale sends Accept-Language: de-DE); the seeded administrator has no saved
// language, so the header decides. The pages are found by following links from the home page and
// the administration, one page per URL shape, and each is checked like the English ones (axe,
// html-validate, Nu HTML Checker, no horizontal scrolling at 375 px).
import path from 'node:path';
import type { Page } from 'playwright-core';
import type { JourneyContext } from './journeys.js';

const MAX_PAGES = 60;
/** Links a tour must not follow: they leave, sign out, download or start a sign-in elsewhere. */
const skip = /^\/(logout|public\/|s\/|login\/oidc|files\/\d+\/download|healthz)/;
const shapeOf = (pathname: string) => pathname.replace(/\/\d+/g, '/:id');

/** With ATRIUM_SCREENSHOTS_DE=dir, a few German pages are saved at 375 and 1280 px. */
const screenshotDir = process.env.ATRIUM_SCREENSHOTS_DE;
const screenshots: Record<string, string> = { '/': 'de-home', '/groups/:id': 'de-group-home', '/tasks/:id': 'de-task', '/profile': 'de-profile', '/groups/:id/edit': 'de-group-edit', '/admin/settings': 'de-admin-settings', '/notifications': 'de-notifications' };

async function screenshot(page: Page, name: string): Promise<void> {
  if (!screenshotDir) return;
  for (const width of [375, 1280]) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: path.join(screenshotDir, `${name}-${width}.png`), fullPage: true });
  }
  await page.setViewportSize({ width: 1280, height: 900 });
}

export async function germanJourney(c: JourneyContext): Promise<void> {
  const { tally, base } = c;
  const mode = `de ${c.js ? 'JS' : 'no-JS'}`;
  console.log(`# every page type in German, ${mode}`);
  const context = await c.browser.newContext({ javaScriptEnabled: c.js, locale: 'de-DE' });
  context.setDefaultTimeout(15_000);
  const page = await context.newPage();
  const lang = () => page.evaluate('document.documentElement.lang') as Promise<string>;

  await page.goto(`${base}/login`);
  tally.ok((await lang()) === 'de', `${mode}: the sign-in page is German for a German browser`);
  await tally.audit(page, mode);
  await page.getByRole('button', { name: 'Anmelden' }).click();
  tally.ok(await page.getByText('Geben Sie Ihre E-Mail-Adresse ein').first().isVisible(), `${mode}: a German validation message`);
  await tally.audit(page, `${mode} error`);
  await page.getByLabel('E-Mail-Adresse').fill('admin@example.com');
  await page.getByLabel('Passwort').fill('atrium-demo-1');
  await page.getByRole('button', { name: 'Anmelden' }).click();
  await page.waitForURL(`${base}/`);
  await page.goto(`${base}/profile`);
  await page.getByRole('button', { name: 'Administrationsmodus einschalten' }).click();
  await page.waitForURL(`${base}/profile`);

  const seen = new Set<string>();
  const queue = ['/', '/admin/users', '/admin/settings', '/admin/audit', '/admin/outbox', '/admin/sign-in', '/search?q=web', '/profile/two-factor'];
  let visited = 0;
  while (queue.length > 0 && visited < MAX_PAGES) {
    const next = queue.shift() as string;
    const shape = shapeOf(new URL(next, base).pathname);
    if (seen.has(shape)) continue;
    seen.add(shape);
    const res = await page.goto(`${base}${next}`);
    visited++;
    if (!res || res.status() >= 400) {
      tally.ok(false, `${mode}: ${next} answered ${res?.status()}`);
      continue;
    }
    tally.ok((await lang()) === 'de', `${mode}: ${shape} is German`);
    await tally.audit(page, mode);
    if (screenshots[shape] && c.js) await screenshot(page, screenshots[shape]);
    const links = (await page.$$eval('a[href^="/"]', (as) => as.map((a) => a.getAttribute('href') ?? ''))) as string[];
    for (const href of links) if (!skip.test(href) && !seen.has(shapeOf(href.split(/[?#]/)[0] ?? href))) queue.push(href);
  }
  tally.ok(visited >= 30, `${mode}: ${visited} German page types visited`);

  // Error states: a form answered 422 and a page that does not exist.
  await page.goto(`${base}/profile`);
  await page.getByLabel('Vollständiger Name').fill('');
  await page.getByRole('button', { name: 'Speichern', exact: true }).click();
  tally.ok(await page.getByText('Geben Sie Ihren vollständigen Namen ein').first().isVisible(), `${mode}: the profile's 422 names the field in German`);
  await tally.audit(page, `${mode} error`);
  if (c.js) await screenshot(page, 'de-profile-errors');
  const missing = await page.goto(`${base}/groups/999999`);
  tally.ok(missing?.status() === 404, `${mode}: an unknown group is 404`);
  await tally.audit(page, `${mode} 404`);
  await context.close();
}
