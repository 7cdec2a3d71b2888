import type { Knex } from 'knex';
import { t } from '../i18n/index.js';
import type { FieldError } from '../lib/forms.js';
import { Membership } from '../models/group.js';
import { activeMembership, usersVisibleTo } from '../policy/scopes.js';
import type { SignedInViewer } from '../policy/viewer.js';

export function addressList(raw: unknown): string[] {
  if (typeof raw !== 'string') return [];
  // Control characters separate too: a NUL must never reach PostgreSQL, which refuses it in text.
  return [...new Set(raw.split(/[\s,;\u0000-\u001f\u007f]+/).map((s) => s.trim().toLowerCase()).filter(Boolean))].slice(0, 100);
}

export interface TaskPeople {
  responsibleId: number;
  participantIds: number[];
  observerIds: number[];
}

/**
 * Resolves the people named on a task. Only people the viewer may see can be named, which for
 * an external viewer means its contacts (R-T5); in an extranet group only its members (R-T4);
 * and an external person only on tasks of groups it belongs to, so a task never reveals a group.
 */
export async function resolveTaskPeople(
  trx: Knex.Transaction,
  viewer: SignedInViewer,
  group: { id: number; isExtranet: boolean } | null,
  fields: { responsible: string; participants: string; observers: string },
): Promise<{ ok: true; people: TaskPeople } | { ok: false; errors: FieldError[] }> {
  const wanted = { responsible: addressList(fields.responsible).slice(0, 1), participants: addressList(fields.participants), observers: addressList(fields.observers) };
  const all = [...new Set([...wanted.responsible, ...wanted.participants, ...wanted.observers])];
  const found = all.length
    ? await usersVisibleTo(viewer).transacting(trx).whereRaw('lower(users.email) = any(?)', [all]).whereNull('users.deactivatedAt').select('users.id', 'users.email', 'users.isExtranet')
    : [];
  const byEmail = new Map(found.map((u) => [u.email.toLowerCase(), u]));
  const members = group
    ? new Set((await Membership.query(trx).alias('m').where('m.groupId', group.id).whereRaw(activeMembership('m')).whereIn('m.userId', found.map((u) => u.id)).select('m.userId')).map((m) => m.userId))
    : new Set<number>();
  const errors: FieldError[] = [];
  for (const [field, list] of Object.entries(wanted)) {
    const unknown = list.filter((a) => !byEmail.has(a));
    if (unknown.length) {
      errors.push({ field, message: t('tasks.form.unknownPeople', { list: unknown.join(', ') }) });
      continue;
    }
    if (!group) continue;
    const outside = list.filter((a) => !members.has(byEmail.get(a)?.id ?? 0));
    if (group.isExtranet && outside.length) errors.push({ field, message: t('tasks.form.notGroupMembers', { list: outside.join(', ') }) });
    else {
      const externals = outside.filter((a) => byEmail.get(a)?.isExtranet);
      if (externals.length) errors.push({ field, message: t('tasks.form.externalNotMember', { list: externals.join(', ') }) });
    }
  }
  if (errors.length) return { ok: false, errors };
  const idOf = (a: string) => byEmail.get(a)?.id ?? 0;
  const responsibleId = wanted.responsible[0] ? idOf(wanted.responsible[0]) : viewer.id;
  if (group && group.isExtranet && !wanted.responsible[0]) {
    // The creator responsible by default must also be a member (R-T4); admins in admin mode may not be.
    const self = await Membership.query(trx).alias('m').where({ 'm.groupId': group.id, 'm.userId': viewer.id }).whereRaw(activeMembership('m')).first();
    if (!self) return { ok: false, errors: [{ field: 'responsible', message: t('tasks.form.notGroupMembers', { list: viewer.email }) }] };
  }
  const observerIds = wanted.observers.map(idOf).filter((id) => id !== responsibleId);
  const participantIds = wanted.participants.map(idOf).filter((id) => id !== responsibleId && !observerIds.includes(id));
  return { ok: true, people: { responsibleId, participantIds, observerIds } };
}
