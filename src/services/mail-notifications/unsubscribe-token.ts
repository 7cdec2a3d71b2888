import { createHmac, timingSafeEqual } from 'node:crypto';
import { MAIL_KINDS, type MailKind } from '../../models/mail-preference.js';

/** What one unsubscribe link switches off: one kind, or everything that goes to the digest. */
export type UnsubscribeScope = MailKind | 'digest';

const SCOPES: readonly string[] = [...MAIL_KINDS, 'digest'];

function mac(secret: string, userId: number, scope: UnsubscribeScope): string {
  return createHmac('sha256', secret).update(`unsubscribe:${userId}:${scope}`).digest('base64url');
}

/**
 * RFC 8058 one-click links work without signing in, so the link itself is the permission: the
 * person's id and the scope, signed with the server's secret (nothing stored; another person's
 * id with this signature is refused).
 */
export function unsubscribeToken(secret: string, userId: number, scope: UnsubscribeScope): string {
  return `${userId}.${scope}.${mac(secret, userId, scope)}`;
}

export function readUnsubscribeToken(secret: string, token: unknown): { userId: number; scope: UnsubscribeScope } | null {
  if (typeof token !== 'string' || token.length > 120) return null;
  const m = /^([1-9]\d{0,9})\.([a-z_]+)\.([A-Za-z0-9_-]{43})$/.exec(token);
  if (!m?.[1] || !m[2] || !m[3] || !SCOPES.includes(m[2])) return null;
  const userId = Number(m[1]);
  const scope = m[2] as UnsubscribeScope;
  const expected = Buffer.from(mac(secret, userId, scope));
  const given = Buffer.from(m[3]);
  return expected.length === given.length && timingSafeEqual(expected, given) ? { userId, scope } : null;
}
