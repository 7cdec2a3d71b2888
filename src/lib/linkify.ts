/** HTML-escapes text for element content and attribute values alike. */
export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
}

// Matched on the escaped text: a link ends at whitespace or at what was "<", ">" or a quote.
const URL_IN_ESCAPED = /\bhttps?:\/\/(?:(?!&quot;|&#39;|&lt;|&gt;)\S)+/gi;
// Trailing punctuation belongs to the sentence, not the link.
const TRAILING = /(?:[.,;:!?)\]}]|&amp;)+$/i;

/**
 * A chat message as HTML (R-F4): the whole text is escaped first, then each http(s) address in
 * the escaped text is wrapped in a link. Nothing the author typed can become markup: the link's
 * href and text are the same already-escaped characters.
 */
export function linkify(text: string): string {
  return escapeHtml(text).replace(URL_IN_ESCAPED, (match) => {
    const trail = TRAILING.exec(match)?.[0] ?? '';
    const url = match.slice(0, match.length - trail.length);
    if (!/^https?:\/\/[^/]/i.test(url)) return match;
    return `<a href="${url}" rel="noopener noreferrer nofollow">${url}</a>${trail}`;
  });
}
