import LinkifyIt from 'linkify-it';

/** HTML-escapes text for element content and attribute values alike. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

// http(s) addresses and bare host names with a known top-level domain ("example.com"); no ftp, no
// "//host", no e-mail addresses ("@name@example.com" is a mention, not a mail link).
const finder = new LinkifyIt({}, { fuzzyEmail: false, fuzzyIP: false }).add('ftp:', null).add('//', null).add('mailto:', null);

/** A person named in a text (@-mention), linked to the profile. */
export interface TextMention {
  id: number;
  name: string;
}

interface Span {
  start: number;
  end: number;
  html: string;
}

/** Where each "@Full Name" of `mentions` stands in the text (longest names first). */
function mentionSpans(text: string, mentions: TextMention[]): Span[] {
  const spans: Span[] = [];
  for (const m of [...mentions].sort((a, b) => b.name.length - a.name.length)) {
    const needle = `@${m.name}`;
    for (let i = text.indexOf(needle); i !== -1; i = text.indexOf(needle, i + needle.length)) {
      if (/[\p{L}\p{N}_]/u.test(text[i + needle.length] ?? '')) continue;
      if (spans.some((s) => i < s.end && i + needle.length > s.start)) continue;
      spans.push({ start: i, end: i + needle.length, html: `<a class="mention" href="/users/${m.id}">${escapeHtml(needle)}</a>` });
    }
  }
  return spans;
}

/**
 * A text written by someone (a post, a comment, a chat message, a description) as HTML: every
 * character is escaped, http(s) addresses found by linkify-it become links (rel="noopener nofollow
 * ugc"), and each mention of `mentions` links the person's profile. Nothing the author typed can
 * become markup: every piece, the links' href and text included, goes through escapeHtml.
 */
export function linkify(text: string, mentions: TextMention[] = []): string {
  // The same texts are shown again and again (a chat's last 50 messages on every view): each is made once.
  const key = text.length > CACHED_TEXT_MAX ? null : mentions.length === 0 ? text : `${JSON.stringify(mentions)}\u0000${text}`;
  let html = key === null ? undefined : made.get(key);
  if (html === undefined) {
    html = linkifyNow(text, mentions);
    if (key !== null) {
      if (made.size >= CACHED_TEXTS) made.clear();
      made.set(key, html);
    }
  }
  return html;
}

const CACHED_TEXTS = 5000;
const CACHED_TEXT_MAX = 4000;
const made = new Map<string, string>();

function linkifyNow(text: string, mentions: TextMention[]): string {
  const spans = mentionSpans(text, mentions);
  for (const link of finder.match(text) ?? []) {
    // A quote or an angle bracket ends an address (linkify-it would keep `"onmouseover=…` in it).
    const cut = link.raw.search(/["'<>]/);
    const drop = cut === -1 ? 0 : link.raw.length - cut;
    const end = link.lastIndex - drop;
    const url = link.url.slice(0, link.url.length - drop);
    if (!/^https?:\/\/[^/"'<>]/i.test(url)) continue;
    if (spans.some((s) => link.index < s.end && end > s.start)) continue;
    spans.push({ start: link.index, end, html: `<a href="${escapeHtml(url)}" rel="noopener nofollow ugc">${escapeHtml(text.slice(link.index, end))}</a>` });
  }
  let out = '';
  let from = 0;
  for (const s of spans.sort((a, b) => a.start - b.start)) {
    out += escapeHtml(text.slice(from, s.start)) + s.html;
    from = s.end;
  }
  return out + escapeHtml(text.slice(from));
}
