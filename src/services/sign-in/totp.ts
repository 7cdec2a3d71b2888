import { createHash, randomBytes } from 'node:crypto';
import type { Knex } from 'knex';
import { Secret, TOTP } from 'otpauth';
import QRCode from 'qrcode';
import { User } from '../../models/user.js';
import { recordAudit } from '../audit.js';
import { clearLoginFailures, isThrottled, recordLoginFailure } from '../login.js';

const PERIOD_S = 30;
const RECOVERY_CODES = 10;

function totpOf(secret: string, label = ''): TOTP {
  return new TOTP({ issuer: 'Atrium', label, algorithm: 'SHA1', digits: 6, period: PERIOD_S, secret: Secret.fromBase32(secret) });
}

/** A fresh secret (160 bits, RFC 4226 §4) and how to show it: text and a QR code drawn on the server. */
export async function newEnrolment(email: string, secret = new Secret({ size: 20 }).base32): Promise<{ secret: string; qrSvg: string }> {
  const uri = totpOf(secret, email).toString();
  return { secret, qrSvg: await QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 2 }) };
}

/** The 30-second step a code belongs to, allowing one step of clock drift either way; null if wrong. */
function matchingStep(secret: string, code: string, now = Date.now()): number | null {
  const token = code.replace(/\s+/g, '');
  if (!/^\d{6}$/.test(token)) return null;
  const delta = totpOf(secret).validate({ token, timestamp: now, window: 1 });
  return delta === null ? null : Math.floor(now / 1000 / PERIOD_S) + delta;
}

const hashCode = (code: string) => createHash('sha256').update(code.toLowerCase().replace(/[^a-z0-9]/g, '')).digest('hex');

/** Ten single-use codes; only their SHA-256 is kept (each holds 50 random bits, so a fast hash suffices). */
async function replaceRecoveryCodes(trx: Knex.Transaction, userId: number): Promise<string[]> {
  const alphabet = 'abcdefghjkmnpqrstuvwxyz23456789';
  const codes = Array.from({ length: RECOVERY_CODES }, () => {
    const chars = [...randomBytes(10)].map((b) => alphabet[b % alphabet.length]).join('');
    return `${chars.slice(0, 5)}-${chars.slice(5)}`;
  });
  await trx('totp_recovery_codes').where({ userId }).delete();
  await trx('totp_recovery_codes').insert(codes.map((c) => ({ userId, codeHash: hashCode(c) })));
  return codes;
}

/** Turns two-factor sign-in on once the person typed a code from the new secret; returns the recovery codes. */
export async function confirmEnrolment(db: Knex, userId: number, secret: string, code: string): Promise<string[] | null> {
  const step = matchingStep(secret, code);
  if (step === null) return null;
  return db.transaction(async (trx) => {
    const user = await User.query(trx).patchAndFetchById(userId, { totpSecret: secret, totpEnabledAt: new Date(), totpLastStep: String(step), updatedAt: new Date() });
    await recordAudit(trx, { actorId: userId, action: 'user.two-factor-on', subjectType: 'user', subjectId: userId, subjectLabel: user.name });
    return replaceRecoveryCodes(trx, userId);
  });
}

export async function disableTwoFactor(db: Knex, userId: number): Promise<void> {
  await db.transaction(async (trx) => {
    const user = await User.query(trx).patchAndFetchById(userId, { totpSecret: null, totpEnabledAt: null, totpLastStep: null, updatedAt: new Date() });
    await trx('totp_recovery_codes').where({ userId }).delete();
    await recordAudit(trx, { actorId: userId, action: 'user.two-factor-off', subjectType: 'user', subjectId: userId, subjectLabel: user.name });
  });
}

export async function newRecoveryCodes(db: Knex, userId: number): Promise<string[]> {
  return db.transaction((trx) => replaceRecoveryCodes(trx, userId));
}

export async function unusedRecoveryCodes(userId: number): Promise<number> {
  const row = (await User.knex()('totp_recovery_codes').where({ userId }).whereNull('usedAt').count('* as n').first()) as { n: string | number } | undefined;
  return Number(row?.n ?? 0);
}

// Second-factor failures are counted under their own key: a right password clears the password's
// failures, and must not give a guesser of codes five new tries.
const throttleKey = (userId: number) => `totp:${userId}`;

export type SecondFactorOutcome = { ok: true; via: 'code' | 'recovery-code' } | { ok: false; reason: 'wrong' | 'rate-limited' };

/**
 * Checks a code from the authenticator app or a recovery code (R-A2). A code is accepted once:
 * the step it belongs to must be later than the last one accepted, compared and moved in one
 * UPDATE so two requests cannot both use it. Failures count against the sign-in throttle.
 */
export async function verifySecondFactor(db: Knex, user: Pick<User, 'id' | 'totpSecret'>, input: string, ip: string): Promise<SecondFactorOutcome> {
  if (!user.totpSecret) return { ok: false, reason: 'wrong' };
  if (await isThrottled(db, throttleKey(user.id), ip)) return { ok: false, reason: 'rate-limited' };
  const step = matchingStep(user.totpSecret, input.slice(0, 40));
  if (step !== null) {
    const moved = await db('users').where({ id: user.id }).andWhere((q) => q.whereNull('totpLastStep').orWhere('totpLastStep', '<', step)).update({ totpLastStep: step });
    if (moved === 1) {
      await clearLoginFailures(db, throttleKey(user.id));
      return { ok: true, via: 'code' };
    }
  } else if (/^[a-z0-9]{5}-?[a-z0-9]{5}$/i.test(input.trim())) {
    const used = await db('totp_recovery_codes').where({ userId: user.id, codeHash: hashCode(input.trim()) }).whereNull('usedAt').update({ usedAt: new Date() });
    if (used === 1) {
      await clearLoginFailures(db, throttleKey(user.id));
      return { ok: true, via: 'recovery-code' };
    }
  }
  await recordLoginFailure(db, throttleKey(user.id), ip);
  return { ok: false, reason: 'wrong' };
}

export interface TwoFactorStatus {
  /** Only a local password is followed by a second factor; the directory and the provider check the rest. */
  hasLocalPassword: boolean;
  enabled: boolean;
  required: boolean;
  recoveryCodesLeft: number;
  email: string;
  totpSecret: string | null;
}

export async function twoFactorStatus(userId: number, required: (u: User) => boolean): Promise<TwoFactorStatus | null> {
  const user = await User.query().findById(userId);
  if (!user) return null;
  return {
    hasLocalPassword: user.passwordHash !== null,
    enabled: user.totpEnabledAt !== null,
    required: required(user),
    recoveryCodesLeft: user.totpEnabledAt ? await unusedRecoveryCodes(userId) : 0,
    email: user.email,
    totpSecret: user.totpSecret,
  };
}
