import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { runWithLocale, setContextLocale } from '../i18n/locale-context.js';
import { negotiateLocale, type Locale } from '../i18n/locales.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The language of this request: the person's saved choice, else Accept-Language, else English. */
    locale: Locale;
  }
}

/** Sets the request's language (the viewer plugin may replace it with the person's choice). */
export function chooseRequestLocale(request: { locale: Locale }, locale: Locale): void {
  request.locale = locale;
  setContextLocale(locale);
}

/**
 * Opens the request's language context before any other hook, from Accept-Language; everything the
 * request runs afterwards (hooks, handler, error pages) reads its language from it.
 */
export default fp(
  async function localePlugin(app: FastifyInstance) {
    app.decorateRequest('locale', 'en');
    app.addHook('onRequest', (request, _reply, done) => {
      const locale = negotiateLocale(request.headers['accept-language']);
      request.locale = locale;
      runWithLocale(locale, done);
    });
  },
  { name: 'locale' },
);
