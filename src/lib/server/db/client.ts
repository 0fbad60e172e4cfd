import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { logger } from '../logger';
import type { Database } from './schema';

export type Db = Kysely<Database>;

// Return bigint counts as numbers: every count Concord shows fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

/**
 * `idleTimeoutMillis`: how long an idle connection stays open (node-pg's default, 10 s, when
 * omitted). The server's pool keeps them far longer (runtime.ts): see `SERVER_POOL_IDLE_MS`.
 */
export function createPool(connectionString: string, max = 10, options: { idleTimeoutMillis?: number } = {}): pg.Pool {
	const pool = new pg.Pool({ connectionString, max, ...options });
	// An idle client losing its connection must not crash the process.
	pool.on('error', (error) => logger.warn('idle database client error', { error }));
	pool.on('connect', (client) => client.on('error', (error) => logger.warn('database client error', { error })));
	return pool;
}

/**
 * The server's pool closes a connection only after 10 idle minutes, not node-pg's 10 s. The pool
 * hands out its most recently used connection first (LIFO), so under bursty load (annotators who
 * read for seconds between calls) the connections beyond the steady few sat idle past 10 s and
 * closed, and a later burst opened new ones (a few a minute in `bench:annotate --think-ms 3000`):
 * a new backend's first statements load the catalog caches and parse and plan from scratch (the
 * prepared statements are per connection), ~50 ms for "next" on a cold backend against ~1 ms warm.
 * Twenty idle backends cost PostgreSQL a few MB each.
 */
export const SERVER_POOL_IDLE_MS = 10 * 60_000;

const MARK = '/*prepared*/';

/**
 * Put first in a statement (`sql\`${prepared}with …\``) to run it as a named prepared statement:
 * PostgreSQL plans it once per connection (after five custom plans it keeps a generic one when
 * that is no worse) instead of at every call. For the hot statements of the annotation path,
 * whose planning (a dozen CTEs and joins) cost more than their execution. Only for statements
 * whose text takes a bounded number of shapes: every distinct text is one statement per connection.
 */
export const prepared = sql.raw(`${MARK} `);

const names = new Map<string, string>();
function statementName(text: string): string {
	let name = names.get(text);
	if (name === undefined) {
		name = `concord_${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
		if (names.size >= 1000) names.clear();
		names.set(text, name);
	}
	return name;
}

/** Kysely's view of the pool: marked statements go out named (node-pg parses each once per connection). */
function preparingPool(pool: pg.Pool): PostgresPool {
	return {
		connect: async (): Promise<PostgresPoolClient> => {
			const client = await pool.connect();
			const query = (text: unknown, values?: unknown[]) =>
				typeof text === 'string' && text.startsWith(MARK)
					? client.query({ name: statementName(text), text, values })
					: client.query(text as string, values);
			return {
				query: query as unknown as PostgresPoolClient['query'],
				release: (destroy?: boolean) => client.release(destroy)
			};
		},
		end: () => pool.end()
	};
}

const poolSizes = new WeakMap<Db, number>();

export function createDb(pool: pg.Pool): Db {
	const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
	poolSizes.set(db, pool.options.max ?? 10);
	return db;
}

/** How many connections `db`'s pool may open (1 for a Db that did not come from `createDb`). */
export function poolSize(db: Db): number {
	return poolSizes.get(db) ?? 1;
}
