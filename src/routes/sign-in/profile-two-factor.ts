import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { NotFoundError } from '../../lib/errors.js';
import type { FieldError } from '../../lib/forms.js';
import { confirmEnrolment, disableTwoFactor, newRecoveryCodes, twoFactorStatus, verifySecondFactor } from '../../services/sign-in/totp.js';
import { secondFactorRequirement } from './complete.js';
import { enrolmentPage } from './two-factor.js';

type FormRequest = FastifyRequest<{ Body: Record<string, unknown> }>;

const codeOf = (body: unknown): string => {
  const v = body && typeof body === 'object' ? (body as Record<string, unknown>).code : undefined;
  return typeof v === 'string' ? v.slice(0, 100) : '';
};

/** R-A2: each person turns two-factor sign-in on and off for their own local password. */
export default async function profileTwoFactorRoutes(app: FastifyInstance): Promise<void> {
  const access = { config: { access: 'signed-in' as const } };
  const title = t('signIn.profile.title');

  async function status(request: FastifyRequest) {
    const s = await twoFactorStatus(request.viewer.signedIn ? request.viewer.id : 0, await secondFactorRequirement());
    if (!s) throw new NotFoundError();
    return s;
  }

  async function render(request: FastifyRequest, reply: FastifyReply, errors: FieldError[] = [], code = 200): Promise<FastifyReply> {
    const s = await status(request);
    if (s.enabled || !s.hasLocalPassword) return reply.page('pages/sign-in/profile', { title, status: s, errors }, code);
    const enrolment = await enrolmentPage(request, s.email);
    return reply.page('pages/sign-in/setup', { title, required: false, action: '/profile/two-factor', errors, ...enrolment }, code);
  }

  app.get('/profile/two-factor', access, async (request, reply) => render(request, reply));

  app.post('/profile/two-factor', access, async (request: FormRequest, reply) => {
    const s = await status(request);
    const secret = request.session.get('totpEnrolSecret');
    if (s.enabled || !s.hasLocalPassword || typeof secret !== 'string' || !request.viewer.signedIn) return reply.redirect('/profile/two-factor', 303);
    const codes = await confirmEnrolment(app.db, request.viewer.id, secret, codeOf(request.body));
    if (!codes) return render(request, reply, [{ field: 'code', message: t('signIn.twoFactor.wrong') }], 422);
    request.session.set('totpEnrolSecret', undefined);
    return reply.page('pages/sign-in/recovery-codes', { title: t('signIn.setup.done'), codes, next: '/profile' });
  });

  // Turning it off or making new codes needs a current code, so a left-open session is not enough.
  for (const action of ['disable', 'recovery-codes'] as const) {
    app.post(`/profile/two-factor/${action}`, access, async (request: FormRequest, reply) => {
      const s = await status(request);
      if (!s.enabled || !request.viewer.signedIn) return reply.redirect('/profile/two-factor', 303);
      if (action === 'disable' && s.required) return render(request, reply, [{ field: 'code', message: t('signIn.profile.requiredCannotDisable') }], 409);
      const check = await verifySecondFactor(app.db, { id: request.viewer.id, totpSecret: s.totpSecret }, codeOf(request.body), request.ip);
      if (!check.ok) return render(request, reply, [{ field: 'code', message: check.reason === 'rate-limited' ? t('login.rateLimited') : t('signIn.twoFactor.wrong') }], check.reason === 'rate-limited' ? 429 : 422);
      if (action === 'recovery-codes') {
        const codes = await newRecoveryCodes(app.db, request.viewer.id);
        return reply.page('pages/sign-in/recovery-codes', { title, codes, next: '/profile/two-factor' });
      }
      await disableTwoFactor(app.db, request.viewer.id);
      request.session.set('flash', { kind: 'success', message: t('signIn.profile.disabled') });
      return reply.redirect('/profile/two-factor', 303);
    });
  }
}
