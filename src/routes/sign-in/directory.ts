import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import type { FieldError } from '../../lib/forms.js';
import { signInWithDirectory } from '../../services/sign-in/ldap-login.js';
import { getSignInSettings } from '../../services/sign-in/settings.js';
import { NotFoundError } from '../../lib/errors.js';
import { safeNext } from '../../lib/safe-next.js';
import { finishSignIn } from './complete.js';
import { fieldMessage } from '../../lib/forms.js';

/** R-A1: sign-in with the company directory (LDAP / Active Directory), binding as the person. */
export default async function directorySignInRoutes(app: FastifyInstance): Promise<void> {
  const page = 'pages/sign-in/directory';
  const title = t('signIn.directory.title');

  app.get('/login/directory', { config: { access: 'guest' } }, async (request, reply) => {
    if (!(await getSignInSettings()).ldapEnabled) throw new NotFoundError();
    return reply.page(page, { title, values: { next: safeNext((request.query as { next?: unknown }).next, app.config.publicUrl) } });
  });

  app.post('/login/directory', { config: { access: 'guest' } }, async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
    const body = request.body ?? {};
    const username = typeof body.username === 'string' ? body.username.slice(0, 200) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 200) : '';
    const next = safeNext(body.next, app.config.publicUrl);
    const errors: FieldError[] = [];
    if (!username.trim()) errors.push({ field: 'username', message: fieldMessage('required', 'signIn.directory.username') });
    if (!password) errors.push({ field: 'password', message: fieldMessage('required', 'signIn.directory.password') });
    let status = 422;
    if (errors.length === 0) {
      const outcome = await signInWithDirectory(app.db, app.config.signIn, username, password, request.ip);
      if (outcome.ok) return finishSignIn(request, reply, outcome.user, next, 'ldap');
      if (outcome.reason === 'off') throw new NotFoundError();
      if (outcome.reason === 'unavailable') request.log.warn({ reason: outcome.cause.reason, detail: outcome.cause.detail }, 'directory sign-in: directory unavailable');
      const messages = {
        failed: t('signIn.directory.failed'),
        'rate-limited': t('login.rateLimited'),
        unavailable: t('signIn.directory.unavailable'),
      } as const;
      const message = outcome.reason in messages ? messages[outcome.reason as keyof typeof messages] : t(`signIn.refused.${outcome.reason as Exclude<typeof outcome.reason, keyof typeof messages>}`);
      errors.push({ field: 'username', message });
      status = outcome.reason === 'rate-limited' ? 429 : outcome.reason === 'unavailable' ? 503 : outcome.reason === 'failed' ? 422 : 403;
    }
    return reply.page(page, { title, errors, values: { username, next } }, status);
  });
}
