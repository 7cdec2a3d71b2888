import type { Knex } from 'knex';
import { raw, type QueryBuilder } from 'objection';
import type { User } from '../models/user.js';
import { activeMembership, usersVisibleTo } from './scopes.js';
import type { Viewer } from './viewer.js';

/**
 * Who can read the item a text belongs to (issue 18 item 3): the active members of its group
 * (a group's post, comment or chat), every employee (a company-wide post), or the two people of a
 * direct conversation.
 */
export type MentionReaders = { groupId: number } | { company: true } | { userIds: number[] };

/** `users.id` can read the item, as an SQL boolean. */
function mayRead(readers: MentionReaders) {
  if ('groupId' in readers) {
    return raw(`exists (select 1 from memberships mr where mr.user_id = users.id and mr.group_id = ? and ${activeMembership('mr')})`, [readers.groupId]);
  }
  if ('company' in readers) return raw('not users.is_extranet');
  return raw('users.id = any(?::int[])', [readers.userIds]);
}

export interface MentionablePerson {
  id: number;
  name: string;
  email: string;
  mayRead: boolean;
}

/**
 * R-X1, R-X4: the people a writer may name, from usersVisibleTo (never anyone it may not see),
 * active, each with whether it can read the item; matched exactly by e-mail or by name.
 */
export async function findMentions(trx: Knex.Transaction, viewer: Viewer, readers: MentionReaders, emails: string[], names: string[]): Promise<MentionablePerson[]> {
  if (!emails.length && !names.length) return [];
  const rows = (await usersVisibleTo(viewer)
    .transacting(trx)
    .whereNull('users.deactivatedAt')
    .where((b) => b.whereRaw('lower(users.email) = any(?::text[])', [emails]).orWhereRaw('lower(users.name) = any(?::text[])', [names]))
    .select('users.id', 'users.name', 'users.email', mayRead(readers).as('mayRead'))
    .limit(500)) as unknown as MentionablePerson[];
  return rows.map((r) => ({ id: r.id, name: r.name, email: r.email, mayRead: r.mayRead === true }));
}

const likePattern = (s: string) => s.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`);

/** Suggestions while typing "@…": people the writer may see who can read the item, by the start of a name, a word of it, or an address. */
export function mentionSuggestions(viewer: Viewer, readers: MentionReaders, prefix: string, limit: number): QueryBuilder<User> {
  const p = likePattern(prefix);
  return usersVisibleTo(viewer)
    .whereNull('users.deactivatedAt')
    .whereRaw('?', [mayRead(readers)])
    .where((b) => b.whereRaw("lower(users.name) like ? escape '\\'", [`${p}%`]).orWhereRaw("lower(users.name) like ? escape '\\'", [`% ${p}%`]).orWhereRaw("lower(users.email) like ? escape '\\'", [`${p}%`]))
    .select('users.id', 'users.name', 'users.email', 'users.isExtranet')
    .orderBy('users.name')
    .orderBy('users.id')
    .limit(limit);
}
