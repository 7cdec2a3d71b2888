/** A small seeded generator (mulberry32), so every run sends the same "random" input. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Markup that must never come back unescaped; its escaped form proves it was stored and shown. */
export const MARKER = '<b data-fuzz="x">fz</b>';
export const MARKER_ESCAPED = /&lt;b data-fuzz=(?:&quot;|&#34;|&#x22;)x(?:&quot;|&#34;|&#x22;)&gt;fz&lt;\/b&gt;/;

export const hostileValues: readonly string[] = [
  '',
  ' ',
  MARKER,
  `<script>alert(1)</script>${MARKER}`,
  `"><img src=x onerror=alert(1)>${MARKER}`,
  "' OR 1=1; DROP TABLE users; --",
  "Robert'); DELETE FROM groups; --",
  '1; select pg_sleep(5)',
  'a\u0000b',
  '\u0000',
  '𝕬𝖙𝖗𝖎𝖚𝖒 😀 \u202eevil\u202c ẞ ﷺ',
  '\ud800',
  'e\u0301\u0301\u0301\u0301',
  '-1',
  '0',
  '2147483648',
  '99999999999999999999999',
  '1e309',
  'NaN',
  'true',
  'null',
  '[object Object]',
  '2026-02-30',
  '0000-00-00',
  '9999-12-31',
  '25:61',
  'not-an-email@',
  `${'a'.repeat(300)}@example.com`,
  '../../../../etc/passwd',
  '%00%27%22',
  '{{7*7}}<%= 7*7 %>${7*7}',
  'x'.repeat(5000),
];

export function pick<T>(rand: () => number, list: readonly T[]): T {
  return list[Math.floor(rand() * list.length)] as T;
}
