import { z } from 'zod';
import { t } from '../i18n/index.js';
import { checkbox, fieldError, normaliseDate, optionalText, requiredText } from '../lib/forms.js';
import { TOOLS } from '../models/group.js';

const isoDate = /^\d{4}-\d{2}-\d{2}$/;
const validDate = (s: string) => isoDate.test(s) && !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s);
const optionalDate = (labelKey: 'groups.form.startsOn' | 'groups.form.endsOn') =>
  z
    .string(fieldError('invalid', labelKey))
    .trim()
    .optional()
    .default('')
    .transform(normaliseDate)
    .refine((s) => s === '' || validDate(s), { error: () => t('validation.date', { label: t(labelKey) }) });

const oneOf = <T extends string>(values: readonly [T, ...T[]], labelKey: 'groups.form.kind' | 'groups.form.whoCanInvite' | 'groups.form.filesWrite' | 'groups.form.calendarWrite') =>
  z.enum(values, fieldError('choose', labelKey));

/** R-G2, R-G3: every group parameter, each on its own. */
export const groupFields = z.object({
    name: requiredText('groups.form.name', 255),
    description: optionalText('groups.form.description', 5000),
    kind: oneOf(['workgroup', 'project'], 'groups.form.kind'),
    startsOn: optionalDate('groups.form.startsOn'),
    endsOn: optionalDate('groups.form.endsOn'),
    visibleToAll: checkbox,
    isOpen: checkbox,
    isExtranet: checkbox,
    whoCanInvite: oneOf(['owner', 'moderators', 'members'], 'groups.form.whoCanInvite'),
    hideTasks: checkbox,
    tools: z
      .union([z.string(), z.array(z.string()).max(TOOLS.length * 2)], { error: () => t('groups.form.toolsInvalid') })
      .optional()
      .transform((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]))
      .refine((list) => list.every((x) => (TOOLS as readonly string[]).includes(x)), { error: () => t('groups.form.toolsInvalid') })
      .transform((list) => TOOLS.filter((tool) => list.includes(tool))),
    filesWrite: oneOf(['members', 'moderators'], 'groups.form.filesWrite'),
    calendarWrite: oneOf(['members', 'moderators'], 'groups.form.calendarWrite'),
});

/** Every group parameter, checked once for create and edit. */
export const groupSchema = groupFields
  .superRefine((g, ctx) => {
    if (g.kind !== 'project') return;
    if (!g.startsOn) ctx.addIssue({ code: 'custom', path: ['startsOn'], message: t('groups.form.startsOnRequired') });
    if (!g.endsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: t('groups.form.endsOnRequired') });
    if (g.startsOn && g.endsOn && g.endsOn < g.startsOn) ctx.addIssue({ code: 'custom', path: ['endsOn'], message: t('groups.form.endBeforeStart') });
  })
  .transform((g) => ({
    ...g,
    // R-G3: open implies visible to all.
    visibleToAll: g.visibleToAll || g.isOpen,
    startsOn: g.kind === 'project' ? g.startsOn : null,
    endsOn: g.kind === 'project' ? g.endsOn : null,
  }));

export type GroupInput = z.infer<typeof groupSchema>;

/** A list of e-mail addresses, one per line or separated by commas or spaces (control characters are separators too). */
export function parseAddressList(raw: unknown): string[] {
  if (typeof raw !== 'string') return [];
  return [...new Set(raw.split(/[\s,;\u0000-\u001f\u007f]+/).map((s) => s.trim().toLowerCase()).filter(Boolean))].slice(0, 200);
}
