// A real OpenID provider (oidc-provider) for one test file, on a free port over http, with
// its development login and consent pages, and a small browser that walks through them.
import type { Server } from 'node:http';
import Provider from 'oidc-provider';
import { freePort } from './free-port.js';

export const CLIENT_ID = 'atrium';
export const CLIENT_SECRET = 'oidc-client-secret-1';

export interface TestProvider {
  issuer: string;
  port: number;
  version: string;
  stop(): Promise<void>;
}

export type ProviderAccounts = Record<string, { email: string; email_verified: boolean; name: string }>;

export async function startOidcProvider(accounts: ProviderAccounts, appUrl: string): Promise<TestProvider> {
  const port = await freePort();
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: CLIENT_ID, client_secret: CLIENT_SECRET, redirect_uris: [`${appUrl}/login/oidc/callback`], post_logout_redirect_uris: [`${appUrl}/login`], response_types: ['code'], grant_types: ['authorization_code'] }],
    async findAccount(_ctx, id) {
      const claims = accounts[id];
      return claims ? { accountId: id, claims: async () => ({ sub: id, ...claims }) } : undefined;
    },
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    cookies: { keys: ['test-cookie-key'] },
    ttl: { AccessToken: 600, AuthorizationCode: 60, IdToken: 600, Grant: 600, Interaction: 600, Session: 600 },
  });
  const server: Server = provider.listen(port);
  await new Promise<void>((resolve) => server.once('listening', () => resolve()));
  const { version } = (await import('oidc-provider/package.json', { with: { type: 'json' } })).default as { version: string };
  return { issuer, port, version, stop: () => new Promise((resolve) => server.close(() => resolve())) };
}

/**
 * Follows the provider's redirects as a browser would (keeping its cookies), signs in as
 * `accountId` on the login page, consents, and returns the URL the provider sends back to the app.
 */
export async function signInAtProvider(authorizationUrl: string, accountId: string, appUrl: string): Promise<URL> {
  const jar = new Map<string, string>();
  let url = authorizationUrl;
  let body: URLSearchParams | undefined;
  for (let hop = 0; hop < 20; hop++) {
    const res = await fetch(url, {
      method: body ? 'POST' : 'GET',
      redirect: 'manual',
      headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
      body,
    });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const [k, ...v] = (pair ?? '').split('=');
      if (k) jar.set(k.trim(), v.join('='));
    }
    body = undefined;
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, url);
      if (next.href.startsWith(appUrl)) return next;
      url = next.href;
      continue;
    }
    const html = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(html)?.[1];
    const prompt = /name="prompt" value="(\w+)"/.exec(html)?.[1];
    if (!action || !prompt) throw new Error(`provider page without a form (${res.status}): ${html.slice(0, 300)}`);
    url = new URL(action, url).href;
    body = new URLSearchParams(prompt === 'login' ? { prompt, login: accountId, password: 'any' } : { prompt });
  }
  throw new Error('too many redirects at the provider');
}
