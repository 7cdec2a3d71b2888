import type { Knex } from 'knex';

export const name = '0005_feed';

/** R-F6: a 'simple' full-text vector over some text columns, kept by PostgreSQL itself. */
const searchColumn = (table: string, expression: string) =>
  `alter table ${table} add column search_vector tsvector generated always as (to_tsvector('simple', ${expression})) stored`;

export async function up(knex: Knex): Promise<void> {
  // R-F1: posts to a group, or (group_id null) to all employees; polls and appreciations are posts too.
  await knex.schema.createTable('posts', (t) => {
    t.increments('id');
    t.integer('group_id').references('groups.id').onDelete('CASCADE');
    t.integer('author_id').notNullable().references('users.id');
    t.string('kind', 16).notNullable().defaultTo('post');
    t.text('body').notNullable();
    t.integer('appreciated_id').references('users.id');
    t.timestamps(true, true);
  });
  await knex.raw(`alter table posts
    add constraint posts_kind check (kind in ('post', 'poll', 'appreciation')),
    add constraint posts_body check (length(btrim(body)) between 1 and 10000),
    add constraint posts_appreciation check ((kind = 'appreciation') = (appreciated_id is not null)),
    add constraint posts_appreciation_company_wide check (kind <> 'appreciation' or group_id is null)`);
  await knex.raw(searchColumn('posts', 'body'));
  // Access paths of postsVisibleTo and the feeds, newest first: a group's posts (group feed); all posts
  // (the main feed reads the newest and keeps what the viewer may see; company-wide posts are most of them).
  await knex.raw('create index posts_group_created on posts (group_id, created_at desc, id desc) where group_id is not null');
  await knex.raw('create index posts_created on posts (created_at desc, id desc)');
  await knex.raw('create index posts_author on posts (author_id)');
  await knex.raw('create index posts_appreciated on posts (appreciated_id) where appreciated_id is not null');
  await knex.raw('create index posts_search on posts using gin (search_vector)');

  await knex.schema.createTable('post_comments', (t) => {
    t.increments('id');
    t.integer('post_id').notNullable().references('posts.id').onDelete('CASCADE');
    t.integer('author_id').notNullable().references('users.id');
    t.text('body').notNullable();
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.index(['post_id', 'id']);
  });
  await knex.raw('alter table post_comments add constraint post_comments_body check (length(btrim(body)) between 1 and 5000)');
  await knex.raw('create index post_comments_author on post_comments (author_id)');

  await knex.schema.createTable('poll_options', (t) => {
    t.increments('id');
    t.integer('post_id').notNullable().references('posts.id').onDelete('CASCADE');
    t.smallint('position').notNullable();
    t.string('label', 200).notNullable();
    t.unique(['post_id', 'position']);
    // Target of the votes' composite key: an option is voted for only within its own poll.
    t.unique(['id', 'post_id']);
  });
  await knex.raw("alter table poll_options add constraint poll_options_label check (length(btrim(label)) > 0)");

  // R-F1: one vote per person and poll, enforced by the primary key.
  await knex.schema.createTable('poll_votes', (t) => {
    t.integer('post_id').notNullable();
    t.integer('option_id').notNullable();
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['post_id', 'user_id']);
    t.foreign(['option_id', 'post_id']).references(['id', 'post_id']).inTable('poll_options').onDelete('CASCADE');
    t.index(['option_id']);
    t.index(['user_id']);
  });

  // R-F5: in-app notifications, written in the same transaction as their cause.
  await knex.schema.createTable('notifications', (t) => {
    t.bigIncrements('id');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.integer('actor_id').references('users.id').onDelete('SET NULL');
    t.string('kind', 32).notNullable();
    t.integer('group_id').references('groups.id').onDelete('CASCADE');
    t.integer('task_id').references('tasks.id').onDelete('CASCADE');
    t.integer('post_id').references('posts.id').onDelete('CASCADE');
    t.string('detail', 32).notNullable().defaultTo('');
    t.timestamp('read_at', { useTz: true });
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
  });
  await knex.raw(`alter table notifications add constraint notifications_kind
    check (kind in ('invitation', 'join_request', 'task.assigned', 'task.status', 'mention', 'comment', 'appreciation'))`);
  // Access paths of notificationsVisibleTo: a person's list, newest first; the unread count in every page header.
  await knex.raw('create index notifications_user on notifications (user_id, id desc)');
  await knex.raw('create index notifications_unread on notifications (user_id, id desc) where read_at is null');
  // Cascades from deleted groups, tasks and posts.
  await knex.raw('create index notifications_group on notifications (group_id) where group_id is not null');
  await knex.raw('create index notifications_task on notifications (task_id) where task_id is not null');
  await knex.raw('create index notifications_post on notifications (post_id) where post_id is not null');

  // R-F1: the activity stream gains "member joined" and "file uploaded" (with the file's name).
  await knex.schema.alterTable('activity', (t) => {
    t.string('subject_label', 255);
  });
  await knex.raw("alter table activity add constraint activity_kind check (kind in ('task.created', 'task.completed', 'member.joined', 'file.uploaded'))");
  await knex.raw('create index activity_group_created on activity (group_id, created_at desc, id desc)');
  await knex.raw('create index activity_created on activity (created_at desc, id desc)');
  await knex.raw('create index activity_task on activity (task_id) where task_id is not null');

  // R-F6: one search box over groups, tasks, posts and people.
  await knex.raw(searchColumn('groups', "name || ' ' || description"));
  await knex.raw('create index groups_search on groups using gin (search_vector)');
  await knex.raw(searchColumn('tasks', "title || ' ' || description"));
  await knex.raw('create index tasks_search on tasks using gin (search_vector)');
  await knex.raw(searchColumn('users', "name || ' ' || email || ' ' || job_title"));
  await knex.raw('create index users_search on users using gin (search_vector)');
}

export async function down(knex: Knex): Promise<void> {
  for (const table of ['users', 'tasks', 'groups']) await knex.raw(`alter table ${table} drop column if exists search_vector`);
  await knex.raw('drop index if exists activity_task; drop index if exists activity_group_created; drop index if exists activity_created');
  await knex.raw('alter table activity drop constraint if exists activity_kind');
  await knex.schema.alterTable('activity', (t) => {
    t.dropColumn('subject_label');
  });
  for (const table of ['notifications', 'poll_votes', 'poll_options', 'post_comments', 'posts']) await knex.schema.dropTableIfExists(table);
}
