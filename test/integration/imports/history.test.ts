/**
 * Import history (issue 8, item 5): an admin can discard an upload that was never imported,
 * or an import that failed or was cancelled, and its stored chunks go with it; imports that
 * wrote something or still run cannot be discarded.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ProjectWithMembers } from '../projects/factories';
import { createImportHarness, type ImportHarness } from './support/import-harness';

let h: ImportHarness;
let p: ProjectWithMembers;
beforeAll(async () => {
	h = await createImportHarness();
	p = await h.project('Import history');
});
afterAll(() => h.close());

const data = '{"id":"q1","prompt":"P","model":"m","answer":"A"}\n';
const mapping = { externalId: 'id', prompt: 'prompt', system: 'model', answer: 'answer' };

async function stored(importId: string) {
	const [imp, chunks] = await Promise.all([
		h.db.selectFrom('dataset_import').select('id').where('id', '=', importId).execute(),
		h.db.selectFrom('dataset_import_chunk').select('seq').where('import_id', '=', importId).execute()
	]);
	return { imports: imp.length, chunks: chunks.length };
}

describe('discarding imports', () => {
	it('removes an abandoned upload and its stored chunks', async () => {
		const importId = await h.upload(p, { data, fileName: 'abandoned.jsonl' });
		expect(await stored(importId)).toEqual({ imports: 1, chunks: 1 });
		await h.caller(p.admin).imports.discard({ projectId: p.projectId, importId });
		expect(await stored(importId)).toEqual({ imports: 0, chunks: 0 });
		const list = await h.caller(p.admin).imports.list({ projectId: p.projectId });
		expect(list.map((i) => i.id)).not.toContain(importId);
	});

	it('removes a failed import whose new dataset was never created', async () => {
		const failed = await h.importFile(
			p,
			{ data: '{broken\n', fileName: 'broken.jsonl' },
			{ newDatasetName: 'never-created', format: 'jsonl', mapping }
		);
		expect(failed).toMatchObject({ status: 'failed', datasetId: null, newDatasetName: 'never-created' });
		await h.caller(p.admin).imports.discard({ projectId: p.projectId, importId: failed.id });
		expect(await stored(failed.id)).toEqual({ imports: 0, chunks: 0 });
	});

	it('keeps imports that succeeded or are queued, and lets only admins discard', async () => {
		const done = await h.importFile(
			p,
			{ data, fileName: 'ok.jsonl' },
			{ newDatasetName: 'kept', format: 'jsonl', mapping }
		);
		expect(done.status).toBe('succeeded');
		await expect(
			h.caller(p.admin).imports.discard({ projectId: p.projectId, importId: done.id })
		).rejects.toMatchObject({
			code: 'CONFLICT'
		});
		const queued = await h.upload(p, { data, fileName: 'queued.jsonl' });
		await h.caller(p.admin).imports.start({
			projectId: p.projectId,
			importId: queued,
			newDatasetName: 'queued',
			format: 'jsonl',
			mapping
		});
		await expect(h.caller(p.admin).imports.discard({ projectId: p.projectId, importId: queued })).rejects.toMatchObject(
			{
				code: 'CONFLICT'
			}
		);
		const other = await h.upload(p, { data, fileName: 'mine.jsonl' });
		for (const user of [p.viewer, p.annotator])
			await expect(h.caller(user).imports.discard({ projectId: p.projectId, importId: other })).rejects.toMatchObject({
				code: 'FORBIDDEN'
			});
		await expect(
			h.caller(p.outsider).imports.discard({ projectId: p.projectId, importId: other })
		).rejects.toMatchObject({
			code: 'NOT_FOUND'
		});
		expect(await stored(other)).toEqual({ imports: 1, chunks: 1 });
		// The queued one must not linger for other tests' workers.
		await h.run(p, queued);
	});
});
