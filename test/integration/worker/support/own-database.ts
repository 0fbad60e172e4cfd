/**
 * A database of its own, on the integration test server, for tests that run a
 * worker process: other test files start workers on the shared test database,
 * and any of them could take this file's jobs. Built by the real migrations.
 */
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, createPool, type Db } from '../../../../src/lib/server/db/client';
import { migrateToLatest } from '../../../../src/lib/server/db/migrate';
import { createQueue, type Queue } from '../../../../src/lib/server/jobs/queue';

export interface OwnDatabase {
	url: string;
	db: Db;
	queue: Queue;
	close(): Promise<void>;
}

export async function createOwnDatabase(label: string): Promise<OwnDatabase> {
	const shared = new URL(inject('databaseUrl'));
	const name = `${shared.pathname.slice(1)}_${label}_${process.pid}`.slice(0, 63);
	const maintenance = new URL(shared);
	maintenance.pathname = '/postgres';
	const admin = async (sql: string) => {
		const client = new pg.Client({ connectionString: maintenance.toString() });
		await client.connect();
		try {
			await client.query(sql);
		} finally {
			await client.end();
		}
	};
	await admin(`create database "${name}"`);
	const own = new URL(shared);
	own.pathname = `/${name}`;
	const url = own.toString();
	const pool = createPool(url, 5);
	const db = createDb(pool);
	await migrateToLatest(db);
	const queue = await createQueue(pool);
	return {
		url,
		db,
		queue,
		async close() {
			await queue.release();
			await db.destroy();
			await admin(`drop database if exists "${name}" with (force)`);
		}
	};
}
