/**
 * A brand-new database on the test server, built by the real migrations, for
 * the tests that need a fresh instance ("the first account becomes admin"):
 * the shared test database already has users from other test files.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import { createDb, createPool, type Db } from '../../../../src/lib/server/db/client';
import { migrateToLatest } from '../../../../src/lib/server/db/migrate';

export interface FreshDatabase {
	db: Db;
	url: string;
	drop(): Promise<void>;
}

export async function createFreshDatabase(): Promise<FreshDatabase> {
	const serverUrl = inject('databaseUrl');
	const name = `concord_auth_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
	const admin = new pg.Client({ connectionString: serverUrl });
	await admin.connect();
	try {
		await admin.query(`create database ${name}`);
	} finally {
		await admin.end();
	}
	const url = new URL(serverUrl);
	url.pathname = `/${name}`;
	const db = createDb(createPool(url.toString(), 6));
	await migrateToLatest(db);
	return {
		db,
		url: url.toString(),
		async drop() {
			await db.destroy();
			const c = new pg.Client({ connectionString: serverUrl });
			await c.connect();
			try {
				await c.query(`drop database if exists ${name} with (force)`);
			} finally {
				await c.end();
			}
		}
	};
}
