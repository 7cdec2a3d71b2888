import { z } from 'zod';
import type { fields } from '../i18n/en/fields.js';
import { t, type MessageKey } from '../i18n/index.js';
import { readDateInput } from './date-input.js';

export interface FieldError {
  field: string;
  message: string;
}

export type FormResult<T> = { ok: true; value: T } | { ok: false; errors: FieldError[] };

/** Checks a parsed form body against a schema; errors come back as one list of {field, message}. */
export function parseForm<S extends z.ZodType>(schema: S, body: unknown): FormResult<z.infer<S>> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return { ok: true, value: result.data };
  const seen = new Set<string>();
  const errors: FieldError[] = [];
  for (const issue of result.error.issues) {
    const field = String(issue.path[0] ?? 'form');
    if (seen.has(field)) continue;
    seen.add(field);
    errors.push({ field, message: issue.message });
  }
  return { ok: false, errors };
}

/**
 * The fields of an object schema that are valid each on its own. Checks that need parsed values
 * (people named by e-mail, a project's dates, an event's order) run on these even when another
 * field failed, so a form reports every error in one round (issue 17, item 6).
 */
export function validFields<Shape extends Record<string, z.ZodType>>(shape: Shape, body: unknown): { [K in keyof Shape]?: z.output<Shape[K]> } {
  const raw = body && typeof body === 'object' ? (body as Record<string, unknown>) : {};
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(shape)) {
    const result = field.safeParse(raw[key]);
    if (result.success) out[key] = result.data;
  }
  return out as { [K in keyof Shape]?: z.output<Shape[K]> };
}

/** Errors of several checks as one list: the first per field, in the form's field order (the rest after). */
export function mergeErrors(order: readonly string[], ...lists: (readonly FieldError[] | FieldError | null | undefined)[]): FieldError[] {
  const seen = new Set<string>();
  const all: FieldError[] = [];
  for (const e of lists.flatMap((l) => (l ? (Array.isArray(l) ? l : [l as FieldError]) : []))) {
    if (seen.has(e.field)) continue;
    seen.add(e.field);
    all.push(e);
  }
  const rank = (f: string) => (order.includes(f) ? order.indexOf(f) : order.length);
  return all.map((e, i) => ({ e, i })).sort((a, b) => rank(a.e.field) - rank(b.e.field) || a.i - b.i).map(({ e }) => e);
}

/** Form values as strings, for re-rendering a form with what the person typed. */
export function formValues(body: unknown): Record<string, string> {
  const values: Record<string, string> = {};
  if (body && typeof body === 'object') {
    for (const [k, v] of Object.entries(body)) {
      if (typeof v === 'string') values[k] = v;
      else if (Array.isArray(v) && typeof v[0] === 'string') values[k] = v[0];
    }
  }
  return values;
}

/** What a field's own messages are checked for: `field.<label key>.<check>` in the catalogue (i18n/en/fields.ts). */
export type FieldCheck = 'required' | 'invalid' | 'choose';

/** The label keys that have a message for `check`; a field without one does not compile. */
export type FieldLabel<C extends FieldCheck> = { [K in FieldKey]: K extends `field.${infer L}.${C}` ? Extract<L, MessageKey> : never }[FieldKey];
type FieldKey = keyof typeof fields;

/** A field's own whole message for a failed check, in the request's language. */
export function fieldMessage<C extends FieldCheck>(check: C, labelKey: FieldLabel<C>): string {
  return t(`field.${labelKey}.${check}` as MessageKey);
}

/**
 * The same as zod's error option. zod calls it when the check fails, so the text is built while
 * the request runs, in its language; schemas stay module constants.
 */
export function fieldError<C extends FieldCheck>(check: C, labelKey: FieldLabel<C>): { error: () => string } {
  return { error: () => fieldMessage(check, labelKey) };
}

const tooLong = (labelKey: MessageKey, max: number) => ({ error: () => t('validation.tooLong', { label: t(labelKey), max }) });

/** A required single-line text field, trimmed, with messages naming its label. */
export function requiredText(labelKey: FieldLabel<'required'> & FieldLabel<'invalid'>, max: number) {
  return z
    .string(fieldError('required', labelKey))
    .trim()
    .min(1, fieldError('required', labelKey))
    .max(max, tooLong(labelKey, max))
    .refine((s) => !s.includes('\u0000'), fieldError('invalid', labelKey));
}

export function optionalText(labelKey: FieldLabel<'invalid'>, max: number) {
  return z
    .string(fieldError('invalid', labelKey))
    .trim()
    .max(max, tooLong(labelKey, max))
    .refine((s) => !s.includes('\u0000'), fieldError('invalid', labelKey))
    .optional()
    .default('');
}

export function email(labelKey: FieldLabel<'required'> & FieldLabel<'invalid'>) {
  return requiredText(labelKey, 254)
    .transform((s) => s.toLowerCase())
    .pipe(z.email(fieldError('invalid', labelKey)));
}

/** A checkbox: present ("on", "true", "1") means true; absent means false. */
export const checkbox = z
  .unknown()
  .optional()
  .transform((v) => v === 'on' || v === 'true' || v === '1');

export function password(labelKey: FieldLabel<'required'>, min = 10) {
  return z
    .string(fieldError('required', labelKey))
    .min(min, { error: () => t('validation.tooShort', { label: t(labelKey), min }) })
    .max(200, tooLong(labelKey, 200));
}

/** Typed dates become 'YYYY-MM-DD' when unambiguous (readDateInput); anything else is left for the field's check to refuse. */
export const normaliseDate = (s: string): string => (s === '' ? s : (readDateInput(s) ?? s));
