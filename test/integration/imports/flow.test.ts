/**
 * The import flow around the parser: the streaming upload endpoint (auth,
 * limits, chunking), the job run by a real graphile-worker, progress, cancel,
 * and the admin-only policy of the imports router.
 */
import type { RequestEvent } from '@sveltejs/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createJobHandlers } from '../../../src/lib/server/jobs/handlers';
import { startWorker, type WorkerHandle } from '../../../src/lib/server/jobs/queue';
import * as importsRepo from '../../../src/lib/server/db/repositories/imports';
import { receiveUpload } from '../../../src/lib/server/services/imports';
import type { SessionUser } from '../../../src/lib/server/auth/types';
import { POST } from '../../../src/routes/api/projects/[projectId]/imports/+server';
import type { ProjectWithMembers } from '../projects/factories';
import { createImportHarness, type ImportHarness } from './support/import-harness';
import { installRuntime } from '../support/runtime';
import { chunked } from '../../../src/lib/server/importers/test-support';

let h: ImportHarness;
let p: ProjectWithMembers;
let removeRuntime: () => void;

beforeAll(async () => {
	h = await createImportHarness();
	p = await h.project('Flow');
	removeRuntime = installRuntime({ db: h.db, pool: h.pool, queue: h.queue });
});
afterAll(async () => {
	removeRuntime();
	await h.close();
});

const jl = (n: number, offset = 0) =>
	Array.from({ length: n }, (_, i) =>
		JSON.stringify({
			id: `q${i + offset}`,
			prompt: `Prompt ${i + offset}`,
			model: 'm',
			answer: `Answer ${i + offset} `.repeat(8)
		})
	).join('\n') + '\n';
const M = { externalId: 'id', prompt: 'prompt', system: 'model', answer: 'answer' };

async function post(
	user: SessionUser | null,
	projectId: string,
	body: BodyInit | null,
	headers: Record<string, string> = {}
) {
	const url = `http://localhost/api/projects/${projectId}/imports?fileName=answers.jsonl`;
	const request = new Request(url, { method: 'POST', body, headers, duplex: 'half' } as RequestInit);
	const event = {
		request,
		url: new URL(url),
		params: { projectId },
		locals: { user, session: null, clientAddress: '127.0.0.1' }
	} as unknown as RequestEvent<{ projectId: string }>;
	const res = await POST(event as never);
	return {
		status: res.status,
		body: (await res.json()) as Record<string, unknown> & {
			error?: { message: string; details?: { limitBytes?: number } };
		}
	};
}

describe('upload endpoint', () => {
	it('streams an admin upload into ~1 MiB chunks', async () => {
		const data = Buffer.from(jl(12_000));
		const stream = new ReadableStream<Uint8Array>({
			async start(controller) {
				for await (const c of chunked(data, 100_000)) controller.enqueue(c);
				controller.close();
			}
		});
		const res = await post(p.admin, p.projectId, stream);
		expect(res.status).toBe(201);
		expect(res.body).toMatchObject({ byteSize: data.byteLength, gzip: false });
		const importId = res.body.importId as string;
		const chunks = await h.db
			.selectFrom('dataset_import_chunk')
			.select(['seq', (e) => e.fn('octet_length', ['data']).as('len')])
			.where('import_id', '=', importId)
			.orderBy('seq')
			.execute();
		expect(chunks.length).toBe(Math.ceil(data.byteLength / (1024 * 1024)));
		expect(chunks.slice(0, -1).every((c) => Number(c.len) === 1024 * 1024)).toBe(true);
		const imp = await h.caller(p.admin).imports.get({ projectId: p.projectId, importId });
		expect(imp).toMatchObject({ status: 'uploaded', fileName: 'answers.jsonl', byteSize: data.byteLength });
	});

	it('answers 401 / 404 / 403 / 400 / 413 and never a 5xx', async () => {
		expect((await post(null, p.projectId, 'x')).status).toBe(401);
		expect((await post(p.outsider, p.projectId, 'x')).status).toBe(404);
		expect((await post(p.admin, 'not-a-uuid', 'x')).status).toBe(404);
		expect((await post(p.viewer, p.projectId, 'x')).status).toBe(403);
		expect((await post(p.annotator, p.projectId, 'x')).status).toBe(403);
		const empty = await post(p.admin, p.projectId, new Uint8Array(0));
		expect(empty.status).toBe(400);
		const huge = await post(p.admin, p.projectId, 'small body', { 'content-length': String(50 * 1024 ** 3) });
		expect(huge.status).toBe(413);
		expect(huge.body.error?.message).toMatch(/CONCORD_IMPORT_MAX_FILE_BYTES/);
		expect(huge.body.error?.details?.limitBytes).toBeGreaterThan(0);
	});

	it('stops a streaming upload at the size limit and keeps nothing of it', async () => {
		const before = await h.db.selectFrom('dataset_import').select('id').where('project_id', '=', p.projectId).execute();
		await expect(
			receiveUpload(h.db, {
				projectId: p.projectId,
				userId: p.admin.id,
				fileName: 'big.jsonl',
				body: chunked(Buffer.from(jl(30_000)), 64 * 1024),
				maxBytes: 1024 * 1024
			})
		).rejects.toMatchObject({
			code: 'PAYLOAD_TOO_LARGE',
			details: { limitBytes: 1024 * 1024 }
		});
		const after = await h.db.selectFrom('dataset_import').select('id').where('project_id', '=', p.projectId).execute();
		expect(after.length).toBe(before.length);
	});
});

describe('the dataset.import job', () => {
	let worker: WorkerHandle;
	beforeAll(async () => {
		worker = await startWorker({
			pool: h.pool,
			handlers: createJobHandlers({ db: h.db, pool: h.pool, workerName: 'imports-flow-test' }),
			concurrency: 1,
			name: 'imports-flow-test',
			heartbeat: { db: h.db, intervalMs: 10_000 }
		});
	});
	afterAll(() => worker.stop());

	it('runs on a worker after imports.start; the client only polls imports.get', async () => {
		const importId = await h.upload(p, { data: jl(3000), fileName: 'answers.jsonl' });
		const caller = h.caller(p.admin);
		const queued = await caller.imports.start({
			projectId: p.projectId,
			importId,
			newDatasetName: 'Worker-run',
			format: 'jsonl',
			mapping: M
		});
		expect(queued.status).toBe('queued');
		let imp = queued;
		for (let i = 0; i < 600 && !['succeeded', 'failed', 'cancelled'].includes(imp.status); i++) {
			await new Promise((r) => setTimeout(r, 200));
			imp = await caller.imports.get({ projectId: p.projectId, importId });
		}
		expect(imp).toMatchObject({
			status: 'succeeded',
			rowsProcessed: 3000,
			bytesRead: imp.byteSize,
			progress: 1,
			stats: { itemsAdded: 3000, answersAdded: 3000 }
		});
		const listed = await caller.imports.list({ projectId: p.projectId });
		expect(listed.some((x) => x.id === importId && x.status === 'succeeded')).toBe(true);
	});
});

describe('cancel', () => {
	it('cancels a queued import at once and a running one at its next progress tick, writing nothing', async () => {
		const caller = h.caller(p.admin);
		const queuedId = await h.upload(p, { data: jl(10), fileName: 'a.jsonl' });
		const cancelled = await caller.imports.cancel({ projectId: p.projectId, importId: queuedId });
		expect(cancelled.status).toBe('cancelled');
		expect(
			await h.db.selectFrom('dataset_import_chunk').select('seq').where('import_id', '=', queuedId).execute()
		).toEqual([]);
		await expect(
			caller.imports.start({
				projectId: p.projectId,
				importId: queuedId,
				newDatasetName: 'never',
				format: 'jsonl',
				mapping: M
			})
		).rejects.toMatchObject({ code: 'CONFLICT' });

		const runningId = await h.upload(p, { data: jl(40_000), fileName: 'b.jsonl' });
		await importsRepo.transition(h.db, runningId, ['uploaded'], 'queued', {
			newDatasetName: 'cancelled-run',
			format: 'jsonl',
			mapping: M
		});
		await importsRepo.requestCancel(h.db, runningId);
		const done = await h.run(p, runningId, { progressIntervalMs: 20 });
		expect(done.status).toBe('cancelled');
		expect(
			await h.db
				.selectFrom('dataset')
				.select('id')
				.where('project_id', '=', p.projectId)
				.where('name', '=', 'cancelled-run')
				.execute()
		).toEqual([]);
		expect(await h.db.selectFrom('dataset_item').select('id').where('import_id', '=', runningId).execute()).toEqual([]);
	});
});

describe('retry', () => {
	it('starts a failed import again with a corrected mapping; the old errors are cleared', async () => {
		const caller = h.caller(p.admin);
		const importId = await h.upload(p, {
			data: 'id,question,model,response\nq1,Why?,m,Because.\n',
			fileName: 'retry.csv'
		});
		const bad = { externalId: 'id', prompt: 'question', system: 'model', answer: 'answer' };
		await caller.imports.start({
			projectId: p.projectId,
			importId,
			newDatasetName: 'Retry',
			format: 'csv',
			mapping: bad
		});
		const failed = await h.run(p, importId);
		expect(failed).toMatchObject({ status: 'failed', errorCount: 1, errors: [{ line: 1, field: 'answer' }] });
		const requeued = await caller.imports.start({
			projectId: p.projectId,
			importId,
			newDatasetName: 'Retry',
			format: 'csv',
			mapping: { ...bad, answer: 'response' }
		});
		expect(requeued).toMatchObject({ status: 'queued', errorCount: 0, errors: [] });
		expect(await h.run(p, importId)).toMatchObject({
			status: 'succeeded',
			errorCount: 0,
			errors: [],
			stats: { itemsAdded: 1, answersAdded: 1 }
		});
	});
});

describe('policy', () => {
	it('keeps every imports procedure for project admins', async () => {
		const importId = await h.upload(p, { data: jl(2), fileName: 'a.jsonl' });
		for (const user of [p.viewer, p.annotator]) {
			await expect(h.caller(user).imports.get({ projectId: p.projectId, importId })).rejects.toMatchObject({
				code: 'FORBIDDEN'
			});
			await expect(h.caller(user).imports.preview({ projectId: p.projectId, importId })).rejects.toMatchObject({
				code: 'FORBIDDEN'
			});
		}
		await expect(h.caller(p.outsider).imports.list({ projectId: p.projectId })).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});
		const other = await h.project('Other');
		await expect(h.caller(other.admin).imports.get({ projectId: other.projectId, importId })).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});
	});
});
