import type { Knex } from 'knex';
import { z } from 'zod';
import { t } from '../i18n/index.js';
import { fieldError, type FieldError, type FormResult, optionalText, parseForm, requiredText } from '../lib/forms.js';
import { Membership } from '../models/group.js';
import { activeMembership, usersVisibleTo } from '../policy/scopes.js';
import type { SignedInViewer } from '../policy/viewer.js';
import { addressList } from './task-people.js';

export const POST_MAX = 10_000;
export const COMMENT_MAX = 5000;
export const POLL_OPTIONS = 6;
export const OPTION_MAX = 200;
/** At most this many people are notified by one post (R-F5). */
export const MENTION_MAX = 50;

export const OPTION_FIELDS = Array.from({ length: POLL_OPTIONS }, (_, i) => `option${i + 1}`);

const optionShape = Object.fromEntries(OPTION_FIELDS.map((f) => [f, optionalText('feed.form.option', OPTION_MAX)]));

const postSchema = z.object({
  kind: z.enum(['post', 'poll'], fieldError('choose', 'feed.form.kind')).optional().default('post'),
  body: requiredText('feed.form.body', POST_MAX),
  notify: z.string(fieldError('invalid', 'feed.form.notify')).max(10_000, { error: () => t('feed.form.notifyTooMany', { max: MENTION_MAX }) }).optional().default(''),
  ...optionShape,
});

export interface PostInput {
  kind: 'post' | 'poll';
  body: string;
  notify: string[];
  options: string[];
}

/** A post form: the message, a poll's answers (at least two, no repeats), the people to notify. */
export function parsePostForm(body: unknown): FormResult<PostInput> {
  const parsed = parseForm(postSchema, body);
  const errors: FieldError[] = parsed.ok ? [] : [...parsed.errors];
  const raw = (body ?? {}) as Record<string, unknown>;
  const kind = parsed.ok ? parsed.value.kind : raw.kind === 'poll' ? 'poll' : 'post';
  const options = parsed.ok ? OPTION_FIELDS.map((f) => String((parsed.value as Record<string, unknown>)[f] ?? '')).filter(Boolean) : [];
  if (parsed.ok && kind === 'poll') {
    if (options.length < 2) errors.push({ field: 'option1', message: t('feed.poll.tooFew') });
    else if (new Set(options.map((o) => o.toLowerCase())).size !== options.length) errors.push({ field: 'option1', message: t('feed.poll.repeated') });
  }
  const notify = parsed.ok ? addressList(parsed.value.notify) : [];
  if (parsed.ok && addressList(parsed.value.notify).length > MENTION_MAX) errors.push({ field: 'notify', message: t('feed.form.notifyTooMany', { max: MENTION_MAX }) });
  if (!parsed.ok || errors.length) return { ok: false, errors };
  return { ok: true, value: { kind, body: parsed.value.body, notify, options: kind === 'poll' ? options : [] } };
}

/**
 * R-F5, R-X1: the people a post notifies, by e-mail, among the people the author may see; each
 * must be able to read the post (a member of its group, or an employee for a company-wide post).
 */
export async function resolveMentions(trx: Knex.Transaction, viewer: SignedInViewer, groupId: number | null, addresses: string[]): Promise<FormResult<number[]>> {
  if (addresses.length === 0) return { ok: true, value: [] };
  const found = await usersVisibleTo(viewer).transacting(trx).whereRaw('lower(users.email) = any(?)', [addresses]).whereNull('users.deactivatedAt').select('users.id', 'users.email', 'users.isExtranet');
  const byEmail = new Map(found.map((u) => [u.email.toLowerCase(), u]));
  const unknown = addresses.filter((a) => !byEmail.has(a));
  if (unknown.length) return { ok: false, errors: [{ field: 'notify', message: t('feed.form.notifyUnknown', { list: unknown.slice(0, 10).join(', ') }) }] };
  let readers: Set<number>;
  if (groupId === null) readers = new Set(found.filter((u) => !u.isExtranet).map((u) => u.id));
  else {
    const rows = await Membership.query(trx).alias('m').where('m.groupId', groupId).whereRaw(activeMembership('m')).whereIn('m.userId', found.map((u) => u.id)).select('m.userId');
    readers = new Set(rows.map((r) => r.userId));
  }
  const outside = addresses.filter((a) => !readers.has(byEmail.get(a)?.id ?? 0));
  if (outside.length) return { ok: false, errors: [{ field: 'notify', message: t('feed.form.notifyCannotSee', { list: outside.slice(0, 10).join(', ') }) }] };
  return { ok: true, value: found.map((u) => u.id) };
}

const appreciationSchema = z.object({
  recipient: requiredText('feed.appreciation.recipient', 254).transform((s) => s.toLowerCase()),
  message: requiredText('feed.appreciation.message', POST_MAX),
});

export function parseAppreciationForm(body: unknown) {
  return parseForm(appreciationSchema, body);
}

/** A comment's text, or the field error for it (the field is named per post, so each form links to its own box). */
export function parseComment(raw: unknown, field: string): FormResult<string> {
  if (raw !== undefined && typeof raw !== 'string') return { ok: false, errors: [{ field, message: t('feed.comment.required') }] };
  const text = (raw ?? '').trim();
  if (!text) return { ok: false, errors: [{ field, message: t('feed.comment.required') }] };
  if ([...text].length > COMMENT_MAX) return { ok: false, errors: [{ field, message: t('feed.comment.tooLong', { max: COMMENT_MAX }) }] };
  if (text.includes('\u0000')) return { ok: false, errors: [{ field, message: t('feed.comment.invalid') }] };
  return { ok: true, value: text };
}
