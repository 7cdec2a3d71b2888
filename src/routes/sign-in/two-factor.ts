import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { confirmEnrolment, newEnrolment, unusedRecoveryCodes, verifySecondFactor } from '../../services/sign-in/totp.js';
import { pendingSignIn, startSession } from './complete.js';

declare module 'fastify' {
  interface Session {
    /** A secret shown for enrolment, kept until the person proves their app has it. */
    totpEnrolSecret?: string;
  }
}

type FormRequest = FastifyRequest<{ Body: Record<string, unknown> }>;

const field = (body: unknown, name: string): string => {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
  return typeof v === 'string' ? v.slice(0, 100) : '';
};

/** Shows a secret for enrolment: the one this session already has, or a new one. */
export async function enrolmentPage(request: FastifyRequest, email: string): Promise<{ secret: string; qrSvg: string }> {
  const kept = request.session.get('totpEnrolSecret');
  const enrolment = await newEnrolment(email, ...(typeof kept === 'string' ? [kept] : []));
  request.session.set('totpEnrolSecret', enrolment.secret);
  return enrolment;
}

/** R-A2: the second step of a local sign-in, and the set-up the settings may require first. */
export default async function twoFactorSignInRoutes(app: FastifyInstance): Promise<void> {
  /** Back to sign-in; a session holding a sign-in that ran out says so, a visitor who never began one stores nothing. */
  async function expired(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply> {
    if (request.session.get('pendingSignIn') !== undefined) {
      request.session.set('pendingSignIn', undefined);
      request.session.set('flash', { kind: 'error', message: t('signIn.twoFactor.expired') });
    }
    return reply.redirect('/login', 303);
  }

  app.get('/login/two-factor', { config: { access: 'guest' } }, async (request, reply) => {
    const p = await pendingSignIn(request);
    if (!p || p.pending.mustEnrol) return expired(request, reply);
    return reply.page('pages/sign-in/two-factor', { title: t('signIn.twoFactor.title') });
  });

  app.post('/login/two-factor', { config: { access: 'guest' } }, async (request: FormRequest, reply) => {
    const p = await pendingSignIn(request);
    if (!p || p.pending.mustEnrol) return expired(request, reply);
    const code = field(request.body, 'code');
    const outcome = await verifySecondFactor(app.db, p.user, code, request.ip);
    if (!outcome.ok) {
      const message = outcome.reason === 'rate-limited' ? t('login.rateLimited') : t('signIn.twoFactor.wrong');
      return reply.page('pages/sign-in/two-factor', { title: t('signIn.twoFactor.title'), errors: [{ field: 'code', message }] }, outcome.reason === 'rate-limited' ? 429 : 422);
    }
    const next = p.pending.next;
    await startSession(request, p.user.id, 'local');
    if (outcome.via === 'recovery-code') request.session.set('flash', { kind: 'success', message: t('signIn.twoFactor.recoveryUsed', { count: await unusedRecoveryCodes(p.user.id) }) });
    return reply.redirect(next, 303);
  });

  app.get('/login/two-factor/setup', { config: { access: 'guest' } }, async (request, reply) => {
    const p = await pendingSignIn(request);
    if (!p || !p.pending.mustEnrol) return expired(request, reply);
    const enrolment = await enrolmentPage(request, p.user.email);
    return reply.page('pages/sign-in/setup', { title: t('signIn.setup.title'), required: true, action: '/login/two-factor/setup', ...enrolment });
  });

  app.post('/login/two-factor/setup', { config: { access: 'guest' } }, async (request: FormRequest, reply) => {
    const p = await pendingSignIn(request);
    const secret = request.session.get('totpEnrolSecret');
    if (!p || !p.pending.mustEnrol || typeof secret !== 'string') return expired(request, reply);
    const codes = await confirmEnrolment(app.db, p.user.id, secret, field(request.body, 'code'));
    if (!codes) {
      const enrolment = await enrolmentPage(request, p.user.email);
      return reply.page('pages/sign-in/setup', { title: t('signIn.setup.title'), required: true, action: '/login/two-factor/setup', errors: [{ field: 'code', message: t('signIn.twoFactor.wrong') }], ...enrolment }, 422);
    }
    const next = p.pending.next;
    await startSession(request, p.user.id, 'local');
    // The codes are shown once, on this answer, instead of a redirect.
    return reply.page('pages/sign-in/recovery-codes', { title: t('signIn.setup.done'), codes, next });
  });
}
