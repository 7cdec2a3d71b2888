import { defaultLocale } from '../i18n/index.js';

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string, withTime: boolean): Intl.DateTimeFormat {
  const key = `${timeZone}|${withTime}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(defaultLocale, withTime ? { dateStyle: 'medium', timeStyle: 'short', timeZone } : { dateStyle: 'medium', timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** Dates are shown in the viewer's time zone (SPEC §7). */
export function formatDateTime(d: Date | string | null | undefined, timeZone = 'UTC'): string {
  if (!d) return '';
  return formatter(timeZone, true).format(new Date(d));
}

export function formatDate(d: Date | string | null | undefined, timeZone = 'UTC'): string {
  if (!d) return '';
  // A calendar date ('YYYY-MM-DD') has no time zone: format it as itself.
  if (typeof d === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(d)) return formatter('UTC', false).format(new Date(`${d}T00:00:00Z`));
  return formatter(timeZone, false).format(new Date(d));
}

export function formatNumber(n: number): string {
  return new Intl.NumberFormat(defaultLocale).format(n);
}

export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}
