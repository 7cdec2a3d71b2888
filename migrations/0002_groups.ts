import type { Knex } from 'knex';

export const name = '0002_groups';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('groups', (t) => {
    t.increments('id');
    t.string('name', 255).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.string('kind', 16).notNullable().defaultTo('workgroup');
    t.date('starts_on');
    t.date('ends_on');
    t.boolean('visible_to_all').notNullable().defaultTo(false);
    t.boolean('is_open').notNullable().defaultTo(false);
    t.boolean('is_extranet').notNullable().defaultTo(false);
    t.string('who_can_invite', 16).notNullable().defaultTo('moderators');
    t.boolean('hide_tasks').notNullable().defaultTo(false);
    t.specificType('tools', 'text[]').notNullable().defaultTo(knex.raw("array['feed','tasks','files','calendar','chat']"));
    t.string('files_write', 16).notNullable().defaultTo('members');
    t.string('calendar_write', 16).notNullable().defaultTo('members');
    t.string('image_key', 64);
    t.string('image_type', 32);
    t.integer('created_by').references('users.id').onDelete('SET NULL');
    t.timestamp('archived_at', { useTz: true });
    t.timestamps(true, true);
  });
  await knex.raw(`
    alter table groups
      add constraint groups_kind check (kind in ('workgroup', 'project')),
      add constraint groups_project_dates check (kind = 'workgroup' or (starts_on is not null and ends_on is not null)),
      add constraint groups_date_order check (ends_on is null or starts_on is null or ends_on >= starts_on),
      add constraint groups_open_implies_visible check (not is_open or visible_to_all),
      add constraint groups_who_can_invite check (who_can_invite in ('owner', 'moderators', 'members')),
      add constraint groups_files_write check (files_write in ('members', 'moderators')),
      add constraint groups_calendar_write check (calendar_write in ('members', 'moderators')),
      add constraint groups_tools check (tools <@ array['feed','tasks','files','calendar','chat']::text[]),
      add constraint groups_name_not_blank check (length(btrim(name)) > 0)
  `);
  // Access paths of groupsVisibleTo and the list tabs: visible-to-all groups by name, search by name.
  await knex.raw('create index groups_name_id on groups (lower(name), id)');
  await knex.raw('create index groups_visible_name on groups (lower(name), id) where visible_to_all');
  await knex.raw('create index groups_name_trgm on groups using gin (lower(name) gin_trgm_ops)');

  await knex.schema.createTable('memberships', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('groups.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('role', 16).notNullable().defaultTo('member');
    t.boolean('notify').notNullable().defaultTo(true);
    // R-X8: an external member's access can end on a date.
    t.timestamp('expires_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['group_id', 'user_id']);
  });
  await knex.raw("alter table memberships add constraint memberships_role check (role in ('owner', 'moderator', 'member'))");
  // R-G4: exactly one owner per group (at most one here; services keep it at least one).
  await knex.raw("create unique index memberships_one_owner on memberships (group_id) where role = 'owner'");
  await knex.raw('create index memberships_user_group on memberships (user_id, group_id)');

  await knex.schema.createTable('group_invitations', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('groups.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('invited_by').references('users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['group_id', 'user_id']);
    t.index(['user_id']);
  });

  await knex.schema.createTable('join_requests', (t) => {
    t.increments('id');
    t.integer('group_id').notNullable().references('groups.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.string('message', 500).notNullable().defaultTo('');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.unique(['group_id', 'user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['join_requests', 'group_invitations', 'memberships', 'groups']) await knex.schema.dropTableIfExists(table);
}
