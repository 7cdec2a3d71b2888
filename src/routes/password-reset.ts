import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../i18n/index.js';
import { formValues, type FieldError } from '../lib/forms.js';
import { completePasswordReset, findUsableReset, requestPasswordReset } from '../services/password-reset.js';

type TokenRequest = FastifyRequest<{ Params: { token: string }; Body: Record<string, unknown> }>;

/** Issue 18, item 2: "Forgot your password?" from the sign-in page, and the link it mails. */
export default async function passwordResetRoutes(app: FastifyInstance): Promise<void> {
  const requestForm = (reply: FastifyReply, values: Record<string, string>, errors: FieldError[] = [], status = 200) =>
    reply.page('pages/auth/reset-request', { title: t('reset.title'), values, errors }, status);
  const gone = (reply: FastifyReply) => reply.page('pages/auth/reset-gone', { title: t('reset.gone.title') }, 404);
  const newPasswordForm = (reply: FastifyReply, token: string, errors: FieldError[] = [], status = 200) =>
    reply.page('pages/auth/reset-form', { title: t('reset.new.title'), token, values: {}, errors }, status);

  app.get('/login/reset', { config: { access: 'guest' } }, async (_request, reply) => requestForm(reply, {}));

  app.post('/login/reset', { config: { access: 'guest' } }, async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
    const body = request.body ?? {};
    const email = typeof body.email === 'string' ? body.email.slice(0, 254) : '';
    if (!email.trim()) return requestForm(reply, {}, [{ field: 'email', message: t('validation.required', { label: t('login.email').toLowerCase() }) }], 422);
    const outcome = await requestPasswordReset(app.db, email, request.ip, app.config.publicUrl);
    if (outcome === 'rate-limited') return requestForm(reply, formValues(body), [{ field: 'email', message: t('reset.rateLimited') }], 429);
    void app.mail.dispatch().catch(() => {});
    // The same page whether or not the address has an account (nothing to learn by asking).
    return reply.page('pages/auth/reset-sent', { title: t('reset.sent.title') });
  });

  app.get('/login/reset/:token', { config: { access: 'guest' } }, async (request: TokenRequest, reply) => {
    if (!(await findUsableReset(app.db, request.params.token))) return gone(reply);
    return newPasswordForm(reply, request.params.token);
  });

  app.post('/login/reset/:token', { config: { access: 'guest' } }, async (request: TokenRequest, reply) => {
    const result = await completePasswordReset(app.db, request.params.token, request.body);
    if (!result.ok && 'gone' in result) return gone(reply);
    if (!result.ok) return newPasswordForm(reply, request.params.token, result.errors, 422);
    // Every session of the account has ended; this browser's too, if it was signed in as someone.
    await request.session.regenerate();
    request.session.set('flash', { kind: 'success', message: t('reset.done') });
    return reply.redirect('/login', 303);
  });
}
