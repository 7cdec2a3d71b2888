import { randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { z } from 'zod';
import { t } from '../i18n/index.js';
import { escapeHtml } from '../lib/linkify.js';
import { parseForm, password, type FormResult } from '../lib/forms.js';
import { PasswordReset } from '../models/mail-preference.js';
import { User } from '../models/user.js';
import { mayResetPassword } from '../policy/account-rules.js';
import { recordAudit } from './audit.js';
import { hashToken } from './external-invitations.js';
import { clearLoginFailures } from './login.js';
import { enqueueMail } from './mail.js';
import { hashPassword } from './passwords.js';
import { getSettings } from './settings.js';

/** A link is good for an hour, once. */
export const RESET_TTL_MS = 60 * 60 * 1000;
// Counted in login_failures under their own keys (pruned after its 15-minute window), so they
// neither use up nor are used up by sign-in attempts.
const WINDOW_MS = 15 * 60 * 1000;
export const MAX_RESETS_PER_ADDRESS = 3;
export const MAX_RESETS_PER_CLIENT = 10;

const counted = (raw: string) => raw.trim().toLowerCase().replaceAll('\u0000', '');

async function resetThrottled(db: Knex, email: string, ip: string): Promise<boolean> {
  const [row] = (await db('login_failures')
    .where('createdAt', '>', new Date(Date.now() - WINDOW_MS))
    .select(db.raw('count(*) filter (where ip = ?)::int as by_ip', [`reset:${ip}`.slice(0, 64)]), db.raw('count(*) filter (where email = ?)::int as by_email', [`reset:${email}`.slice(0, 254)]))) as {
    byIp: number;
    byEmail: number;
  }[];
  return !!row && (row.byIp >= MAX_RESETS_PER_CLIENT || row.byEmail >= MAX_RESETS_PER_ADDRESS);
}

export type ResetRequestOutcome = 'answered' | 'rate-limited';

/**
 * Issue 18, item 2: a reset link by mail. The answer is the same whether or not the address has
 * an account that may use one (the caller shows one page); only such an account gets a mail.
 * Every request counts against the address and the client address, known or not.
 */
export async function requestPasswordReset(db: Knex, emailRaw: string, ip: string, publicUrl: string): Promise<ResetRequestOutcome> {
  const email = counted(emailRaw);
  if (await resetThrottled(db, email, ip)) return 'rate-limited';
  await db('login_failures').insert({ ip: `reset:${ip}`.slice(0, 64), email: `reset:${email}`.slice(0, 254) });
  const user = await User.query(db).whereRaw('lower(email) = ?', [email]).first();
  if (!user || !mayResetPassword(user, (await getSettings()).extranetEnabled)) return 'answered';
  const token = randomBytes(32).toString('base64url');
  await db.transaction(async (trx) => {
    await User.query(trx).findById(user.id).forUpdate();
    // A new link replaces any earlier one.
    await PasswordReset.query(trx).where({ userId: user.id }).whereNull('usedAt').delete();
    await PasswordReset.query(trx).insert({ userId: user.id, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + RESET_TTL_MS) });
    const link = `${publicUrl}/login/reset/${token}`;
    await enqueueMail(trx, { to: user.email, subject: t('reset.mail.subject'), text: t('reset.mail.body', { name: user.name, link }), html: resetHtml(user.name, link) });
  });
  return 'answered';
}

function resetHtml(name: string, link: string): string {
  return `<!doctype html><html><body><p>${escapeHtml(t('reset.mail.greeting', { name }))}</p><p><a href="${escapeHtml(link)}">${escapeHtml(t('reset.mail.action'))}</a></p><p>${escapeHtml(t('reset.mail.note'))}</p></body></html>`;
}

const tokenShape = /^[A-Za-z0-9_-]{43}$/;

/** The account a reset link is for, while the link is unused, within its hour, and the account may still use it. */
export async function findUsableReset(db: Knex | Knex.Transaction, token: unknown, lock = false): Promise<{ reset: PasswordReset; user: User } | undefined> {
  if (typeof token !== 'string' || !tokenShape.test(token)) return undefined;
  const q = PasswordReset.query(db).where({ tokenHash: hashToken(token) }).whereNull('usedAt').where('expiresAt', '>', new Date()).first();
  const reset = await (lock ? q.forUpdate() : q);
  if (!reset) return undefined;
  const uq = User.query(db).findById(reset.userId);
  const user = await (lock ? uq.forUpdate() : uq);
  if (!user || !mayResetPassword(user, (await getSettings(lock ? (db as Knex.Transaction) : undefined)).extranetEnabled)) return undefined;
  return { reset, user };
}

// The rules of the profile's password change (services/users.ts).
const newPasswordSchema = z.object({ newPassword: password('profile.newPassword') });

/**
 * Sets the new password once: the link is used up, every session of the account ends, and the
 * sign-in throttle for the address is cleared. `gone` when the link cannot be used (any more).
 */
export async function completePasswordReset(db: Knex, token: unknown, body: unknown): Promise<FormResult<null> | { ok: false; gone: true }> {
  if (!(await findUsableReset(db, token))) return { ok: false, gone: true };
  const parsed = parseForm(newPasswordSchema, body);
  if (!parsed.ok) return parsed;
  const passwordHash = await hashPassword(parsed.value.newPassword);
  return db.transaction(async (trx) => {
    const found = await findUsableReset(trx, token, true);
    if (!found) return { ok: false, gone: true } as const;
    const { reset, user } = found;
    await User.query(trx).findById(user.id).patch({ passwordHash, updatedAt: new Date() });
    await PasswordReset.query(trx).findById(reset.id).patch({ usedAt: new Date() });
    await PasswordReset.query(trx).where({ userId: user.id }).whereNull('usedAt').delete();
    await trx('sessions').where({ userId: user.id }).delete();
    await clearLoginFailures(trx, user.email);
    await recordAudit(trx, { actorId: user.id, action: 'user.password-reset', subjectType: 'user', subjectId: user.id, subjectLabel: user.name });
    return { ok: true, value: null } as const;
  });
}

/** Used and expired links are kept a day for the audit trail's sake, then removed (maintenance). */
export async function prunePasswordResets(db: Knex): Promise<void> {
  await PasswordReset.query(db).where('createdAt', '<', new Date(Date.now() - 24 * 60 * 60 * 1000)).delete();
}
