import type { FastifyInstance, FastifyRequest } from 'fastify';
import { t } from '../i18n/index.js';
import { safeNext } from '../lib/safe-next.js';
import { type FieldError, fieldMessage, formValues } from '../lib/forms.js';
import { publishUsers } from '../live/channel.js';
import { authenticate } from '../services/login.js';
import { finishSignIn } from './sign-in/complete.js';
import { otherSignInMethods } from './sign-in/index.js';

const reasons = {
  failed: 'login.failed',
  deactivated: 'login.deactivated',
  'extranet-off': 'login.extranetOff',
  'rate-limited': 'login.rateLimited',
} as const;

export default async function authRoutes(app: FastifyInstance): Promise<void> {
  const localPath = (raw: unknown) => safeNext(raw, app.config.publicUrl);
  app.get('/login', { config: { access: 'guest' } }, async (request, reply) => {
    const next = localPath((request.query as { next?: unknown }).next);
    return reply.page('pages/auth/login', { title: t('login.title'), values: { next }, methods: await otherSignInMethods() });
  });

  app.post('/login', { config: { access: 'guest' } }, async (request: FastifyRequest<{ Body: Record<string, unknown> }>, reply) => {
    const body = request.body ?? {};
    const values = formValues(body);
    const email = typeof body.email === 'string' ? body.email.slice(0, 254) : '';
    const password = typeof body.password === 'string' ? body.password.slice(0, 200) : '';
    const errors: FieldError[] = [];
    if (!email.trim()) errors.push({ field: 'email', message: fieldMessage('required', 'login.email') });
    if (!password) errors.push({ field: 'password', message: fieldMessage('required', 'login.password') });
    if (errors.length === 0) {
      const outcome = await authenticate(app.db, email, password, request.ip);
      if (outcome.ok) {
        // A new session id, then the second factor where one applies (sign-in/complete.ts).
        return finishSignIn(request, reply, outcome.user, localPath(body.next), 'local');
      }
      errors.push({ field: 'email', message: t(reasons[outcome.reason]) });
      const status = outcome.reason === 'rate-limited' ? 429 : 422;
      return reply.page('pages/auth/login', { title: t('login.title'), errors, values: { email: values.email ?? '', next: localPath(body.next) }, methods: await otherSignInMethods() }, status);
    }
    return reply.page('pages/auth/login', { title: t('login.title'), errors, values: { email: values.email ?? '', next: localPath(body.next) }, methods: await otherSignInMethods() }, 422);
  });

  app.post('/logout', { config: { access: 'signed-in' } }, async (request, reply) => {
    const userId = request.viewer.id;
    await request.session.destroy();
    // Issue 16: the session's open event streams end now, in every process.
    if (userId !== null) await publishUsers(app.db, [userId]);
    return reply.redirect('/login', 303);
  });
}
