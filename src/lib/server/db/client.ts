import { Kysely, PostgresDialect } from 'kysely';
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

export function createDb(pool: pg.Pool): Db {
	return new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
}
