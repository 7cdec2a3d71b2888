/**
 * File and folder names are display names only (R-F2): the bytes live under a generated key,
 * so a name never reaches the file system. Still, a name must be safe to show, to send back in
 * Content-Disposition, and to store in PostgreSQL (no NUL).
 */

export const NAME_MAX = 255;

/** Control characters, and the bidirectional overrides that make "gpj.exe" look like "exe.jpg". */
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/gu;

/** Cuts to at most `max` characters without splitting a surrogate pair, keeping a short extension. */
function truncate(name: string, max: number): string {
  const chars = [...name];
  if (chars.length <= max) return name;
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 ? [...name.slice(dot)] : [];
  if (ext.length > 1 && ext.length <= 16) return chars.slice(0, max - ext.length).join('').trimEnd() + ext.join('');
  return chars.slice(0, max).join('').trimEnd();
}

/**
 * The name an uploaded file is listed under: the last path segment of what the browser sent
 * (old browsers send "C:\\…"; attackers send "../../x"), without control characters, NFC, trimmed,
 * at most 255 characters. Never empty.
 */
export function sanitizeUploadName(raw: string | undefined, fallback = 'file'): string {
  let name = (raw ?? '').normalize('NFC').replace(UNSAFE, '');
  name = name.split(/[\\/]/).pop() ?? '';
  name = name.trim().replace(/^\.+$/, '');
  name = truncate(name, NAME_MAX);
  return name === '' ? fallback : name;
}

export type NameProblem = 'required' | 'tooLong' | 'invalid';

/** A name someone typed (new folder, rename): refused rather than silently changed. */
export function checkTypedName(raw: unknown): { ok: true; name: string } | { ok: false; problem: NameProblem } {
  if (typeof raw !== 'string') return { ok: false, problem: 'required' };
  const name = raw.normalize('NFC').trim();
  if (name === '') return { ok: false, problem: 'required' };
  if ([...name].length > NAME_MAX) return { ok: false, problem: 'tooLong' };
  if (/[\\/]/.test(name) || new RegExp(UNSAFE.source, 'u').test(name) || name === '.' || name === '..') return { ok: false, problem: 'invalid' };
  return { ok: true, name };
}

/** RFC 5987 / RFC 8187 ext-value: UTF-8, percent-encoded, with the characters encodeURIComponent leaves that attr-char does not allow. */
function encodeExtValue(s: string): string {
  return encodeURIComponent(s).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Content-Disposition for a download: always `attachment` (nothing uploaded is rendered by the
 * browser as our page), a plain ASCII `filename` for old clients, and the exact name in `filename*`.
 */
export function contentDisposition(name: string): string {
  const ascii = name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/[^\x20-\x7e]/gu, '_').replace(/["\\%;]/g, '_') || 'file';
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeExtValue(name)}`;
}

/** A MIME type fit to send back: a plain `type/subtype`, else the generic binary type. */
export function safeMimeType(declared: string | undefined): string {
  const m = (declared ?? '').trim().toLowerCase();
  return /^[a-z0-9][a-z0-9!#$&^_.+-]{0,63}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/.test(m) ? m : 'application/octet-stream';
}
