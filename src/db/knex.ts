import knexFactory, { type Knex } from 'knex';
import { knexSnakeCaseMappers } from 'objection';
import pg from 'pg';
import { PreparingPgClient } from './prepared-statements.js';

// bigint counts and ids arrive as strings by default; ours stay far below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));
// `date` columns are calendar dates, not instants: keep them as 'YYYY-MM-DD'.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

/**
 * How long the database may take before we give up. `statementMs` is PostgreSQL's own
 * statement_timeout (a slow query or a lock wait on a live server); `queryMs` is the driver's,
 * a little longer, for a server that stopped answering at all (it cannot cancel anything then);
 * `connectMs` bounds opening a connection, `acquireMs` waiting for a free one in the pool.
 */
export interface DbTimeouts {
  statementMs: number;
  /** A transaction left open without a statement (a request that stopped half-way) loses its locks after this. */
  idleInTransactionMs: number;
  queryMs: number;
  connectMs: number;
  acquireMs: number;
}

/** Web requests: every page runs in milliseconds, so a few seconds means the database is in trouble. */
export const REQUEST_TIMEOUTS: DbTimeouts = { statementMs: 5_000, idleInTransactionMs: 15_000, queryMs: 6_000, connectMs: 3_000, acquireMs: 10_000 };

/** The CLI, migrations and maintenance: bulk work (seeding millions of rows, big migrations) may take long. */
export const LONG_TIMEOUTS: DbTimeouts = { statementMs: 60 * 60_000, idleInTransactionMs: 60 * 60_000, queryMs: 61 * 60_000, connectMs: 10_000, acquireMs: 60_000 };

/**
 * PostgreSQL compiles a query to machine code when its estimated cost passes jit_above_cost. Ours are
 * short indexed lookups whose estimates count branches that never run (a scope's "everyone visible"
 * arm): JIT then cost 40 ms of PostgreSQL CPU on a group chat page whose query runs in under 1 ms.
 */
const NO_JIT = '-c jit=off';

/**
 * Request pools plan each prepared statement once (a generic plan), never per call. Left to decide, PostgreSQL
 * kept planning the feed's union anew on every page at scale 0.1 (20 ms of planning for a 5 ms query): it judges
 * a custom plan by the query's cost alone and counts planning as nearly free. Our statements are built for one
 * shape each, with the code's constants in the text (`code-constant.ts`, LIMITs); a statement whose best plan
 * depends on what a person typed is written in one shape per road (search: finders/search-paths.ts).
 */
const GENERIC_PLANS = '-c plan_cache_mode=force_generic_plan';

/**
 * A request's statement never starts parallel workers: it runs in milliseconds, and starting them cost more than
 * it saved (an external user's search gathered its posts from two processes: 8 ms instead of 2), and takes the
 * cores the other requests are using.
 */
const SERIAL = '-c max_parallel_workers_per_gather=0';

/**
 * A pool for `url`. Request pools (the default timeouts) run data statements as named prepared
 * statements (`prepared-statements.ts`); bulk pools (CLI, migrations, maintenance) send plain text.
 */
export function createKnex(url: string, poolMax = 10, timeouts: DbTimeouts = REQUEST_TIMEOUTS, prepare = timeouts === REQUEST_TIMEOUTS): Knex {
  return knexFactory({
    client: prepare ? PreparingPgClient : 'pg',
    // pg reads the URL itself; knex's client.database() is then unknown (ask `current_database()`).
    connection: { connectionString: url, options: prepare ? `${NO_JIT} ${GENERIC_PLANS} ${SERIAL}` : NO_JIT, statement_timeout: timeouts.statementMs, idle_in_transaction_session_timeout: timeouts.idleInTransactionMs, query_timeout: timeouts.queryMs, connectionTimeoutMillis: timeouts.connectMs },
    pool: {
      min: 0,
      max: poolMax,
      // A query the driver gave up on is still running (or hung) on its connection: never hand
      // that connection out again. pg keeps `readyForQuery` false until the server answers.
      validate: (connection: { readyForQuery?: boolean }) => connection.readyForQuery === true,
    },
    acquireConnectionTimeout: timeouts.acquireMs,
    ...knexSnakeCaseMappers(),
  });
}

/**
 * Destroys a pool without keeping anyone waiting. While tarn destroys a pool it still queues a new acquire, and
 * serves it never: the acquire waits out its timeout (10 s on request pools, the whole shutdown grace), which a
 * mail run that was between two queries at SIGTERM did. From the call on, knex refuses new acquires at once;
 * queries that hold a connection finish first, as with destroy().
 */
export async function destroyPool(db: Knex): Promise<void> {
  const client = db.client as { acquireConnection: () => Promise<unknown> };
  client.acquireConnection = () => Promise.reject(new Error('the database pool is closing'));
  await db.destroy();
}
