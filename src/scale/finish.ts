import type pg from 'pg';

/** Tables the benchmark company fills; everything but the migrations' own and the settings rows (company and sign-in). */
export async function truncateAll(client: pg.ClientBase): Promise<void> {
  const tables = await client.query<{ name: string }>(
    "select tablename as name from pg_tables where schemaname = 'public' and tablename not in ('knex_migrations', 'knex_migrations_lock', 'settings', 'sign_in_settings')",
  );
  if (tables.rows.length === 0) return;
  await client.query(`truncate ${tables.rows.map((t) => `"${t.name}"`).join(', ')} restart identity cascade`);
}

/** Sequences past the explicit ids, conversations' last message, everyone's read marks, fresh statistics. */
export async function finish(client: pg.ClientBase): Promise<void> {
  const serials = await client.query<{ table: string; column: string }>(
    `select table_name as table, column_name as column from information_schema.columns
      where table_schema = 'public' and column_default like 'nextval(%'`,
  );
  for (const s of serials.rows) {
    await client.query(`select setval(pg_get_serial_sequence('"${s.table}"', '${s.column}'), coalesce((select max("${s.column}") from "${s.table}"), 0) + 1, false)`);
  }
  await client.query(`update conversations c set last_message_id = m.last
    from (select conversation_id, max(id) as last from chat_messages group by conversation_id) m where m.conversation_id = c.id`);
  // Most people have read their chats; every tenth membership is a few messages behind.
  await client.query(`insert into chat_reads (conversation_id, user_id, last_read_id)
    select c.id, m.user_id, case when m.id % 10 = 0 then greatest(coalesce(c.last_message_id, 0) - 3, 0) else coalesce(c.last_message_id, 0) end
      from memberships m join conversations c on c.group_id = m.group_id
    union all
    select c.id, u.id, coalesce(c.last_message_id, 0)
      from conversations c cross join lateral (values (c.user_low_id), (c.user_high_id)) as u(id) where c.kind = 'direct'`);
}
