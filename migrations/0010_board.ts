import type { Knex } from 'knex';

export const name = '0010_board';

/**
 * Issue 20 (R-T9): a start date on tasks (inside the project's dates, not after the deadline),
 * checklist items, and the board's access path (a group's tasks by status, newest first).
 */
export async function up(knex: Knex): Promise<void> {
  await knex.raw(`alter table tasks add column start_on date,
    add constraint tasks_start_before_deadline check (start_on is null or deadline is null or start_on <= deadline)`);
  // The board reads one keyset page per status column of a group.
  await knex.raw('create index tasks_group_status on tasks (group_id, status, id desc)');

  await knex.schema.createTable('task_checklist_items', (t) => {
    t.increments('id');
    t.integer('task_id').notNullable().references('tasks.id').onDelete('CASCADE');
    t.integer('position').notNullable();
    t.string('text', 500).notNullable();
    t.boolean('done').notNullable().defaultTo(false);
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['task_id', 'position']);
  });
  await knex.raw('alter table task_checklist_items add constraint task_checklist_items_text check (length(btrim(text)) between 1 and 500)');

  // A task's own history (checklist changes, status moves), read only through the task's scope;
  // kept apart from the group activity stream, which has its own visibility rules (R-F1).
  await knex.schema.createTable('task_events', (t) => {
    t.bigIncrements('id');
    t.integer('task_id').notNullable().references('tasks.id').onDelete('CASCADE');
    t.integer('actor_id').references('users.id');
    t.string('kind', 32).notNullable();
    t.string('label', 500).notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['task_id', 'id']);
  });

  // R-T3 with R-T9: the start date, like the deadline, lies within the project's dates,
  // and the project's dates cannot move so that a start date falls outside.
  await knex.raw(`
    create or replace function tasks_deadline_in_project() returns trigger language plpgsql as $$
    declare g record;
    begin
      if new.group_id is null or (new.deadline is null and new.start_on is null) then return new; end if;
      select kind, starts_on, ends_on into g from groups where id = new.group_id;
      if g.kind = 'project' and (new.deadline < g.starts_on or new.deadline > g.ends_on) then
        raise exception 'task deadline % outside project dates', new.deadline using errcode = '23514', constraint = 'tasks_deadline_in_project';
      end if;
      if g.kind = 'project' and (new.start_on < g.starts_on or new.start_on > g.ends_on) then
        raise exception 'task start % outside project dates', new.start_on using errcode = '23514', constraint = 'tasks_deadline_in_project';
      end if;
      return new;
    end $$;
    drop trigger tasks_deadline_in_project on tasks;
    create trigger tasks_deadline_in_project before insert or update of deadline, start_on, group_id on tasks
      for each row execute function tasks_deadline_in_project();

    create or replace function groups_dates_cover_tasks() returns trigger language plpgsql as $$
    begin
      if new.kind = 'project' and exists (
        select 1 from tasks where group_id = new.id and (
          (deadline is not null and (deadline < new.starts_on or deadline > new.ends_on))
          or (start_on is not null and (start_on < new.starts_on or start_on > new.ends_on)))
      ) then
        raise exception 'project dates exclude task deadlines' using errcode = '23514', constraint = 'groups_dates_cover_tasks';
      end if;
      return new;
    end $$;
  `);
}

export async function down(knex: Knex): Promise<void> {
  // 0004's triggers again, without the start date.
  await knex.raw(`
    create or replace function tasks_deadline_in_project() returns trigger language plpgsql as $$
    declare g record;
    begin
      if new.group_id is null or new.deadline is null then return new; end if;
      select kind, starts_on, ends_on into g from groups where id = new.group_id;
      if g.kind = 'project' and (new.deadline < g.starts_on or new.deadline > g.ends_on) then
        raise exception 'task deadline % outside project dates', new.deadline using errcode = '23514', constraint = 'tasks_deadline_in_project';
      end if;
      return new;
    end $$;
    drop trigger tasks_deadline_in_project on tasks;
    create trigger tasks_deadline_in_project before insert or update of deadline, group_id on tasks
      for each row execute function tasks_deadline_in_project();
    create or replace function groups_dates_cover_tasks() returns trigger language plpgsql as $$
    begin
      if new.kind = 'project' and exists (
        select 1 from tasks where group_id = new.id and deadline is not null and (deadline < new.starts_on or deadline > new.ends_on)
      ) then
        raise exception 'project dates exclude task deadlines' using errcode = '23514', constraint = 'groups_dates_cover_tasks';
      end if;
      return new;
    end $$;
  `);
  await knex.schema.dropTableIfExists('task_events');
  await knex.schema.dropTableIfExists('task_checklist_items');
  await knex.raw('drop index if exists tasks_group_status');
  await knex.raw('alter table tasks drop constraint if exists tasks_start_before_deadline, drop column if exists start_on');
}
