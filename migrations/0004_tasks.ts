import type { Knex } from 'knex';

export const name = '0004_tasks';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('tasks', (t) => {
    t.increments('id');
    t.string('title', 255).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.string('status', 16).notNullable().defaultTo('pending');
    t.date('deadline');
    t.integer('creator_id').notNullable().references('users.id');
    t.integer('responsible_id').notNullable().references('users.id');
    t.integer('group_id').references('groups.id').onDelete('CASCADE');
    t.timestamp('completed_at', { useTz: true });
    t.timestamps(true, true);
  });
  await knex.raw(`alter table tasks
    add constraint tasks_status check (status in ('pending', 'in_progress', 'completed', 'deferred')),
    add constraint tasks_title_not_blank check (length(btrim(title)) > 0),
    add constraint tasks_completed_at check ((status = 'completed') = (completed_at is not null))`);
  // Access paths of tasksVisibleTo and My tasks: by group, by responsible, by creator; newest first.
  await knex.raw('create index tasks_group on tasks (group_id, id desc)');
  await knex.raw('create index tasks_responsible on tasks (responsible_id, id desc)');
  await knex.raw('create index tasks_creator on tasks (creator_id, id desc)');

  await knex.schema.createTable('task_members', (t) => {
    t.integer('task_id').notNullable().references('tasks.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id');
    t.string('role', 16).notNullable();
    t.primary(['task_id', 'user_id']);
  });
  await knex.raw("alter table task_members add constraint task_members_role check (role in ('participant', 'observer'))");
  await knex.raw('create index task_members_user on task_members (user_id, task_id desc)');

  await knex.schema.createTable('task_comments', (t) => {
    t.increments('id');
    t.integer('task_id').notNullable().references('tasks.id').onDelete('CASCADE');
    t.integer('author_id').notNullable().references('users.id');
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['task_id', 'id']);
  });
  await knex.raw('alter table task_comments add constraint task_comments_body check (length(btrim(body)) between 1 and 5000)');

  // Activity stream of a group (R-F1): written in the same transaction as its cause.
  await knex.schema.createTable('activity', (t) => {
    t.bigIncrements('id');
    t.integer('group_id').references('groups.id').onDelete('CASCADE');
    t.integer('actor_id').references('users.id');
    t.string('kind', 32).notNullable();
    t.integer('task_id').references('tasks.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['group_id', 'id']);
  });

  // R-T3 in the database too: a project task's deadline lies within the project's dates,
  // and a project's dates cannot move so that existing deadlines fall outside.
  await knex.raw(`
    create function tasks_deadline_in_project() returns trigger language plpgsql as $$
    declare g record;
    begin
      if new.group_id is null or new.deadline is null then return new; end if;
      select kind, starts_on, ends_on into g from groups where id = new.group_id;
      if g.kind = 'project' and (new.deadline < g.starts_on or new.deadline > g.ends_on) then
        raise exception 'task deadline % outside project dates', new.deadline using errcode = '23514', constraint = 'tasks_deadline_in_project';
      end if;
      return new;
    end $$;
    create trigger tasks_deadline_in_project before insert or update of deadline, group_id on tasks
      for each row execute function tasks_deadline_in_project();

    create function groups_dates_cover_tasks() returns trigger language plpgsql as $$
    begin
      if new.kind = 'project' and exists (
        select 1 from tasks where group_id = new.id and deadline is not null and (deadline < new.starts_on or deadline > new.ends_on)
      ) then
        raise exception 'project dates exclude task deadlines' using errcode = '23514', constraint = 'groups_dates_cover_tasks';
      end if;
      return new;
    end $$;
    create trigger groups_dates_cover_tasks before update of kind, starts_on, ends_on on groups
      for each row execute function groups_dates_cover_tasks();
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists groups_dates_cover_tasks on groups; drop function if exists groups_dates_cover_tasks()');
  for (const table of ['activity', 'task_comments', 'task_members', 'tasks']) await knex.schema.dropTableIfExists(table);
  await knex.raw('drop function if exists tasks_deadline_in_project()');
}
