/**
 * A Kysely instance bound to ONE checked-out pg client, so the typed
 * repositories run inside the same transaction as the COPY into the staging
 * table. Kysely "releases" the client after each query; here that is a no-op —
 * the owner releases it once, after COMMIT or ROLLBACK.
 */
import { Kysely, PostgresDialect } from 'kysely';
import type pg from 'pg';
import type { Db } from '../client';
import type { Database } from '../schema';

export function dbOnClient(client: pg.PoolClient): Db {
	const borrowed = {
		query: client.query.bind(client),
		release: () => {}
	};
	const pool = { connect: async () => borrowed, end: async () => {} };
	return new Kysely<Database>({ dialect: new PostgresDialect({ pool: pool as unknown as pg.Pool }) });
}
