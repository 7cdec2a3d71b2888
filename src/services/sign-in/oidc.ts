import type { Knex } from 'knex';
import * as oidc from 'openid-client';
import type { SignInSecrets } from '../../config.js';
import type { SignInSettings } from '../../models/sign-in-settings.js';
import type { User } from '../../models/user.js';
import { accountForVouchedPerson, type AccountRefusal } from './accounts.js';

type Settings = Pick<SignInSettings, 'oidcIssuer' | 'oidcClientId' | 'oidcCreateAccounts'>;

/** What the callback needs back from the start of a sign-in; kept in a signed cookie of the browser (routes/sign-in/oidc.ts). */
export interface OidcPending {
  state: string;
  nonce: string;
  codeVerifier: string;
  next: string;
  at: number;
}

/** A pending sign-in read back from its JSON, or undefined when it is not one. */
export function parsePending(json: string): OidcPending | undefined {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch {
    return undefined;
  }
  if (!value || typeof value !== 'object') return undefined;
  const { state, nonce, codeVerifier, next, at } = value as Record<string, unknown>;
  if (typeof state !== 'string' || typeof nonce !== 'string' || typeof codeVerifier !== 'string' || typeof next !== 'string' || typeof at !== 'number') return undefined;
  return { state, nonce, codeVerifier, next, at };
}

export type ProviderFailure = 'not-configured' | 'unreachable' | 'tls' | 'wrong-issuer' | 'error';

export class ProviderError extends Error {
  constructor(
    readonly reason: ProviderFailure,
    readonly detail = '',
  ) {
    super(`provider: ${reason}${detail ? ` (${detail})` : ''}`);
  }
}

/** How long a started sign-in may take at the provider. */
export const PENDING_MS = 10 * 60 * 1000;
const DISCOVERY_TTL_MS = 5 * 60 * 1000;
const discovered = new Map<string, { config: oidc.Configuration; at: number }>();

/** Plain http only to a provider on this machine (tests, a local provider), never across a network. */
function isLoopback(url: URL): boolean {
  return ['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname);
}

function classify(err: unknown): ProviderError {
  if (err instanceof ProviderError) return err;
  const cause = err instanceof Error && err.cause && typeof err.cause === 'object' ? (err.cause as { code?: unknown }) : undefined;
  const code = String((err as { code?: unknown })?.code ?? cause?.code ?? '');
  const message = err instanceof Error ? err.message : String(err);
  if (/issuer/i.test(message) || code === 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED') return new ProviderError('wrong-issuer');
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code)) return new ProviderError('tls', code);
  if (/ECONNREFUSED|ENOTFOUND|EHOSTUNREACH|ETIMEDOUT|ECONNRESET|EAI_AGAIN|UND_ERR/.test(code) || /fetch failed|timeout|aborted/i.test(message)) return new ProviderError('unreachable', code || message.slice(0, 80));
  return new ProviderError('error', code || message.slice(0, 80));
}

/** The provider's configuration from issuer discovery, cached a few minutes per issuer and client. */
export async function providerConfiguration(settings: Settings, secrets: SignInSecrets): Promise<oidc.Configuration> {
  if (!settings.oidcIssuer || !settings.oidcClientId) throw new ProviderError('not-configured');
  const key = `${settings.oidcIssuer}\n${settings.oidcClientId}`;
  const hit = discovered.get(key);
  if (hit && Date.now() - hit.at < DISCOVERY_TTL_MS) return hit.config;
  const issuer = new URL(settings.oidcIssuer);
  try {
    const config = await oidc.discovery(issuer, settings.oidcClientId, secrets.oidcClientSecret || undefined, undefined, {
      timeout: 5,
      ...(issuer.protocol === 'http:' && isLoopback(issuer) ? { execute: [oidc.allowInsecureRequests] } : {}),
    });
    discovered.set(key, { config, at: Date.now() });
    return config;
  } catch (err) {
    throw classify(err);
  }
}

/** The admin page's "test connection": discovery, including the issuer check. */
export async function testProvider(settings: Settings, secrets: SignInSecrets): Promise<{ ok: true; issuer: string } | { ok: false; error: ProviderError }> {
  discovered.delete(`${settings.oidcIssuer}\n${settings.oidcClientId}`);
  try {
    const config = await providerConfiguration(settings, secrets);
    return { ok: true, issuer: config.serverMetadata().issuer };
  } catch (err) {
    return { ok: false, error: classify(err) };
  }
}

/** Authorization code with PKCE (S256), a state and a nonce, all single-use (R-A1). */
export async function beginOidcSignIn(settings: Settings, secrets: SignInSecrets, redirectUri: string, next: string): Promise<{ url: URL; pending: OidcPending }> {
  const config = await providerConfiguration(settings, secrets);
  const pending: OidcPending = { state: oidc.randomState(), nonce: oidc.randomNonce(), codeVerifier: oidc.randomPKCECodeVerifier(), next, at: Date.now() };
  const url = oidc.buildAuthorizationUrl(config, {
    redirect_uri: redirectUri,
    scope: 'openid email profile',
    code_challenge: await oidc.calculatePKCECodeChallenge(pending.codeVerifier),
    code_challenge_method: 'S256',
    state: pending.state,
    nonce: pending.nonce,
  });
  return { url, pending };
}

export type OidcOutcome =
  | { ok: true; user: User; idToken: string | undefined }
  | { ok: false; reason: 'expired' | 'unverified-email' | AccountRefusal }
  | { ok: false; reason: 'failed'; cause: ProviderError };

/**
 * The callback: the code is exchanged with the PKCE verifier, and the library checks state,
 * issuer, audience, signature and nonce. Accounts are linked by a verified e-mail only.
 */
export async function completeOidcSignIn(db: Knex, settings: Settings, secrets: SignInSecrets, pending: OidcPending | undefined, callbackUrl: URL): Promise<OidcOutcome> {
  if (!pending || Date.now() - pending.at > PENDING_MS) return { ok: false, reason: 'expired' };
  let claims: oidc.IDToken | undefined;
  let profile: Record<string, unknown> = {};
  let idToken: string | undefined;
  try {
    const config = await providerConfiguration(settings, secrets);
    const tokens = await oidc.authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: pending.codeVerifier, expectedState: pending.state, expectedNonce: pending.nonce, idTokenExpected: true });
    claims = tokens.claims();
    idToken = tokens.id_token;
    if (!claims) return { ok: false, reason: 'failed', cause: new ProviderError('error', 'no ID token') };
    // Many providers put e-mail and name only in UserInfo; its subject must be the ID token's.
    profile = claims.email === undefined ? await oidc.fetchUserInfo(config, tokens.access_token, claims.sub) : claims;
  } catch (err) {
    return { ok: false, reason: 'failed', cause: classify(err) };
  }
  const email = typeof profile.email === 'string' ? profile.email.trim().toLowerCase().slice(0, 254) : '';
  if (!email) return { ok: false, reason: 'no-email' };
  if (profile.email_verified !== true) return { ok: false, reason: 'unverified-email' };
  const name = typeof profile.name === 'string' ? profile.name.trim().slice(0, 120) : '';
  const account = await accountForVouchedPerson(db, { source: 'oidc', key: `${claims.iss} ${claims.sub}`.slice(0, 600), email, name }, { create: settings.oidcCreateAccounts });
  return account.ok ? { ok: true, user: account.user, idToken } : { ok: false, reason: account.refusal };
}

/** Where to send a person to end their session at the provider too, if it offers that. */
export async function providerSignOutUrl(settings: Settings, secrets: SignInSecrets, idToken: string, afterUrl: string): Promise<string | null> {
  try {
    const config = await providerConfiguration(settings, secrets);
    if (!config.serverMetadata().end_session_endpoint) return null;
    return oidc.buildEndSessionUrl(config, { id_token_hint: idToken, post_logout_redirect_uri: afterUrl }).href;
  } catch {
    return null;
  }
}
