import { currentLocale, type Locale } from '../i18n/index.js';

const UNITS = ['byte', 'kilobyte', 'megabyte', 'gigabyte', 'terabyte'] as const;
const formatters = new Map<string, Intl.NumberFormat>();

/** A size for people: "512 bytes", "1.5 MB", formatted by locale (SPEC §7). */
export function formatBytes(n: number, locale: Locale = currentLocale()): string {
  let value = Math.max(0, n);
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const key = `${locale}|${UNITS[unit]}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.NumberFormat(locale, { style: 'unit', unit: UNITS[unit], unitDisplay: unit === 0 ? 'long' : 'short', maximumFractionDigits: unit === 0 ? 0 : 1 });
    formatters.set(key, f);
  }
  return f.format(value);
}
