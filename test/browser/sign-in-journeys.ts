// Company sign-in in the browser (issue 19), JavaScript on and off: a second factor for an
// external user, and single sign-on through a real OpenID provider started by run.ts.
import { Secret, TOTP } from 'otpauth';
import type { Page } from 'playwright-core';
import { openPage, signInAs, type JourneyContext } from './journeys.js';

const mode = (c: JourneyContext) => (c.js ? 'JS' : 'no-JS');
const codeAt = (secret: string, offsetSteps = 0) => new TOTP({ secret: Secret.fromBase32(secret), digits: 6, period: 30, algorithm: 'SHA1' }).generate({ timestamp: Date.now() + offsetSteps * 30_000 });

/** Clara (external) turns two-factor sign-in on, signs in with a code, and turns it off with a recovery code. */
export async function twoFactorJourney(c: JourneyContext): Promise<void> {
  const { tally } = c;
  console.log(`# two-factor sign-in, ${mode(c)}`);
  const clara = await signInAs(c, 'clara@client.example');
  await clara.goto(`${c.base}/profile`);
  await clara.getByRole('link', { name: 'Manage two-factor sign-in' }).click();
  await tally.audit(clara, mode(c));
  tally.ok(await clara.locator('main svg').isVisible(), 'the QR code is shown, drawn on the server');
  const secret = ((await clara.locator('code.totp-secret').textContent()) ?? '').trim();
  await clara.getByLabel('Code from the app').fill(codeAt(secret));
  await clara.getByRole('button', { name: 'Turn on two-factor sign-in' }).click();
  await clara.getByRole('heading', { level: 1, name: 'Two-factor sign-in is on' }).waitFor();
  await tally.audit(clara, `${mode(c)} recovery codes`);
  const recovery = ((await clara.locator('.recovery-codes code').first().textContent()) ?? '').trim();
  tally.ok(/^[a-z0-9]{5}-[a-z0-9]{5}$/.test(recovery), 'recovery codes are shown once');
  await clara.getByRole('button', { name: 'Sign out' }).click();
  await clara.waitForURL(`${c.base}/login`);

  await clara.getByLabel('E-mail address').fill('clara@client.example');
  await clara.getByLabel('Password').fill('atrium-demo-1');
  await clara.getByRole('button', { name: 'Sign in' }).click();
  await clara.waitForURL(`${c.base}/login/two-factor`);
  await tally.audit(clara, mode(c));
  await clara.getByLabel('Code').fill('000000' === codeAt(secret, 1) ? '111111' : '000000');
  await clara.getByRole('button', { name: 'Continue' }).click();
  tally.ok((await clara.title()).startsWith('Error:'), 'a wrong code gives a page titled "Error: …"');
  await tally.audit(clara, `${mode(c)} error`);
  await clara.getByLabel('Code').fill(codeAt(secret, 1));
  await clara.getByRole('button', { name: 'Continue' }).click();
  await clara.waitForURL(`${c.base}/`);
  tally.ok(await clara.getByRole('heading', { level: 1, name: /Welcome, Clara/ }).isVisible(), 'signed in with the second factor');

  await clara.goto(`${c.base}/profile/two-factor`);
  await tally.audit(clara, `${mode(c)} on`);
  await clara.getByLabel('Current code from your app').fill(recovery);
  await clara.getByRole('button', { name: 'Turn off two-factor sign-in' }).click();
  tally.ok(await clara.getByText('Two-factor sign-in is off').first().isVisible(), 'turned off with a recovery code');
}

/** The admin points Atrium at the provider; a new colleague signs in through it and signs out of both. */
export async function singleSignOnJourney(c: JourneyContext, issuer: string): Promise<void> {
  const { tally } = c;
  console.log(`# single sign-on, ${mode(c)}`);
  const admin = await signInAs(c, 'admin@example.com');
  await admin.goto(`${c.base}/profile`);
  await admin.getByRole('button', { name: 'Switch admin mode on' }).click();
  await admin.goto(`${c.base}/admin/sign-in`);
  await tally.audit(admin, mode(c));
  const oidc = admin.getByRole('group', { name: 'OpenID Connect single sign-on' });
  await oidc.getByLabel('Allow single sign-on').check();
  await oidc.getByLabel('Issuer URL').fill(issuer);
  await oidc.getByLabel('Client ID').fill('atrium');
  await oidc.getByLabel(/Make an employee account/).check();
  await admin.getByRole('button', { name: 'Test connection' }).nth(1).click();
  tally.ok(await admin.getByText(/Connection works: the provider/).isVisible(), 'test connection reports discovery');
  await admin.getByRole('button', { name: 'Save' }).nth(1).click();
  tally.ok(await admin.getByText('The sign-in settings have been saved').isVisible(), 'the settings are saved');

  const page = await openPage(c);
  // Only this machine: the provider's own pages name a web font elsewhere.
  await page.context().route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1' ? route.continue() : route.abort()));
  await page.goto(`${c.base}/login`);
  await page.getByRole('link', { name: 'Sign in with single sign-on' }).click();
  await page.waitForURL((url) => url.href.startsWith(issuer));
  await page.getByPlaceholder('Enter any login').fill('sam');
  await page.getByPlaceholder('and password').fill('any');
  await page.getByRole('button', { name: 'Sign-in' }).click();
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForURL(`${c.base}/`);
  tally.ok(await page.getByRole('heading', { level: 1, name: /Welcome, Sam Single/ }).isVisible(), 'signed in through the provider');
  await signOutEverywhere(c, page, issuer);
}

async function signOutEverywhere(c: JourneyContext, page: Page, issuer: string): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByRole('heading', { level: 1, name: 'You have signed out of Atrium' }).waitFor();
  await c.tally.audit(page, mode(c));
  await page.getByRole('link', { name: 'Sign out of your company account too' }).click();
  await page.waitForURL((url) => url.href.startsWith(issuer));
  await page.getByRole('button', { name: 'Yes, sign me out' }).click();
  await page.waitForURL(`${c.base}/login`);
  c.tally.ok(true, 'signed out at the provider and back at the login page');
}
