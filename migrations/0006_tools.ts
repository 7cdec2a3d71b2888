import type { Knex } from 'knex';

export const name = '0006_tools';

/** Exactly one of group_id (a group's drive) and owner_id (a person's own drive). */
const oneDrive = (table: string) => `alter table ${table} add constraint ${table}_one_drive check ((group_id is null) <> (owner_id is null))`;

export async function up(knex: Knex): Promise<void> {
  // R-F2: drives (a group's, a person's) hold folders and files; names are display names only,
  // the bytes live on disk under a generated storage key.
  await knex.schema.createTable('folders', (t) => {
    t.increments('id');
    t.integer('group_id').references('groups.id').onDelete('CASCADE');
    t.integer('owner_id').references('users.id').onDelete('CASCADE');
    t.integer('parent_id').references('folders.id').onDelete('CASCADE');
    t.string('name', 255).notNullable();
    t.integer('created_by').references('users.id').onDelete('SET NULL');
    t.timestamps(true, true);
  });
  await knex.raw(oneDrive('folders'));
  await knex.raw("alter table folders add constraint folders_name check (length(btrim(name)) > 0 and name not in ('.', '..') and strpos(name, '/') = 0)");
  await knex.raw('alter table folders add constraint folders_not_own_parent check (parent_id is null or parent_id <> id)');
  // Sibling folders have distinct names (case-insensitive), per drive and parent.
  await knex.raw('create unique index folders_sibling_name on folders (coalesce(group_id, 0), coalesce(owner_id, 0), coalesce(parent_id, 0), lower(name))');
  // Access paths: a drive's folder by parent and name; a folder's children (cascades, shared trees).
  await knex.raw('create index folders_group_parent on folders (group_id, parent_id, lower(name), id) where group_id is not null');
  await knex.raw('create index folders_owner_parent on folders (owner_id, parent_id, lower(name), id) where owner_id is not null');
  await knex.raw('create index folders_parent on folders (parent_id)');

  await knex.schema.createTable('files', (t) => {
    t.increments('id');
    t.integer('group_id').references('groups.id').onDelete('CASCADE');
    t.integer('owner_id').references('users.id').onDelete('CASCADE');
    t.integer('folder_id').references('folders.id').onDelete('CASCADE');
    t.string('name', 255).notNullable();
    t.string('storage_key', 64).notNullable().unique();
    t.string('mime_type', 255).notNullable();
    t.bigInteger('size').notNullable();
    t.integer('uploaded_by').references('users.id').onDelete('SET NULL');
    t.timestamps(true, true);
  });
  await knex.raw(oneDrive('files'));
  await knex.raw("alter table files add constraint files_name check (length(btrim(name)) > 0 and name not in ('.', '..') and strpos(name, '/') = 0)");
  await knex.raw('alter table files add constraint files_size check (size >= 0)');
  await knex.raw("alter table files add constraint files_storage_key check (storage_key ~ '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$')");
  // Access paths of filesVisibleTo and the drive listings: by drive and folder, by name.
  await knex.raw('create index files_group_folder on files (group_id, folder_id, lower(name), id) where group_id is not null');
  await knex.raw('create index files_owner_folder on files (owner_id, folder_id, lower(name), id) where owner_id is not null');
  await knex.raw('create index files_folder on files (folder_id)');

  // R-F2, R-X4: a personal file or folder shared with chosen people (a folder shares what it holds).
  await knex.schema.createTable('drive_shares', (t) => {
    t.increments('id');
    t.integer('file_id').references('files.id').onDelete('CASCADE');
    t.integer('folder_id').references('folders.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('shared_by').references('users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw('alter table drive_shares add constraint drive_shares_one_item check ((file_id is null) <> (folder_id is null))');
  await knex.raw('create unique index drive_shares_file_user on drive_shares (file_id, user_id) where file_id is not null');
  await knex.raw('create unique index drive_shares_folder_user on drive_shares (folder_id, user_id) where folder_id is not null');
  await knex.raw('create index drive_shares_user on drive_shares (user_id)');

  // R-F2: a public link; only a SHA-256 of its token is kept. Revoked links stay for the record.
  await knex.schema.createTable('file_links', (t) => {
    t.increments('id');
    t.integer('file_id').notNullable().references('files.id').onDelete('CASCADE');
    t.string('token_hash', 64).notNullable().unique();
    t.integer('created_by').references('users.id').onDelete('SET NULL');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.timestamp('revoked_at', { useTz: true });
  });
  await knex.raw('create unique index file_links_one_active on file_links (file_id) where revoked_at is null');

  // R-F3: group events, and company events (group_id null) for all employees.
  await knex.schema.createTable('events', (t) => {
    t.increments('id');
    t.integer('group_id').references('groups.id').onDelete('CASCADE');
    t.string('title', 255).notNullable();
    t.text('description').notNullable().defaultTo('');
    t.string('location', 255).notNullable().defaultTo('');
    t.timestamp('starts_at', { useTz: true }).notNullable();
    t.timestamp('ends_at', { useTz: true }).notNullable();
    t.integer('created_by').references('users.id').onDelete('SET NULL');
    t.timestamps(true, true);
  });
  await knex.raw(`alter table events
    add constraint events_end_after_start check (ends_at >= starts_at),
    add constraint events_title check (length(btrim(title)) > 0)`);
  // Access paths of eventsVisibleTo and the month/list views: a group's events by end, company events by end.
  await knex.raw('create index events_group_ends on events (group_id, ends_at, starts_at) where group_id is not null');
  await knex.raw('create index events_company_ends on events (ends_at, starts_at) where group_id is null');

  // R-F4: one chat per group, and direct conversations between two people.
  await knex.schema.createTable('conversations', (t) => {
    t.increments('id');
    t.string('kind', 16).notNullable();
    t.integer('group_id').unique().references('groups.id').onDelete('CASCADE');
    t.integer('user_low_id').references('users.id').onDelete('CASCADE');
    t.integer('user_high_id').references('users.id').onDelete('CASCADE');
    t.bigInteger('last_message_id');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table conversations add constraint conversations_shape check (
    (kind = 'group' and group_id is not null and user_low_id is null and user_high_id is null)
    or (kind = 'direct' and group_id is null and user_low_id is not null and user_high_id is not null and user_low_id < user_high_id))`);
  await knex.raw("create unique index conversations_direct_pair on conversations (user_low_id, user_high_id) where kind = 'direct'");
  // Access paths of conversationsVisibleTo and the chat list: a person's direct conversations by activity.
  await knex.raw("create index conversations_high on conversations (user_high_id) where kind = 'direct'");
  await knex.raw('create index conversations_activity on conversations ((coalesce(last_message_id, 0)) desc, id desc)');

  await knex.schema.createTable('chat_messages', (t) => {
    t.bigIncrements('id');
    t.integer('conversation_id').notNullable().references('conversations.id').onDelete('CASCADE');
    t.integer('author_id').notNullable().references('users.id');
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['conversation_id', 'id']);
  });
  await knex.raw('alter table chat_messages add constraint chat_messages_body check (length(btrim(body)) between 1 and 4000)');

  // Unread counts: the last message each person has seen in each conversation.
  await knex.schema.createTable('chat_reads', (t) => {
    t.integer('conversation_id').notNullable().references('conversations.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.bigInteger('last_read_id').notNullable().defaultTo(0);
    t.primary(['conversation_id', 'user_id']);
    t.index(['user_id']);
  });

  // One chat per group (R-F4), whoever creates the group: made with it, and now for existing groups.
  await knex.raw(`
    create function groups_make_chat() returns trigger language plpgsql as $$
    begin
      insert into conversations (kind, group_id) values ('group', new.id);
      return new;
    end $$;
    create trigger groups_make_chat after insert on groups for each row execute function groups_make_chat();
    insert into conversations (kind, group_id) select 'group', id from groups;
  `);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw('drop trigger if exists groups_make_chat on groups; drop function if exists groups_make_chat()');
  for (const table of ['chat_reads', 'chat_messages', 'conversations', 'events', 'file_links', 'drive_shares', 'files', 'folders']) await knex.schema.dropTableIfExists(table);
}
