import { z } from 'zod';
import { t } from '../i18n/index.js';
import { fieldError, mergeErrors, optionalText, parseForm, requiredText, validFields, type FieldError, type FormResult } from '../lib/forms.js';

export const POST_MAX = 10_000;
export const COMMENT_MAX = 5000;
export const POLL_OPTIONS = 6;
export const OPTION_MAX = 200;

export const OPTION_FIELDS = Array.from({ length: POLL_OPTIONS }, (_, i) => `option${i + 1}`);

const optionShape = Object.fromEntries(OPTION_FIELDS.map((f) => [f, optionalText('feed.form.option', OPTION_MAX)]));

const postSchema = z.object({
  kind: z.enum(['post', 'poll'], fieldError('choose', 'feed.form.kind')).optional().default('post'),
  body: requiredText('feed.form.body', POST_MAX),
  ...optionShape,
});

export interface PostInput {
  kind: 'post' | 'poll';
  body: string;
  options: string[];
}

/** A post form: the message (its @-mentions are resolved by the service), a poll's answers (at least two, no repeats). */
export function parsePostForm(body: unknown): FormResult<PostInput> {
  const parsed = parseForm(postSchema, body);
  const errors: FieldError[] = parsed.ok ? [] : [...parsed.errors];
  // The checks below run on the fields that are valid, so one round reports every error (issue 17, item 6).
  const valid: Record<string, unknown> = validFields(postSchema.shape, body);
  const kind = valid.kind === 'poll' ? 'poll' : 'post';
  const options = OPTION_FIELDS.map((f) => String(valid[f] ?? '')).filter(Boolean);
  if (kind === 'poll') {
    if (options.length < 2) errors.push({ field: 'option1', message: t('feed.poll.tooFew') });
    else if (new Set(options.map((o) => o.toLowerCase())).size !== options.length) errors.push({ field: 'option1', message: t('feed.poll.repeated') });
  }
  if (!parsed.ok || errors.length) return { ok: false, errors: mergeErrors(Object.keys(postSchema.shape), errors) };
  return { ok: true, value: { kind, body: parsed.value.body, options: kind === 'poll' ? options : [] } };
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
