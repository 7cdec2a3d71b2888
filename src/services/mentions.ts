import type { Knex } from 'knex';
import { t } from '../i18n/index.js';
import type { FormResult } from '../lib/forms.js';
import { findMentions, type MentionReaders } from '../policy/mention-scopes.js';
import type { Mention } from '../models/post.js';
import type { SignedInViewer } from '../policy/viewer.js';

/** At most this many people are named by one text (R-F5). */
export const MENTION_MAX = 50;
/** A name is matched over at most this many words after the "@". */
const NAME_WORDS = 4;
const EMAIL = /^[^\s@<>()[\]"',;:]+@[^\s@<>()[\]"',;:]+\.[^\s@<>()[\]"',;:]*[^\s@<>()[\]"',;:.!?]/;
const TRAILING = /[.,;:!?)\]}'"]+$/;

/** One "@" in a text and what may follow it: an e-mail address, or the first few words of a name. */
interface At {
  index: number;
  email: string | null;
  names: string[];
}

/** Every "@" that starts a word (not the one inside an e-mail address), with its candidates. */
export function mentionCandidates(text: string): At[] {
  const found: At[] = [];
  for (let i = text.indexOf('@'); i !== -1; i = text.indexOf('@', i + 1)) {
    if (i > 0 && /[\p{L}\p{N}_.@+-]/u.test(text[i - 1] ?? '')) continue;
    const rest = text.slice(i + 1, i + 1 + 300);
    const email = EMAIL.exec(rest)?.[0] ?? null;
    const words = rest.split('\n', 1)[0]!.split(' ').slice(0, NAME_WORDS);
    const names: string[] = [];
    for (let k = words.length; k >= 1; k--) {
      const name = words.slice(0, k).join(' ').replace(TRAILING, '');
      if (name && !/\s$/.test(name) && !names.includes(name)) names.push(name);
    }
    found.push({ index: i, email, names });
  }
  return found;
}

/**
 * Issue 18 (R-F5, R-X1): the people a text names, as "@Full Name" or "@e-mail", among the people
 * the writer may see. A name nobody has stays plain text; an address nobody has, a name two people
 * share, or a person who cannot read the item is refused on `field`. Each mention is rewritten as
 * "@Full Name", so the stored text shows (and links) names, never addresses.
 */
export async function resolveMentions(trx: Knex.Transaction, viewer: SignedInViewer, readers: MentionReaders, text: string, field: string): Promise<FormResult<{ text: string; mentions: Mention[] }>> {
  const ats = mentionCandidates(text);
  if (ats.length === 0) return { ok: true, value: { text, mentions: [] } };
  const emails = [...new Set(ats.flatMap((a) => (a.email ? [a.email.toLowerCase()] : [])))];
  const names = [...new Set(ats.flatMap((a) => a.names.map((n) => n.toLowerCase())))];
  const people = await findMentions(trx, viewer, readers, emails, names);
  const unknown: string[] = [];
  const ambiguous: string[] = [];
  const outside: string[] = [];
  const replaced: { index: number; length: number; person: (typeof people)[number] }[] = [];
  for (const at of ats) {
    if (at.email) {
      const person = people.find((p) => p.email.toLowerCase() === at.email!.toLowerCase());
      if (person) replaced.push({ index: at.index, length: at.email.length + 1, person });
      else unknown.push(at.email);
      if (person) continue;
    }
    for (const name of at.names) {
      const same = people.filter((p) => p.name.toLowerCase() === name.toLowerCase());
      if (same.length > 1) ambiguous.push(name);
      if (same.length === 1) replaced.push({ index: at.index, length: name.length + 1, person: same[0]! });
      if (same.length) break;
    }
  }
  for (const r of replaced) if (!r.person.mayRead) outside.push(r.person.name);
  const errors = [
    ...(unknown.length ? [{ field, message: t('mentions.unknown', { list: [...new Set(unknown)].slice(0, 10).join(', ') }) }] : []),
    ...(ambiguous.length ? [{ field, message: t('mentions.ambiguous', { list: [...new Set(ambiguous)].slice(0, 10).join(', ') }) }] : []),
    ...(outside.length ? [{ field, message: t('mentions.cannotRead', { list: [...new Set(outside)].slice(0, 10).join(', ') }) }] : []),
  ];
  const mentions = [...new Map(replaced.map((r) => [r.person.id, { id: r.person.id, name: r.person.name }])).values()];
  if (!errors.length && mentions.length > MENTION_MAX) errors.push({ field, message: t('mentions.tooMany', { max: MENTION_MAX }) });
  if (errors.length) return { ok: false, errors };
  let out = '';
  let from = 0;
  for (const r of replaced.sort((a, b) => a.index - b.index)) {
    if (r.index < from) continue;
    out += `${text.slice(from, r.index)}@${r.person.name}`;
    from = r.index + r.length;
  }
  return { ok: true, value: { text: out + text.slice(from), mentions } };
}

/** The readers of a post's (or its comments') text: its group's members, or every employee. */
export const mentionReadersOf = (groupId: number | null): MentionReaders => (groupId === null ? { company: true } : { groupId });

/** Those of `mentions` not named before (an edit tells only the newly named). */
export function newlyMentioned(mentions: Mention[], before: Mention[]): number[] {
  const old = new Set(before.map((m) => m.id));
  return mentions.map((m) => m.id).filter((id) => !old.has(id));
}
