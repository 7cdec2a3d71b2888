import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { t } from '../../i18n/index.js';
import { formValues, parseForm, type FieldError } from '../../lib/forms.js';
import type { SignInSettings } from '../../models/sign-in-settings.js';
import { testDirectoryConnection } from '../../services/sign-in/ldap-directory.js';
import { testProvider } from '../../services/sign-in/oidc.js';
import { getSignInSettings, signInForms, updateSignInSettings, type SignInForm } from '../../services/sign-in/settings.js';

type FormRequest = FastifyRequest<{ Body: Record<string, unknown> }>;

function settingsValues(s: SignInSettings): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [k, v] of Object.entries(s)) if (typeof v === 'boolean') values[k] = v ? 'on' : '';
  else if (typeof v === 'string') values[k] = v;
  return values;
}

/** Issue 19: the sign-in methods' settings; secrets are only said to be set or not, never shown. */
export default async function adminSignInRoutes(app: FastifyInstance): Promise<void> {
  const access = { config: { access: 'admin-mode' as const } };
  const secrets = app.config.signIn;

  async function render(reply: FastifyReply, opts: { values?: Record<string, string>; errors?: FieldError[]; test?: { form: string; ok: boolean; message: string }; status?: number } = {}) {
    const values = opts.values ?? settingsValues(await getSignInSettings());
    return reply.page(
      'pages/admin/sign-in',
      {
        title: t('signIn.admin.title'),
        values,
        errors: opts.errors ?? [],
        test: opts.test,
        secrets: { ldap: secrets.ldapBindPassword !== '', oidc: secrets.oidcClientSecret !== '' },
        redirectUri: `${app.config.publicUrl}/login/oidc/callback`,
      },
      opts.status ?? 200,
    );
  }

  app.get('/sign-in', access, async (_request, reply) => render(reply));

  for (const form of Object.keys(signInForms) as SignInForm[]) {
    app.post(`/sign-in/${form}`, access, async (request: FormRequest, reply) => {
      const result = await updateSignInSettings(app.db, request.viewer, form, request.body);
      if (!result.ok) return render(reply, { values: { ...settingsValues(await getSignInSettings()), ...formValues(request.body) }, errors: result.errors, status: 422 });
      request.session.set('flash', { kind: 'success', message: t('signIn.admin.saved') });
      return reply.redirect('/admin/sign-in', 303);
    });
  }

  // "Test connection" tries what the form holds, before it is saved, and says why it failed.
  type TestOutcome = { ok: true; detail: string } | { ok: false; reason: string };
  function testRoute<F extends 'ldap' | 'oidc'>(form: F, run: (settings: ReturnType<(typeof signInForms)[F]['parse']>) => Promise<TestOutcome>) {
    app.post(`/sign-in/${form}/test`, access, async (request: FormRequest, reply) => {
      const values = { ...settingsValues(await getSignInSettings()), ...formValues(request.body) };
      const parsed = parseForm(signInForms[form], request.body);
      if (!parsed.ok) return render(reply, { values, errors: parsed.errors, status: 422 });
      const result = await run(parsed.value as ReturnType<(typeof signInForms)[F]['parse']>);
      const message = result.ok ? t('signIn.admin.testOk', { detail: result.detail }) : t('signIn.admin.testFailed', { reason: result.reason });
      return render(reply, { values, test: { form, ok: result.ok, message } });
    });
  }

  testRoute('ldap', async (settings) => {
    const result = await testDirectoryConnection(settings, secrets);
    return result.ok ? { ok: true, detail: t('signIn.ldap.people', { count: result.people }) } : { ok: false, reason: t(`signIn.ldap.reason.${result.error.reason}`, { detail: result.error.detail }) };
  });
  testRoute('oidc', async (settings) => {
    const result = await testProvider(settings, secrets);
    return result.ok ? { ok: true, detail: t('signIn.oidc.discovered', { issuer: result.issuer }) } : { ok: false, reason: t(`signIn.oidc.reason.${result.error.reason}`, { detail: result.error.detail }) };
  });
}
