import type { Knex } from 'knex';
import { z } from 'zod';
import { t } from '../../i18n/index.js';
import { ForbiddenError } from '../../lib/errors.js';
import type { FieldError, FormResult } from '../../lib/forms.js';
import { addDays, fromLocalParts, toLocalParts } from '../../lib/zoned-time.js';
import { MAIL_KINDS, MAIL_MODES, MailPreference, MailQueueItem, type MailKind, type MailMode } from '../../models/mail-preference.js';
import type { NotificationKind } from '../../models/notification.js';
import { User } from '../../models/user.js';
import { mayReceiveMail } from '../../policy/account-rules.js';
import type { Viewer } from '../../policy/viewer.js';
import { getSettings } from '../settings.js';
import { readUnsubscribeToken, type UnsubscribeScope } from './unsubscribe-token.js';

export interface MailChoices {
  modes: Record<MailKind, MailMode>;
  digestHour: number;
}

/** What asks the person to act, or names them, comes at once; the rest in the daily digest. */
export const DEFAULT_MAIL_CHOICES: MailChoices = {
  modes: { invitation: 'immediate', join_request: 'digest', task_assigned: 'immediate', task_changed: 'digest', mention: 'immediate', comment: 'digest', direct_message: 'immediate' },
  digestHour: 8,
};

const COLUMN: Record<MailKind, keyof MailPreference & string> = {
  invitation: 'invitation',
  join_request: 'joinRequest',
  task_assigned: 'taskAssigned',
  task_changed: 'taskChanged',
  mention: 'mention',
  comment: 'comment',
  direct_message: 'directMessage',
};

/** The mail kind of an in-app notification; appreciations are not mailed. */
export function mailKindOf(kind: NotificationKind): MailKind | null {
  switch (kind) {
    case 'invitation':
      return 'invitation';
    case 'join_request':
      return 'join_request';
    case 'task.assigned':
      return 'task_assigned';
    case 'task.status':
      return 'task_changed';
    case 'mention':
      return 'mention';
    case 'comment':
      return 'comment';
    default:
      return null;
  }
}

function choicesOf(row: MailPreference | undefined): MailChoices {
  if (!row) return DEFAULT_MAIL_CHOICES;
  const modes = { ...DEFAULT_MAIL_CHOICES.modes };
  for (const kind of MAIL_KINDS) modes[kind] = row[COLUMN[kind]] as MailMode;
  return { modes, digestHour: row.digestHour };
}

/** Several people's choices in one query. */
export async function mailChoicesOf(db: Knex | Knex.Transaction, userIds: number[]): Promise<Map<number, MailChoices>> {
  const rows = userIds.length ? await MailPreference.query(db).whereIn('userId', userIds) : [];
  const byUser = new Map(rows.map((r) => [r.userId, r]));
  return new Map(userIds.map((id) => [id, choicesOf(byUser.get(id))]));
}

/** The viewer's own choices (the profile page). */
export async function findMyMailChoices(viewer: Viewer): Promise<MailChoices> {
  if (!viewer.signedIn) throw new ForbiddenError();
  return choicesOf(await MailPreference.query().findById(viewer.id));
}

/** The next instant the clock in a zone shows `hour`:00, after `now`. */
export function nextDigestAt(now: Date, hour: number, timeZone: string): Date {
  const time = `${String(hour).padStart(2, '0')}:00`;
  const today = toLocalParts(now, timeZone).date;
  const candidate = fromLocalParts(today, time, timeZone);
  return candidate > now ? candidate : fromLocalParts(addDays(today, 1), time, timeZone);
}

const modeField = z.enum(MAIL_MODES);
const hourField = z.coerce.number().int().min(0).max(23);

async function writeChoices(trx: Knex.Transaction, userId: number, timeZone: string, choices: MailChoices): Promise<void> {
  const columns: Record<string, MailMode | number | Date> = { digestHour: choices.digestHour, updatedAt: new Date() };
  for (const kind of MAIL_KINDS) columns[COLUMN[kind]] = choices.modes[kind];
  await MailPreference.query(trx).insert({ userId, ...columns }).onConflict('userId').merge();
  // What waits for the digest goes at the (possibly new) hour; what is now off is not sent.
  await MailQueueItem.query(trx).where({ userId, mode: 'digest' }).patch({ dueAt: nextDigestAt(new Date(), choices.digestHour, timeZone) });
  const off = MAIL_KINDS.filter((k) => choices.modes[k] === 'off');
  if (off.length) await MailQueueItem.query(trx).where({ userId }).whereIn('kind', off).delete();
}

/** Issue 18: the viewer chooses, per kind, at once / daily digest / off, and the digest's hour. */
export async function saveMailChoices(db: Knex, viewer: Viewer, body: unknown): Promise<FormResult<MailChoices>> {
  if (!viewer.signedIn) throw new ForbiddenError();
  const input = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
  const errors: FieldError[] = [];
  const modes = { ...DEFAULT_MAIL_CHOICES.modes };
  for (const kind of MAIL_KINDS) {
    const parsed = modeField.safeParse(input[`mail-${kind}`]);
    if (parsed.success) modes[kind] = parsed.data;
    else errors.push({ field: `mail-${kind}-immediate`, message: t('mail.prefs.choose', { kind: t(`mail.kind.${kind}`) }) });
  }
  const hour = hourField.safeParse(input.digestHour);
  if (!hour.success) errors.push({ field: 'digestHour', message: t('mail.prefs.hourInvalid') });
  if (errors.length || !hour.success) return { ok: false, errors };
  const choices = { modes, digestHour: hour.data };
  await db.transaction((trx) => writeChoices(trx, viewer.id, viewer.timeZone, choices));
  return { ok: true, value: choices };
}

/** A one-click unsubscribe: one kind off, or (for a digest) every kind that went to the digest. */
export async function turnMailOff(db: Knex, user: { id: number; timeZone: string }, scope: MailKind | 'digest'): Promise<void> {
  await db.transaction(async (trx) => {
    await trx('users').where({ id: user.id }).forUpdate().first();
    const current = choicesOf(await MailPreference.query(trx).findById(user.id));
    const modes = { ...current.modes };
    for (const kind of MAIL_KINDS) if (scope === kind || (scope === 'digest' && modes[kind] === 'digest')) modes[kind] = 'off';
    await writeChoices(trx, user.id, user.timeZone, { modes, digestHour: current.digestHour });
  });
}

export interface MailCause {
  userId: number;
  kind: MailKind;
  notificationId?: number;
  chatMessageId?: number;
}

/**
 * Puts what happened in the queue, in the transaction of its cause, as each recipient chose:
 * at once, in their next digest (their hour in their time zone), or not at all. The mail itself
 * is built later, through the recipient's scopes at that moment (compose.ts).
 */
export async function queueMail(trx: Knex.Transaction, causes: MailCause[]): Promise<void> {
  if (causes.length === 0) return;
  const userIds = [...new Set(causes.map((c) => c.userId))];
  // One after the other: a transaction is one connection.
  const choices = await mailChoicesOf(trx, userIds);
  const users = (await trx('users').whereIn('id', userIds).select('id', 'timeZone')) as { id: number; timeZone: string }[];
  const zones = new Map(users.map((u) => [u.id, u.timeZone]));
  const now = new Date();
  const rows = causes.flatMap((c) => {
    const mine = choices.get(c.userId) ?? DEFAULT_MAIL_CHOICES;
    const mode = mine.modes[c.kind];
    if (mode === 'off') return [];
    const dueAt = mode === 'immediate' ? now : nextDigestAt(now, mine.digestHour, zones.get(c.userId) ?? 'UTC');
    return [{ userId: c.userId, kind: c.kind, notificationId: c.notificationId ?? null, chatMessageId: c.chatMessageId ?? null, mode, dueAt }];
  });
  if (rows.length) await MailQueueItem.query(trx).insert(rows);
}

/**
 * Whom an unsubscribe link speaks for and what it stops: its token names the person and the kind, signed
 * with the session secret. Null for an unknown, forged or stale token, or a person who gets no mail now.
 */
export async function unsubscribeHolder(db: Knex, secret: string, token: unknown): Promise<{ user: User; scope: UnsubscribeScope } | null> {
  const read = readUnsubscribeToken(secret, token);
  if (!read) return null;
  const user = await User.query(db).findById(read.userId);
  if (!user || !mayReceiveMail(user, (await getSettings()).extranetEnabled)) return null;
  return { user, scope: read.scope };
}

