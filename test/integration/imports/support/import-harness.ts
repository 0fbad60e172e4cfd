/**
 * Runs imports through the real path: upload (receiveUpload streams the file into
 * dataset_import_chunk) → tRPC imports.start (queues the job) → the job body
 * (runImport) → tables. The job body is called directly so the test does not
 * wait on worker polling; if another test's worker took the job first, we wait
 * for it to finish instead.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { inject } from 'vitest';
import type { SessionUser } from '../../../../src/lib/server/auth/types';
import { createPool } from '../../../../src/lib/server/db/client';
import { runImport, type RunOptions } from '../../../../src/lib/server/services/import-runner';
import { receiveUpload } from '../../../../src/lib/server/services/imports';
import type { FormatId } from '../../../../src/lib/server/importers/formats/types';
import { createHarness, type Harness } from '../../support/harness';
import { makeProjectWithMembers, type ProjectWithMembers } from '../../projects/factories';
import { chunked } from '../../../../src/lib/server/importers/test-support';

export interface ImportHarness extends Harness {
	pool: pg.Pool;
	project(name?: string): Promise<ProjectWithMembers>;
	upload(
		p: ProjectWithMembers,
		file: { path: string; fileName?: string } | { data: Uint8Array | string; fileName: string }
	): Promise<string>;
	/** Upload + start + run; returns the finished import as `imports.get` shows it. */
	importFile(
		p: ProjectWithMembers,
		file: { path: string; fileName?: string } | { data: Uint8Array | string; fileName: string },
		target: { datasetId?: string; newDatasetName?: string; format: FormatId; mapping?: Record<string, unknown> },
		options?: RunOptions
	): Promise<Awaited<ReturnType<ReturnType<Harness['caller']>['imports']['get']>>>;
	run(
		p: ProjectWithMembers,
		importId: string,
		options?: RunOptions
	): Promise<Awaited<ReturnType<ReturnType<Harness['caller']>['imports']['get']>>>;
	datasetId(p: ProjectWithMembers, name: string): Promise<string>;
}

const TERMINAL = new Set(['succeeded', 'failed', 'cancelled']);

export async function createImportHarness(): Promise<ImportHarness> {
	const h = await createHarness();
	const pool = createPool(inject('databaseUrl'), 4);
	const self: ImportHarness = {
		...h,
		pool,
		project: (name = 'Imports') => makeProjectWithMembers(h.db, name),
		async upload(p, file) {
			const fileName = 'path' in file ? (file.fileName ?? path.basename(file.path)) : file.fileName;
			const body =
				'path' in file
					? createReadStream(file.path, { highWaterMark: 256 * 1024 })
					: chunked(typeof file.data === 'string' ? Buffer.from(file.data) : file.data, 64 * 1024);
			const r = await receiveUpload(h.db, { projectId: p.projectId, userId: p.admin.id, fileName, body });
			return r.importId;
		},
		async run(p, importId, options) {
			await runImport({ db: h.db, pool }, importId, { progressIntervalMs: 100, ...options });
			const caller = h.caller(p.admin);
			for (let i = 0; i < 600; i++) {
				const imp = await caller.imports.get({ projectId: p.projectId, importId });
				if (TERMINAL.has(imp.status)) return imp;
				await new Promise((r) => setTimeout(r, 100));
			}
			throw new Error(`import ${importId} did not finish`);
		},
		async importFile(p, file, target, options) {
			const importId = await self.upload(p, file);
			await h.caller(p.admin).imports.start({ projectId: p.projectId, importId, ...target });
			return self.run(p, importId, options);
		},
		async datasetId(p, name) {
			const row = await h.db
				.selectFrom('dataset')
				.select('id')
				.where('project_id', '=', p.projectId)
				.where('name', '=', name)
				.executeTakeFirstOrThrow();
			return row.id;
		},
		async close() {
			await pool.end();
			await h.close();
		}
	};
	return self;
}

export type { SessionUser };
