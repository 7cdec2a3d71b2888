const MAX_LENGTH = 2000;
/** C0 and C1 controls, DEL, and the Unicode line and paragraph separators. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/u;

/**
 * Where to go after sign-in: a path of this site, never another one. Browsers drop tab, CR and
 * LF inside URLs and read `\` as `/`, so `/\t/evil.test` and `/\evil.test` would leave the site;
 * the raw value and its percent-decoded form are both checked, then resolved against PUBLIC_URL,
 * and only a same-origin result is kept, re-serialised by the URL parser (ASCII only, so it is
 * always a valid header value).
 */
export function safeNext(raw: unknown, publicUrl: string): string {
  if (typeof raw !== 'string' || raw.length > MAX_LENGTH || !raw.startsWith('/')) return '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(raw);
  } catch {
    return '/';
  }
  for (const candidate of [raw, decoded]) {
    if (CONTROL.test(candidate) || candidate.includes('\\') || candidate.startsWith('//')) return '/';
  }
  let base: URL;
  let url: URL;
  try {
    base = new URL(publicUrl);
    url = new URL(raw, base);
  } catch {
    return '/';
  }
  if (url.origin !== base.origin) return '/';
  const local = `${url.pathname}${url.search}${url.hash}`;
  return local.startsWith('/') && !local.startsWith('//') ? local : '/';
}
