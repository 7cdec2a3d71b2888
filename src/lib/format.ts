import { currentLocale, type Locale } from '../i18n/index.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(locale: Locale, timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${locale}|${timeZone}|${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(locale, withTime ? { dateStyle: 'medium', timeStyle: 'short', timeZone } : { dateStyle: 'medium', timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** Dates are shown in the viewer's time zone (SPEC §7) and language (the request's, unless given). */
export function formatDateTime(d: Date | string | null | undefined, timeZone = 'UTC', locale: Locale = currentLocale()): string {
  if (!d) return '';
  return formatter(locale, timeZone, true).format(new Date(d));
}

export function formatDate(d: Date | string | null | undefined, timeZone = 'UTC', locale: Locale = currentLocale()): string {
  if (!d) return '';
  // A calendar date ('YYYY-MM-DD') has no time zone: format it as itself.
  if (typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d)) return formatter(locale, 'UTC', false).format(new Date(`${d}T00:00:00Z`));
  return formatter(locale, timeZone, false).format(new Date(d));
}

const numberFormats = new Map<Locale, Intl.NumberFormat>();

export function formatNumber(n: number, locale: Locale = currentLocale()): string {
  let f = numberFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(locale);
    numberFormats.set(locale, f);
  }
  return f.format(n);
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
