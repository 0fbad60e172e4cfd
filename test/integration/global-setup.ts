/**
 * Integration tests run on real PostgreSQL: the server named by
 * TEST_DATABASE_URL (a fresh database is created on it per run and dropped
 * after), else an embedded PostgreSQL in a temporary data directory. The schema
 * is built by the real migrations.
 */
import { mkdtemp, rm, chmod } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDatabase } from '../../src/lib/server/db/embedded';
import { createDb, createPool } from '../../src/lib/server/db/client';
import { migrateToLatest } from '../../src/lib/server/db/migrate';

declare module 'vitest' {
	export interface ProvidedContext {
		databaseUrl: string;
	}
}

export default async function setup(project: TestProject) {
	let embedded: EmbeddedDatabase | undefined;
	let tmp: string | undefined;
	let dropDatabase: (() => Promise<void>) | undefined;
	let url: string;

	const server = process.env.TEST_DATABASE_URL;
	if (server) {
		const name = `concord_test_${Date.now()}_${process.pid}`;
		const admin = new pg.Client({ connectionString: server });
		await admin.connect();
		await admin.query(`create database ${name}`);
		await admin.end();
		const u = new URL(server);
		u.pathname = `/${name}`;
		url = u.toString();
		dropDatabase = async () => {
			const c = new pg.Client({ connectionString: server });
			await c.connect();
			await c.query(`drop database if exists ${name} with (force)`);
			await c.end();
		};
	} else {
		tmp = await mkdtemp(path.join(os.tmpdir(), 'concord-it-'));
		await chmod(tmp, 0o755);
		embedded = await startEmbeddedPostgres({ dataDir: tmp });
		url = embedded.url;
	}

	const pool = createPool(url, 2);
	const db = createDb(pool);
	await migrateToLatest(db);
	await db.destroy();

	project.provide('databaseUrl', url);

	return async () => {
		await dropDatabase?.();
		await embedded?.stop();
		if (tmp) await rm(tmp, { recursive: true, force: true });
	};
}
