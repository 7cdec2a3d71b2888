import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { negotiateLocale, t, translator } from '../i18n/index.js';
import { localeNames } from '../i18n/locales.js';
import { formValues, type FieldError } from '../lib/forms.js';
import { NotFoundError } from '../lib/errors.js';
import { can } from '../policy/abilities.js';
import { findVisibleUser } from '../finders/users.js';
import { changePassword, updateProfile } from '../services/users.js';
import { recordAudit } from '../services/audit.js';
import { findMyMailChoices } from '../services/mail-notifications/preferences.js';
import { MAIL_KINDS, MAIL_MODES } from '../models/mail-preference.js';

type FormRequest = FastifyRequest<{ Body: Record<string, unknown> }>;

interface ProfileOptions {
  errors?: FieldError[];
  values?: Record<string, string>;
  /** The "Notifications by e-mail" form as sent, when it was refused. */
  mailValues?: Record<string, unknown>;
  status?: number;
}

/** The profile page; the forms on it (here and in mail-preferences.ts) render it again with their errors. */
export async function renderProfile(request: FastifyRequest, reply: FastifyReply, opts: ProfileOptions = {}) {
  const viewer = request.viewer;
  if (!viewer.signedIn) throw new NotFoundError();
  const [me, mail] = await Promise.all([findVisibleUser(viewer, viewer.id), findMyMailChoices(viewer)]);
  if (!me) throw new NotFoundError();
  const values = opts.values ?? { name: me.name, jobTitle: me.jobTitle, phone: me.phone, timeZone: me.timeZone, locale: viewer.locale ?? '' };
  const mailValues: Record<string, string> = { digestHour: String(mail.digestHour) };
  for (const kind of MAIL_KINDS) mailValues[`mail-${kind}`] = mail.modes[kind];
  if (opts.mailValues) for (const [k, v] of Object.entries(opts.mailValues)) if (typeof v === 'string' && k in mailValues) mailValues[k] = v;
  return reply.page(
    'pages/profile/show',
    { title: t('profile.title'), me, values, localeNames, mailValues, mailKinds: MAIL_KINDS, mailModes: MAIL_MODES, errors: opts.errors ?? [], canSwitchAdminMode: can(viewer, 'admin-mode:switch', null) },
    opts.status ?? 200,
  );
}

export default async function profileRoutes(app: FastifyInstance): Promise<void> {
  app.get('/profile', { config: { access: 'signed-in' } }, async (request, reply) => renderProfile(request, reply));

  app.post('/profile', { config: { access: 'signed-in' } }, async (request: FormRequest, reply) => {
    const result = await updateProfile(request.viewer, request.body);
    if (!result.ok) return renderProfile(request, reply, { errors: result.errors, values: formValues(request.body), status: 422 });
    // The confirmation is in the language just picked (or the browser's, for "same as my browser").
    const saved = translator(result.value.locale ?? negotiateLocale(request.headers['accept-language']));
    request.session.set('flash', { kind: 'success', message: saved('profile.saved') });
    return reply.redirect('/profile', 303);
  });

  app.post('/profile/password', { config: { access: 'signed-in' } }, async (request: FormRequest, reply) => {
    const result = await changePassword(app.db, request.viewer, request.body, request.session.sessionId);
    if (!result.ok) return renderProfile(request, reply, { errors: result.errors, status: 422 });
    request.session.set('flash', { kind: 'success', message: t('profile.passwordChanged') });
    return reply.redirect('/profile', 303);
  });

  // R-U3: a per-session switch, off by default, shown in the header while on.
  app.post('/profile/admin-mode', { config: { access: 'signed-in' } }, async (request: FormRequest, reply) => {
    const viewer = request.viewer;
    if (!can(viewer, 'admin-mode:switch', null)) throw new NotFoundError();
    const on = request.body?.mode === 'on';
    request.session.set('adminMode', on);
    await recordAudit(app.db, { actorId: viewer.id, action: on ? 'admin-mode.on' : 'admin-mode.off', subjectType: 'user', subjectId: viewer.id, subjectLabel: viewer.signedIn ? viewer.name : '' });
    return reply.redirect('/profile', 303);
  });
}
