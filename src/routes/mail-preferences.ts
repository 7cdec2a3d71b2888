import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../i18n/index.js';
import { NotFoundError } from '../lib/errors.js';
import type { User } from '../models/user.js';
import { saveMailChoices, turnMailOff, unsubscribeHolder } from '../services/mail-notifications/preferences.js';
import type { UnsubscribeScope } from '../services/mail-notifications/unsubscribe-token.js';
import { renderProfile } from './profile.js';

type TokenRequest = FastifyRequest<{ Params: { token: string }; Body: Record<string, unknown> }>;

/** Issue 18, item 1: the profile's "Notifications by e-mail" form and the unsubscribe link in every such mail. */
export default async function mailPreferenceRoutes(app: FastifyInstance): Promise<void> {
  app.post('/profile/mail', { config: { access: 'signed-in' } }, async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
    const result = await saveMailChoices(app.db, request.viewer, request.body);
    if (!result.ok) return renderProfile(request, reply, { errors: result.errors, mailValues: request.body ?? {}, status: 422 });
    request.session.set('flash', { kind: 'success', message: t('mail.prefs.saved') });
    return reply.redirect('/profile#mail-notifications', 303);
  });

  /** The link's token names the person and what to stop; an unknown, forged or stale one is a 404. */
  async function holder(token: string): Promise<{ user: User; scope: UnsubscribeScope }> {
    const found = await unsubscribeHolder(app.db, app.config.sessionSecret, token);
    if (!found) throw new NotFoundError();
    return found;
  }
  const what = (scope: UnsubscribeScope) => (scope === 'digest' ? t('mail.unsubscribe.digest') : t(`mail.kind.${scope}` as 'mail.kind.mention'));

  // A GET only asks: mail scanners follow links, and must not unsubscribe anyone.
  app.get('/mail/unsubscribe/:token', { config: { access: 'public' } }, async (request: TokenRequest, reply: FastifyReply) => {
    const { scope } = await holder(request.params.token);
    return reply.page('pages/mail/unsubscribe', { title: t('mail.unsubscribe.title'), what: what(scope), token: request.params.token, done: false });
  });

  // RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" here without a session or a form; the
  // confirm page's button posts the same. The signed token is the whole permission, so no CSRF token.
  app.post('/mail/unsubscribe/:token', { config: { access: 'public', csrf: false } }, async (request: TokenRequest, reply: FastifyReply) => {
    const { user, scope } = await holder(request.params.token);
    await turnMailOff(app.db, user, scope);
    return reply.page('pages/mail/unsubscribe', { title: t('mail.unsubscribe.doneTitle'), what: what(scope), token: request.params.token, done: true });
  });
}
