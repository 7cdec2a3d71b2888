import type { Knex } from 'knex';

export const name = '0012_social';

/** Issue 18 items 3–5: mentions, editing and likes on posts, comments and chat messages. */
export async function up(knex: Knex): Promise<void> {
  for (const table of ['posts', 'post_comments', 'chat_messages']) {
    await knex.schema.alterTable(table, (t) => {
      // When the author last changed the text (null: never); the feed shows "edited".
      t.timestamp('edited_at', { useTz: true });
      // The people the text names, as resolved when it was written: [{ "id": 12, "name": "Anna Berg" }].
      t.jsonb('mentions').notNullable().defaultTo('[]');
    });
  }
  // Likes: one per person and post or comment (primary key); "who liked" reads them per post.
  await knex.schema.createTable('post_likes', (t) => {
    t.integer('post_id').notNullable().references('posts.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['post_id', 'user_id']);
    t.index(['user_id']);
  });
  await knex.schema.createTable('comment_likes', (t) => {
    t.integer('comment_id').notNullable().references('post_comments.id').onDelete('CASCADE');
    t.integer('user_id').notNullable().references('users.id').onDelete('CASCADE');
    t.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    t.primary(['comment_id', 'user_id']);
    t.index(['user_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTableIfExists('comment_likes');
  await knex.schema.dropTableIfExists('post_likes');
  for (const table of ['posts', 'post_comments', 'chat_messages']) {
    await knex.schema.alterTable(table, (t) => {
      t.dropColumn('edited_at');
      t.dropColumn('mentions');
    });
  }
}
