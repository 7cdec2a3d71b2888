import type pg from 'pg';
import { pickEmployee, pickGroup, type Company } from './company.js';
import { copyRows, type Cell } from './copy.js';
import { EPOCH_END, instantAt, type Counts } from './plan.js';
import type { Random } from './random.js';
import { fileName, sentence } from './words.js';

const HOUR = 3_600_000;

/** File records (group drives and personal drives; no bytes on disk), calendar events, direct conversations and chat messages. */
export async function loadTools(client: pg.ClientBase, company: Company, random: Random, counts: Counts): Promise<Record<string, number>> {
  const rows: Record<string, number> = {};
  const people = company.employees + company.extranetUsers;

  function* files(): Generator<Cell[]> {
    for (let i = 1; i <= counts.files; i++) {
      const created = instantAt((i - 1 + random.next()) / counts.files);
      const { name, mime } = fileName(random, i);
      const size = random.int(1_000, 20_000_000);
      if (random.chance(0.85)) {
        const g = pickGroup(company, random);
        yield [g.id, null, name, random.uuid(), mime, size, random.pick(g.members), created, created];
      } else {
        const owner = random.int(1, people);
        yield [null, owner, name, random.uuid(), mime, size, owner, created, created];
      }
    }
  }
  rows.files = await copyRows(client, 'files', ['group_id', 'owner_id', 'name', 'storage_key', 'mime_type', 'size', 'uploaded_by', 'created_at', 'updated_at'], files());

  function* events(): Generator<Cell[]> {
    for (let i = 1; i <= counts.events; i++) {
      // From a year before the data's end to a year after it.
      const starts = new Date(EPOCH_END - 365 * 24 * HOUR + Math.floor(((i - 1 + random.next()) / counts.events) * 730 * 24 * HOUR));
      const ends = new Date(starts.getTime() + random.int(1, 8) * HOUR);
      const company_wide = random.chance(0.1);
      const g = company_wide ? null : pickGroup(company, random);
      yield [g?.id ?? null, sentence(random, 2, 5).slice(0, -1), sentence(random, 0, 15), random.chance(0.5) ? 'Room 4' : '', starts, ends, g ? random.pick(g.members) : pickEmployee(company, random), instantAt(0.5), instantAt(0.5)];
    }
  }
  rows.events = await copyRows(client, 'events', ['group_id', 'title', 'description', 'location', 'starts_at', 'ends_at', 'created_by', 'created_at', 'updated_at'], events());

  // Direct conversations between employees (distinct pairs, low id first).
  const pairs = new Map<string, [number, number]>();
  for (let tries = 0; pairs.size < counts.directConversations && tries < counts.directConversations * 5; tries++) {
    const a = pickEmployee(company, random);
    const b = random.chance(0.2) ? 2 : pickEmployee(company, random);
    if (a === b) continue;
    const low = Math.min(a, b);
    const high = Math.max(a, b);
    pairs.set(`${low}:${high}`, [low, high]);
  }
  const direct = [...pairs.values()];
  function* conversations(): Generator<Cell[]> {
    for (const [low, high] of direct) yield ['direct', low, high, instantAt(0.2)];
  }
  rows.direct_conversations = await copyRows(client, 'conversations', ['kind', 'user_low_id', 'user_high_id', 'created_at'], conversations());

  const found = await client.query<{ id: number; groupId: number | null; low: number | null; high: number | null }>(
    'select id, group_id as "groupId", user_low_id as low, user_high_id as high from conversations order by id',
  );
  const groupChat = new Map<number, number>();
  const directChats: { id: number; low: number; high: number }[] = [];
  for (const c of found.rows) {
    if (c.groupId !== null) groupChat.set(c.groupId, c.id);
    else if (c.low !== null && c.high !== null) directChats.push({ id: c.id, low: c.low, high: c.high });
  }

  function* messages(): Generator<Cell[]> {
    for (let i = 1; i <= counts.chatMessages; i++) {
      const created = instantAt((i - 1 + random.next()) / counts.chatMessages);
      if (directChats.length === 0 || random.chance(0.8)) {
        const g = pickGroup(company, random);
        yield [i, groupChat.get(g.id), random.pick(g.members), sentence(random, 2, 20), created];
      } else {
        const c = random.pick(directChats);
        yield [i, c.id, random.chance(0.5) ? c.low : c.high, sentence(random, 2, 20), created];
      }
    }
  }
  rows.chat_messages = await copyRows(client, 'chat_messages', ['id', 'conversation_id', 'author_id', 'body', 'created_at'], messages());
  return rows;
}
