import { createHash } from 'node:crypto';
import { Kysely, PostgresDialect, sql, type PostgresPool, type PostgresPoolClient } from 'kysely';
import pg from 'pg';
import { logger } from '../logger';
import type { Database } from './schema';

export type Db = Kysely<Database>;

// Return bigint counts as numbers: every count Concord shows fits in 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v) => Number(v));

export function createPool(connectionString: string, max = 10): pg.Pool {
	const pool = new pg.Pool({ connectionString, max });
	// An idle client losing its connection must not crash the process.
	pool.on('error', (error) => logger.warn('idle database client error', { error }));
	pool.on('connect', (client) => client.on('error', (error) => logger.warn('database client error', { error })));
	return pool;
}

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

export function createDb(pool: pg.Pool): Db {
	return new Kysely<Database>({ dialect: new PostgresDialect({ pool: preparingPool(pool) }) });
}
