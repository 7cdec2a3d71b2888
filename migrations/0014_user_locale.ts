import type { Knex } from 'knex';

export const name = '0014_user_locale';

/** Issue 17 item 11: the language a person picked in the profile; null follows the browser (Accept-Language). */
export async function up(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.string('locale', 8).nullable();
  });
  await knex.raw("alter table users add constraint users_locale_known check (locale in ('en', 'de'))");
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.alterTable('users', (t) => {
    t.dropChecks(['users_locale_known']);
    t.dropColumn('locale');
  });
}
