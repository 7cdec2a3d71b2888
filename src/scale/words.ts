import type { Random } from './random.js';

/** Vocabulary for names and text; small and plain, so searches find things. */
export const FIRST_NAMES = ['Anna', 'Ben', 'Clara', 'David', 'Emma', 'Felix', 'Greta', 'Hugo', 'Ida', 'Jonas', 'Karla', 'Leo', 'Mia', 'Noah', 'Olga', 'Paul', 'Rosa', 'Sven', 'Tara', 'Uwe', 'Vera', 'Willi', 'Xenia', 'Yusuf', 'Zoe'];
export const LAST_NAMES = ['Adler', 'Bauer', 'Costa', 'Dietrich', 'Engel', 'Fischer', 'Garcia', 'Hoffmann', 'Ivanova', 'Jansen', 'Keller', 'Lange', 'Meyer', 'Nowak', 'Olsen', 'Peters', 'Quinn', 'Richter', 'Schmidt', 'Tanaka', 'Ulrich', 'Vogel', 'Weber', 'Yilmaz', 'Zimmer'];
export const JOB_TITLES = ['Engineer', 'Designer', 'Accountant', 'Sales manager', 'Project lead', 'Analyst', 'Consultant', 'Support agent', 'Recruiter', 'Product owner'];
const NOUNS = ['budget', 'roadmap', 'website', 'launch', 'report', 'contract', 'campaign', 'release', 'audit', 'workshop', 'invoice', 'server', 'design', 'survey', 'training', 'offsite', 'proposal', 'backlog', 'migration', 'review'];
const VERBS = ['prepare', 'review', 'update', 'plan', 'check', 'finish', 'discuss', 'approve', 'draft', 'schedule'];
const FILLER = ['the', 'for', 'next', 'week', 'team', 'please', 'with', 'our', 'client', 'new', 'quarter', 'notes', 'meeting', 'today', 'all', 'and', 'from', 'status', 'open', 'done'];
const ADJECTIVES = ['North', 'Blue', 'Rapid', 'Quiet', 'Bright', 'Central', 'Green', 'Open', 'Prime', 'Silver'];
const EXTENSIONS: readonly (readonly [string, string])[] = [
  ['pdf', 'application/pdf'],
  ['docx', 'application/vnd.openxmlformats-officedocument.wordprocessingml.document'],
  ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'],
  ['png', 'image/png'],
  ['txt', 'text/plain'],
];

export function personName(random: Random): string {
  return `${random.pick(FIRST_NAMES)} ${random.pick(LAST_NAMES)}`;
}

export function groupName(random: Random, n: number): string {
  return `${random.pick(ADJECTIVES)} ${random.pick(NOUNS)} ${n}`;
}

export function taskTitle(random: Random, n: number): string {
  const verb = random.pick(VERBS);
  return `${verb[0]?.toUpperCase()}${verb.slice(1)} ${random.pick(NOUNS)} ${n}`;
}

/** A sentence of `min`–`max` words. */
export function sentence(random: Random, min: number, max: number): string {
  const n = random.int(min, max);
  const words: string[] = [];
  for (let i = 0; i < n; i++) words.push(random.chance(0.3) ? random.pick(NOUNS) : random.chance(0.2) ? random.pick(VERBS) : random.pick(FILLER));
  const text = words.join(' ');
  return `${text[0]?.toUpperCase()}${text.slice(1)}.`;
}

export function fileName(random: Random, n: number): { name: string; mime: string } {
  const [ext, mime] = random.pick(EXTENSIONS);
  return { name: `${random.pick(NOUNS)}-${n}.${ext}`, mime };
}
