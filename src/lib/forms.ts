import { z } from 'zod';
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

const label = (key: MessageKey) => t(key).toLowerCase();

/** A required single-line text field, trimmed, with messages naming its label. */
export function requiredText(labelKey: MessageKey, max: number) {
  return z
    .string({ error: t('validation.required', { label: label(labelKey) }) })
    .trim()
    .min(1, { error: t('validation.required', { label: label(labelKey) }) })
    .max(max, { error: t('validation.tooLong', { label: t(labelKey), max }) })
    .refine((s) => !s.includes('\u0000'), { error: t('validation.invalid', { label: label(labelKey) }) });
}

export function optionalText(labelKey: MessageKey, max: number) {
  return z
    .string({ error: t('validation.invalid', { label: label(labelKey) }) })
    .trim()
    .max(max, { error: t('validation.tooLong', { label: t(labelKey), max }) })
    .refine((s) => !s.includes('\u0000'), { error: t('validation.invalid', { label: label(labelKey) }) })
    .optional()
    .default('');
}

export function email(labelKey: MessageKey) {
  return requiredText(labelKey, 254)
    .transform((s) => s.toLowerCase())
    .pipe(z.email({ error: t('validation.invalid', { label: label(labelKey) }) }));
}

/** A checkbox: present ("on", "true", "1") means true; absent means false. */
export const checkbox = z
  .unknown()
  .optional()
  .transform((v) => v === 'on' || v === 'true' || v === '1');

export function password(labelKey: MessageKey, min = 10) {
  return z
    .string({ error: t('validation.required', { label: label(labelKey) }) })
    .min(min, { error: t('validation.tooShort', { label: t(labelKey), min }) })
    .max(200, { error: t('validation.tooLong', { label: t(labelKey), max: 200 }) });
}

/** Typed dates become 'YYYY-MM-DD' when unambiguous (readDateInput); anything else is left for the field's check to refuse. */
export const normaliseDate = (s: string): string => (s === '' ? s : (readDateInput(s) ?? s));
