// R-F3, STYLE "One write path": an event's edit and deletion lock the event, then read it through the
// viewer's scope, so a change that commits meanwhile (another deletion, the writer's own removal from the
// group) is what the request judges. Each case holds a conflicting write open in a transaction, sends the
// request, waits until PostgreSQL reports it waiting for that lock, then commits the conflicting write.
import type { Knex } from 'knex';
import type { LightMyRequestResponse } from 'fastify';
import t from 'tap';
import { CalendarEvent } from '../../src/models/event.js';
import { build, makeUser, signIn, type Client } from '../helper.js';
import { makeGroup } from '../fixtures.js';

/** Resolves once some backend of this database waits for a lock (the request has reached its write). */
async function someoneWaitsForALock(db: Knex): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const rows = (await db.raw(`select 1 from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows as unknown[];
    if (rows.length > 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('no request waited for the lock');
}

/** Sends `request` while `conflict` holds its rows in an open transaction, then commits the conflict. */
async function whileHeld(db: Knex, conflict: (trx: Knex.Transaction) => Promise<unknown>, request: () => Promise<LightMyRequestResponse>): Promise<LightMyRequestResponse> {
  const trx = await db.transaction();
  await conflict(trx);
  const pending = request();
  await someoneWaitsForALock(db);
  await trx.commit();
  return pending;
}

t.test('an event changed while another request changes it (R-F3)', async (t) => {
  const { app, db } = await build(t);
  const owner = await makeUser(db, { name: 'Olga Owner' });
  const member = await makeUser(db, { name: 'Mia Member' });
  const group = await makeGroup(db, owner, { name: 'Planners', tools: ['feed', 'tasks', 'files', 'calendar', 'chat'] }, [[member]]);
  const clients: Record<string, Client> = { owner: await signIn(app, owner), member: await signIn(app, member) };
  const form = { title: 'Launch', startDate: '2026-03-10', startTime: '09:00', endDate: '', endTime: '10:30', location: '', description: '' };
  const newEvent = () => CalendarEvent.query(db).insertAndFetch({ groupId: group.id, title: 'Launch', startsAt: new Date('2026-03-10T09:00:00Z'), endsAt: new Date('2026-03-10T10:00:00Z'), createdBy: owner.id });

  t.test('an edit of an event deleted meanwhile is a 404, not a 500', async (t) => {
    const event = await newEvent();
    const o = clients.owner!;
    await o.get(`/events/${event.id}/edit`);
    const res = await whileHeld(db, (trx) => trx('events').where({ id: event.id }).delete(), () => o.post(`/events/${event.id}/edit`, { ...form, title: 'Renamed' }));
    t.equal(res.statusCode, 404);
    t.equal(await CalendarEvent.query(db).findById(event.id), undefined);
  });

  t.test('a deletion of an event deleted meanwhile is a 404', async (t) => {
    const event = await newEvent();
    const o = clients.owner!;
    await o.get(`/events/${event.id}/delete`);
    const res = await whileHeld(db, (trx) => trx('events').where({ id: event.id }).delete(), () => o.post(`/events/${event.id}/delete`));
    t.equal(res.statusCode, 404);
  });

  t.test('a member removed from the group while the edit waits changes nothing (R-X1: 404)', async (t) => {
    const event = await newEvent();
    const m = clients.member!;
    await m.get(`/events/${event.id}/edit`);
    // The other request is an edit of the same event by the owner, with the member's removal in the same transaction.
    const res = await whileHeld(
      db,
      async (trx) => {
        await trx('events').where({ id: event.id }).update({ title: 'Owner was here' });
        await trx('memberships').where({ groupId: group.id, userId: member.id }).delete();
      },
      () => m.post(`/events/${event.id}/edit`, { ...form, title: 'Member was here' }),
    );
    t.equal(res.statusCode, 404);
    t.equal((await CalendarEvent.query(db).findById(event.id))?.title, 'Owner was here', 'the removed member\'s edit is not applied');
  });
});
