import { isIsoDate } from './zoned-time.js';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/** 'YYYY-MM-DD' when the three numbers are a real date, else null. */
function iso(year: number, month: number, day: number): string | null {
  const s = `${pad(year, 4)}-${pad(month)}-${pad(day)}`;
  return isIsoDate(s) ? s : null;
}

/**
 * A date as people type it where the browser offers no date picker (w3m, lynx, old browsers):
 * 2026-12-20, 2026/12/20, 20.12.2026, and 20/12/2026 or 12/20/2026 when only one reading is a
 * real date. Returns 'YYYY-MM-DD', or null when the text is not one date (3/4/2026 is refused:
 * March or April).
 */
export function readDateInput(raw: string): string | null {
  const s = raw.trim();
  let m = /^(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})$/.exec(s);
  if (m) return iso(Number(m[1]), Number(m[2]), Number(m[3]));
  m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(s);
  if (m) return iso(Number(m[3]), Number(m[2]), Number(m[1]));
  m = /^(\d{1,2})[/-](\d{1,2})[/-](\d{4})$/.exec(s);
  if (!m) return null;
  const [a, b, year] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const dayFirst = iso(year, b, a);
  const monthFirst = iso(year, a, b);
  if (dayFirst && monthFirst && dayFirst !== monthFirst) return null;
  return dayFirst ?? monthFirst;
}
