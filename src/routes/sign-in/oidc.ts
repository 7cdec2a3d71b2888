import { publishUsers } from '../../live/channel.js';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { NotFoundError } from '../../lib/errors.js';
import { beginOidcSignIn, completeOidcSignIn, parsePending, PENDING_MS, ProviderError, providerSignOutUrl, type OidcPending } from '../../services/sign-in/oidc.js';
import { getSignInSettings } from '../../services/sign-in/settings.js';
import { safeNext } from '../../lib/safe-next.js';
import { finishSignIn } from './complete.js';

/**
 * The started sign-in's state, nonce and PKCE verifier, in a signed HttpOnly cookie for the callback alone: in the
 * session, every visit of the start address stored one, a table anyone could fill. SameSite=Lax: the provider sends
 * the browser back with a top-level GET, which carries it.
 */
const PENDING_COOKIE = 'atrium.oidc';
const PENDING_COOKIE_OPTIONS = { path: '/login/oidc', httpOnly: true, sameSite: 'lax', secure: 'auto' } as const;

function pendingOf(request: FastifyRequest): OidcPending | undefined {
  const cookie = request.cookies[PENDING_COOKIE];
  if (!cookie) return undefined;
  const unsigned = request.unsignCookie(cookie);
  return unsigned.valid ? parsePending(unsigned.value) : undefined;
}

/** R-A1: OpenID Connect single sign-on (authorization code + PKCE) and sign-out. */
export default async function oidcSignInRoutes(app: FastifyInstance): Promise<void> {
  const redirectUri = `${app.config.publicUrl}/login/oidc/callback`;

  async function enabledSettings() {
    const settings = await getSignInSettings();
    if (!settings.oidcEnabled) throw new NotFoundError();
    return settings;
  }

  function refused(reply: FastifyReply, message: string, status: number): Promise<FastifyReply> {
    return reply.page('pages/sign-in/refused', { title: t('signIn.withOidc'), message }, status);
  }

  app.get('/login/oidc', { config: { access: 'guest' } }, async (request, reply) => {
    const settings = await enabledSettings();
    try {
      const { url, pending } = await beginOidcSignIn(settings, app.config.signIn, redirectUri, safeNext((request.query as { next?: unknown }).next, app.config.publicUrl));
      reply.setCookie(PENDING_COOKIE, JSON.stringify(pending), { ...PENDING_COOKIE_OPTIONS, maxAge: PENDING_MS / 1000, signed: true });
      // The address comes from the provider's discovered metadata, which the settings name.
      return reply.redirect(url.href, 303);
    } catch (err) {
      request.log.warn({ reason: err instanceof ProviderError ? err.reason : 'error' }, 'oidc: provider unavailable');
      return refused(reply, t('signIn.oidc.unavailable'), 503);
    }
  });

  app.get('/login/oidc/callback', { config: { access: 'guest' } }, async (request: FastifyRequest, reply) => {
    const settings = await enabledSettings();
    const pending = pendingOf(request);
    // Single use: whatever happens next, this browser does not present this state again (and the provider takes a code once).
    reply.clearCookie(PENDING_COOKIE, PENDING_COOKIE_OPTIONS);
    const outcome = await completeOidcSignIn(app.db, settings, app.config.signIn, pending, new URL(request.url, app.config.publicUrl));
    if (outcome.ok) return finishSignIn(request, reply, outcome.user, pending?.next ?? '/', 'oidc', outcome.idToken ? { oidcIdToken: outcome.idToken } : {});
    if (outcome.reason === 'failed') {
      request.log.warn({ reason: outcome.cause.reason, detail: outcome.cause.detail }, 'oidc: callback refused');
      return refused(reply, t('signIn.oidc.failed', { reason: outcome.cause.reason }), 400);
    }
    if (outcome.reason === 'expired') return refused(reply, t('signIn.oidc.expired'), 400);
    return refused(reply, t(`signIn.refused.${outcome.reason}`), 403);
  });

  // Ends the Atrium session, then offers the provider's sign-out as a link: a form's redirect to
  // another site would be blocked by the page's form-action policy.
  app.post('/logout/oidc', { config: { access: 'signed-in' } }, async (request, reply) => {
    const idToken = request.session.get('oidcIdToken');
    // A fresh, empty session: the signed-in one is deleted from the store, and this page still renders.
    const userId = request.viewer.id;
    await request.session.regenerate();
    // Issue 16: the old session's open event streams end now, in every process.
    if (userId !== null) await publishUsers(app.db, [userId]);
    const settings = await getSignInSettings();
    const url = typeof idToken === 'string' && settings.oidcEnabled ? await providerSignOutUrl(settings, app.config.signIn, idToken, `${app.config.publicUrl}/login`) : null;
    if (!url) return reply.redirect('/login', 303);
    return reply.page('pages/sign-in/signed-out', { title: t('signIn.signedOut'), providerUrl: url });
  });
}
