import type { Knex } from 'knex';
import { z } from 'zod';
import { t } from '../i18n/index.js';
import { checkbox, fieldError, fieldMessage, mergeErrors, parseForm, validFields, type FormResult } from '../lib/forms.js';
import { ForbiddenError } from '../lib/errors.js';
import { Settings } from '../models/settings.js';
import { User } from '../models/user.js';
import { can } from '../policy/abilities.js';
import type { Viewer } from '../policy/viewer.js';
import { recordAudit } from './audit.js';

export async function getSettings(trx?: Knex.Transaction): Promise<Settings> {
  const s = await Settings.query(trx).findById(1);
  if (!s) throw new Error('settings row missing');
  return s;
}

export async function countActiveUsers(trx?: Knex.Transaction): Promise<number> {
  const row = (await User.query(trx).whereNull('deactivatedAt').count('* as n').first()) as unknown as { n: number };
  return Number(row.n);
}

/** R-U7: true while one more active user fits under the seat limit. */
export async function seatAvailable(trx?: Knex.Transaction): Promise<{ ok: boolean; limit: number | null }> {
  const s = await getSettings(trx);
  if (s.seatLimit === null) return { ok: true, limit: null };
  return { ok: (await countActiveUsers(trx)) < s.seatLimit, limit: s.seatLimit };
}

const optionalPositiveInt = (labelKey: 'admin.settings.seatLimit' | 'admin.settings.uploadLimit', min: number, max: number) =>
  z
    .string(fieldError('invalid', labelKey))
    .trim()
    .regex(/^\d{0,7}$/, fieldError('invalid', labelKey))
    .transform((s) => (s === '' ? null : Number(s)))
    .refine((n) => n === null || (n >= min && n <= max), fieldError('invalid', labelKey));

const settingsSchema = z.object({
  extranetEnabled: checkbox,
  seatLimit: optionalPositiveInt('admin.settings.seatLimit', 1, 1_000_000),
  uploadLimitMb: optionalPositiveInt('admin.settings.uploadLimit', 1, 10240).refine((n) => n !== null, {
    error: () => fieldMessage('required', 'admin.settings.uploadLimit'),
  }),
});

export async function updateSettings(db: Knex, viewer: Viewer, body: unknown): Promise<FormResult<Settings>> {
  if (!can(viewer, 'settings:edit', null)) throw new ForbiddenError();
  const parsed = parseForm(settingsSchema, body);
  return db.transaction(async (trx) => {
    // The seat limit is held against the active users even when another field failed: every error in one round.
    const limit = validFields(settingsSchema.shape, body).seatLimit;
    const active = await countActiveUsers(trx);
    const belowActive = limit != null && limit < active ? { field: 'seatLimit', message: t('admin.settings.seatLimitBelowActive', { active }) } : null;
    if (!parsed.ok || belowActive) return { ok: false, errors: mergeErrors(Object.keys(settingsSchema.shape), parsed.ok ? [] : parsed.errors, belowActive) };
    const { extranetEnabled, seatLimit, uploadLimitMb } = parsed.value;
    const before = await getSettings(trx);
    const updated = await Settings.query(trx).patchAndFetchById(1, { extranetEnabled, seatLimit, uploadLimitMb: uploadLimitMb ?? 100, updatedAt: new Date() });
    await recordAudit(trx, {
      actorId: viewer.id,
      action: 'settings.update',
      subjectType: 'settings',
      details: {
        before: { extranetEnabled: before.extranetEnabled, seatLimit: before.seatLimit, uploadLimitMb: before.uploadLimitMb },
        after: { extranetEnabled, seatLimit, uploadLimitMb },
      },
    });
    return { ok: true, value: updated };
  });
}
