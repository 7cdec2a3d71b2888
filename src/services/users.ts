import { publishUsers } from '../live/channel.js';
import type { Knex } from 'knex';
import { z } from 'zod';
import { locales, t } from '../i18n/index.js';
import { ForbiddenError, NotFoundError } from '../lib/errors.js';
import { checkbox, email, fieldError, fieldMessage, mergeErrors, optionalText, parseForm, password, requiredText, validFields, type FormResult } from '../lib/forms.js';
import { isTimeZone } from '../lib/format.js';
import { User } from '../models/user.js';
import { can } from '../policy/abilities.js';
import type { Viewer } from '../policy/viewer.js';
import { recordAudit } from './audit.js';
import { hashPassword, verifyPassword } from './passwords.js';
import { getSettings, seatAvailable } from './settings.js';

export interface NewUser {
  email: string;
  name: string;
  password: string;
  isAdmin: boolean;
  isExtranet: boolean;
}

type CreateRefusal = 'email-taken' | 'seat-limit' | 'extranet-off' | 'admin-external';

/**
 * Creates an account (R-U1), checking the unique e-mail, the seat limit (R-U7) and the
 * extranet switch (R-U8). The settings row is locked so two creations cannot both take the last seat.
 */
export async function createUser(
  db: Knex,
  input: NewUser,
  actorId: number | null,
): Promise<{ ok: true; user: User } | { ok: false; refusal: CreateRefusal; limit?: number }> {
  if (input.isAdmin && input.isExtranet) return { ok: false, refusal: 'admin-external' };
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (trx) => {
    await trx('settings').where({ id: 1 }).forUpdate().first();
    if (input.isExtranet && !(await getSettings(trx)).extranetEnabled) return { ok: false, refusal: 'extranet-off' } as const;
    const seats = await seatAvailable(trx);
    if (!seats.ok) return { ok: false, refusal: 'seat-limit', limit: seats.limit ?? 0 } as const;
    const existing = await User.query(trx).whereRaw('lower(email) = ?', [input.email.toLowerCase()]).first();
    if (existing) return { ok: false, refusal: 'email-taken' } as const;
    const user = await User.query(trx).insertAndFetch({
      email: input.email.toLowerCase(),
      name: input.name,
      passwordHash,
      isAdmin: input.isAdmin,
      isExtranet: input.isExtranet,
    });
    await recordAudit(trx, { actorId, action: 'user.create', subjectType: 'user', subjectId: user.id, subjectLabel: user.name, details: { email: user.email, isExtranet: user.isExtranet, isAdmin: user.isAdmin } });
    return { ok: true, user } as const;
  });
}

const createUserSchema = z.object({
  name: requiredText('admin.create.name', 120),
  email: email('admin.create.email'),
  password: password('admin.create.password'),
  kind: z.enum(['employee', 'external'], fieldError('choose', 'admin.create.kind')),
  isAdmin: checkbox,
});

/** The admin page's create form: field errors for bad input or a refusal. */
export async function createUserFromForm(db: Knex, viewer: Viewer, body: unknown): Promise<FormResult<User>> {
  if (!can(viewer, 'admin:access', null)) throw new ForbiddenError();
  const parsed = parseForm(createUserSchema, body);
  if (!parsed.ok) {
    // An address already taken is reported with the other errors, in one round (issue 17, item 6).
    const address = validFields(createUserSchema.shape, body).email;
    const taken = address ? await User.query().whereRaw('lower(email) = ?', [address]).first() : undefined;
    return { ok: false, errors: mergeErrors(Object.keys(createUserSchema.shape), parsed.errors, taken ? { field: 'email', message: t('admin.create.emailTaken') } : null) };
  }
  const v = parsed.value;
  const result = await createUser(db, { name: v.name, email: v.email, password: v.password, isAdmin: v.isAdmin, isExtranet: v.kind === 'external' }, viewer.id);
  if (result.ok) return { ok: true, value: result.user };
  const messages: Record<CreateRefusal, { field: string; message: string }> = {
    'email-taken': { field: 'email', message: t('admin.create.emailTaken') },
    'seat-limit': { field: 'kind', message: t('admin.create.seatLimit', { limit: result.limit ?? 0 }) },
    'extranet-off': { field: 'kind', message: t('admin.create.extranetOff') },
    'admin-external': { field: 'isAdmin', message: t('admin.create.adminExternal') },
  };
  return { ok: false, errors: [messages[result.refusal]] };
}

const profileSchema = z.object({
  name: requiredText('profile.name', 120),
  jobTitle: optionalText('profile.jobTitle', 120),
  phone: optionalText('profile.phone', 40),
  timeZone: requiredText('profile.timeZone', 64).refine(isTimeZone, fieldError('invalid', 'profile.timeZone')),
  // '' (or no field): follow the browser's Accept-Language.
  locale: z
    .enum(['', ...locales], fieldError('choose', 'profile.locale'))
    .optional()
    .transform((v) => (v === '' || v === undefined ? null : v)),
});

export async function updateProfile(viewer: Viewer, body: unknown): Promise<FormResult<User>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  const user = await User.query().findById(viewer.id);
  if (!user || !can(viewer, 'profile:edit', user)) throw new ForbiddenError();
  const parsed = parseForm(profileSchema, body);
  if (!parsed.ok) return parsed;
  const updated = await User.query().patchAndFetchById(user.id, { ...parsed.value, updatedAt: new Date() });
  return { ok: true, value: updated };
}

const passwordSchema = z.object({
  currentPassword: z.string(fieldError('required', 'profile.currentPassword')).min(1, {
    error: () => fieldMessage('required', 'profile.currentPassword'),
  }),
  newPassword: password('profile.newPassword'),
});

/** Changing one's password needs the current one, and ends the account's other sessions. */
export async function changePassword(db: Knex, viewer: Viewer, body: unknown, keepSessionId: string): Promise<FormResult<null>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  const parsed = parseForm(passwordSchema, body);
  const user = await User.query().findById(viewer.id);
  if (!user) throw new NotFoundError();
  // The current password is checked even when the new one is refused: every error in one round.
  const current = validFields(passwordSchema.shape, body).currentPassword;
  const wrong = current !== undefined && !(await verifyPassword(user.passwordHash, current)) ? { field: 'currentPassword', message: t('profile.currentPasswordWrong') } : null;
  if (!parsed.ok || wrong) return { ok: false, errors: mergeErrors(Object.keys(passwordSchema.shape), parsed.ok ? [] : parsed.errors, wrong) };
  const passwordHash = await hashPassword(parsed.value.newPassword);
  await db.transaction(async (trx) => {
    await User.query(trx).patchAndFetchById(user.id, { passwordHash, updatedAt: new Date() });
    await trx('sessions').where({ userId: user.id }).whereNot({ sid: keepSessionId }).delete();
  });
  return { ok: true, value: null };
}

/** CLI: sets a password without the current one (operator access). */
export async function setPasswordByEmail(db: Knex, emailAddress: string, plain: string): Promise<boolean> {
  const user = await User.query(db).whereRaw('lower(email) = ?', [emailAddress.toLowerCase()]).first();
  if (!user) return false;
  const passwordHash = await hashPassword(plain);
  await db.transaction(async (trx) => {
    await User.query(trx).patchAndFetchById(user.id, { passwordHash, updatedAt: new Date() });
    await trx('sessions').where({ userId: user.id }).delete();
    await recordAudit(trx, { actorId: null, action: 'user.set-password', subjectType: 'user', subjectId: user.id, subjectLabel: user.name });
  });
  return true;
}

type AdminUserAction = 'deactivate' | 'reactivate' | 'grant-admin' | 'revoke-admin';

/**
 * Admin actions on an account. Deactivation ends every session of the account at once (R-U6);
 * reactivation checks the seat limit (R-U7).
 */
export async function applyAdminUserAction(db: Knex, viewer: Viewer, userId: number, action: AdminUserAction): Promise<{ ok: true; user: User } | { ok: false; message: string }> {
  return db.transaction(async (trx) => {
    await trx('settings').where({ id: 1 }).forUpdate().first();
    const user = await User.query(trx).findById(userId).forUpdate();
    if (!user) throw new NotFoundError();
    const ability = action === 'deactivate' ? 'user:deactivate' : action === 'reactivate' ? 'user:reactivate' : 'user:set-admin';
    if (!can(viewer, ability, user)) throw new ForbiddenError();
    let patch: Partial<User>;
    if (action === 'deactivate') patch = { deactivatedAt: new Date() };
    else if (action === 'reactivate') {
      const seats = await seatAvailable(trx);
      if (!seats.ok) return { ok: false, message: t('admin.create.seatLimit', { limit: seats.limit ?? 0 }) } as const;
      patch = { deactivatedAt: null };
    } else patch = { isAdmin: action === 'grant-admin' };
    const updated = await User.query(trx).patchAndFetchById(user.id, { ...patch, updatedAt: new Date() });
    if (action === 'deactivate') await trx('sessions').where({ userId: user.id }).delete();
    // Issue 16: open event streams check their session (and admin rights) again, in every process.
    await publishUsers(trx, [user.id]);
    await recordAudit(trx, { actorId: viewer.id, action: `user.${action}`, subjectType: 'user', subjectId: user.id, subjectLabel: user.name });
    return { ok: true, user: updated } as const;
  });
}
