import type { Knex } from 'knex';

export const name = '0017_group_member_counts';

/**
 * Issue 16: "N members" on /groups counted every active membership of each listed group, row by row
 * (119 index entries per group, 40 groups: 1.6 ms of a 2.3 ms page at scale 1). A group now keeps how many
 * of its memberships never end; the few that end are still counted at read time, since "active" depends on
 * the clock (policy/scopes.ts memberCountOf). Statement-level triggers keep the number, so a bulk COPY
 * (npm run seed:scale) or a cascade from a deleted user updates each group once.
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`
    alter table groups add column permanent_members integer not null default 0;
    update groups g set permanent_members = c.n
      from (select group_id, count(*)::int as n from memberships where expires_at is null group by group_id) c
     where c.group_id = g.id;
    create index memberships_ending on memberships (group_id, expires_at) where expires_at is not null;

    create function memberships_count_permanent() returns trigger language plpgsql as $$
    begin
      if tg_op = 'INSERT' then
        update groups g set permanent_members = g.permanent_members + d.n
          from (select group_id, count(*)::int as n from added where expires_at is null group by group_id) d
         where g.id = d.group_id;
      elsif tg_op = 'DELETE' then
        update groups g set permanent_members = g.permanent_members - d.n
          from (select group_id, count(*)::int as n from removed where expires_at is null group by group_id) d
         where g.id = d.group_id;
      else
        update groups g set permanent_members = g.permanent_members + d.n
          from (select group_id, sum(n)::int as n
                  from (select group_id, 1 as n from added where expires_at is null
                        union all
                        select group_id, -1 from removed where expires_at is null) moved
                 group by group_id having sum(n) <> 0) d
         where g.id = d.group_id;
      end if;
      return null;
    end $$;
    create trigger memberships_count_insert after insert on memberships
      referencing new table as added for each statement execute function memberships_count_permanent();
    create trigger memberships_count_delete after delete on memberships
      referencing old table as removed for each statement execute function memberships_count_permanent();
    create trigger memberships_count_update after update on memberships
      referencing old table as removed new table as added for each statement execute function memberships_count_permanent();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`
    drop trigger memberships_count_insert on memberships;
    drop trigger memberships_count_delete on memberships;
    drop trigger memberships_count_update on memberships;
    drop function memberships_count_permanent();
    drop index memberships_ending;
    alter table groups drop column permanent_members;
  `);
}
