import Negotiator from 'negotiator';

export const locales = ['en', 'de'] as const;
export type Locale = (typeof locales)[number];
export const defaultLocale: Locale = 'en';

export function isLocale(value: unknown): value is Locale {
  return typeof value === 'string' && (locales as readonly string[]).includes(value);
}

/**
 * The best supported language for an Accept-Language header (RFC 9110 §12.5.4, q-values and
 * `de-AT` → `de` included), or the default. A header that parses to nothing gives the default.
 */
export function negotiateLocale(acceptLanguage: string | string[] | undefined): Locale {
  if (typeof acceptLanguage !== 'string' || acceptLanguage.length > 1000) return defaultLocale;
  const [best] = new Negotiator({ headers: { 'accept-language': acceptLanguage } }).languages([...locales]);
  return isLocale(best) ? best : defaultLocale;
}

/** Names of the languages in their own language, for the picker. */
export const localeNames: Record<Locale, string> = { en: 'English', de: 'Deutsch' };
