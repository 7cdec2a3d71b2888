import { currentLocale, type Locale } from '../i18n/index.js';

/**
 * One formatter per language, zone and style, and the text of each instant it formatted: Intl's format()
 * was a tenth of a list page's rendering, and a page shows the same few dates many times (a board's
 * deadlines, a feed's days). The texts kept are bounded.
 */
export class DateFormatter {
  private readonly format: Intl.DateTimeFormat;
  private readonly texts = new Map<number, string>();

  constructor(locale: Locale, options: Intl.DateTimeFormatOptions) {
    this.format = new Intl.DateTimeFormat(locale, options);
  }

  text(instant: Date): string {
    const ms = instant.getTime();
    let text = this.texts.get(ms);
    if (text === undefined) {
      text = this.format.format(instant);
      if (this.texts.size >= 2000) this.texts.clear();
      this.texts.set(ms, text);
    }
    return text;
  }
}

const formatters = new Map<string, DateFormatter>();

function formatter(locale: Locale, timeZone: string, withTime: boolean): DateFormatter {
  const key = `${locale}|${timeZone}|${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new DateFormatter(locale, withTime ? { dateStyle: 'medium', timeStyle: 'short', timeZone } : { dateStyle: 'medium', timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** Dates are shown in the viewer's time zone (SPEC §7) and language (the request's, unless given). */
export function formatDateTime(d: Date | string | null | undefined, timeZone = 'UTC', locale: Locale = currentLocale()): string {
  if (!d) return '';
  return formatter(locale, timeZone, true).text(new Date(d));
}

export function formatDate(d: Date | string | null | undefined, timeZone = 'UTC', locale: Locale = currentLocale()): string {
  if (!d) return '';
  // A calendar date ('YYYY-MM-DD') has no time zone: format it as itself.
  if (typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d)) return formatter(locale, 'UTC', false).text(new Date(`${d}T00:00:00Z`));
  return formatter(locale, timeZone, false).text(new Date(d));
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
