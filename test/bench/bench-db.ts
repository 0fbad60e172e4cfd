/**
 * What the import bench's cases share: fresh databases on the server, a seeded
 * project, the real import path (upload service → imports.start → the job
 * handler as a worker runs it), COPY of a pre-rendered file, progress lines.
 */
import { createReadStream } from 'node:fs';
import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { createDb, createPool, type Db } from '../../src/lib/server/db/client';
import { copyFrom } from '../../src/lib/server/db/bulk/copy-from';
import { migrateToLatest } from '../../src/lib/server/db/migrate';
import type { ImportStats } from '../../src/lib/server/db/schema';
import type { FormatId } from '../../src/lib/server/importers/formats/types';
import { createJobHandlers } from '../../src/lib/server/jobs/handlers';
import { createQueue } from '../../src/lib/server/jobs/queue';
import { receiveUpload, startImport } from '../../src/lib/server/services/imports';
import { freshDatabase } from './support/bench-server';

export interface BenchDb {
	db: Db;
	pool: pg.Pool;
	queue: Awaited<ReturnType<typeof createQueue>>;
	projectId: string;
	userId: string;
}

export function benchEnv(options: { server: string; keep: boolean }) {
	const say = (msg: string, fields: Record<string, unknown> = {}) =>
		process.stderr.write(
			`${JSON.stringify({ bench: 'import', msg, ...fields, rss_mb: Math.round(process.memoryUsage().rss / 1024 ** 2), peak_rss_mb: Math.round(process.resourceUsage().maxRSS / 1024) })}\n`
		);

	async function seedProject(db: Db): Promise<{ projectId: string; userId: string }> {
		const user = await db
			.insertInto('app_user')
			.values({ email: `bench-${randomUUID()}@example.test`, display_name: 'bench', password_hash: 'x', locale: null })
			.returning('id')
			.executeTakeFirstOrThrow();
		const project = await db
			.insertInto('project')
			.values({ name: 'Import bench', created_by: user.id })
			.returning('id')
			.executeTakeFirstOrThrow();
		await db.insertInto('project_member').values({ project_id: project.id, user_id: user.id, role: 'admin' }).execute();
		return { projectId: project.id, userId: user.id };
	}

	const checkpoint = async (pool: pg.Pool) => {
		await pool.query('checkpoint');
	};

	/** A fresh, migrated database with one project; dropped afterwards unless --keep. */
	async function withDatabase<T>(label: string, fn: (b: BenchDb) => Promise<T>): Promise<T> {
		const database = await freshDatabase(label, { server: options.server, keep: options.keep });
		const pool = createPool(database.url, 8);
		const db = createDb(pool);
		try {
			await migrateToLatest(db);
			const queue = await createQueue(pool);
			try {
				const { projectId, userId } = await seedProject(db);
				await checkpoint(pool);
				return await fn({ db, pool, queue, projectId, userId });
			} finally {
				await queue.release();
			}
		} finally {
			await db.destroy();
			await database.drop();
		}
	}

	/** Upload + start + the job, timed; throws unless the import succeeded. */
	async function importFile(
		b: BenchDb,
		file: string,
		target: { newDatasetName?: string; datasetId?: string; format: FormatId; mapping?: Record<string, unknown> }
	): Promise<{ seconds: number; uploadS: number; jobS: number; stats: ImportStats }> {
		const t0 = performance.now();
		const { importId } = await receiveUpload(b.db, {
			projectId: b.projectId,
			userId: b.userId,
			fileName: file.split('/').pop()!,
			body: createReadStream(file, { highWaterMark: 1 << 20 }),
			maxBytes: 64 * 1024 ** 3
		});
		const t1 = performance.now();
		await startImport(b.db, b.queue, b.projectId, { importId, ...target });
		// The job handler exactly as a worker runs it (without waiting for the worker's poll).
		const handlers = createJobHandlers({ db: b.db, pool: b.pool, workerName: 'bench' });
		await handlers['dataset.import'](
			{ importId },
			{ jobId: 'bench', attempt: 1, signal: new AbortController().signal }
		);
		const t2 = performance.now();
		const imp = await b.db
			.selectFrom('dataset_import')
			.select(['status', 'stats', 'errors'])
			.where('id', '=', importId)
			.executeTakeFirstOrThrow();
		if (imp.status !== 'succeeded') throw new Error(`import ${imp.status}: ${JSON.stringify(imp.errors.slice(0, 3))}`);
		const uploadS = (t1 - t0) / 1000;
		const jobS = (t2 - t1) / 1000;
		say('import done', { file, stats: imp.stats, upload_s: uploadS, job_s: jobS });
		return { seconds: uploadS + jobS, uploadS, jobS, stats: imp.stats };
	}

	async function copyFile(client: pg.PoolClient, sql: string, file: string): Promise<number> {
		const copy = await copyFrom(client, sql);
		for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 })) await copy.write(chunk as Buffer);
		return copy.end();
	}

	return { say, withDatabase, importFile, copyFile, checkpoint };
}

export type BenchEnv = ReturnType<typeof benchEnv>;
