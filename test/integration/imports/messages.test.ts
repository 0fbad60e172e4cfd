/**
 * Import problems carry an i18n key with parameters beside their English reason (issue 8,
 * item 6), stored with the import, so pages render them in the reader's language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveUpload } from '../../../src/lib/server/services/imports';
import type { ProjectWithMembers } from '../projects/factories';
import { createImportHarness, type ImportHarness } from './support/import-harness';

let h: ImportHarness;
let p: ProjectWithMembers;
beforeAll(async () => {
	h = await createImportHarness();
	p = await h.project('Import messages');
});
afterAll(() => h.close());

describe('keyed import problems', () => {
	it('stores a ragged CSV row with its key and the counts as parameters', async () => {
		const r = await h.importFile(
			p,
			{ data: 'id,prompt,a,b\n1,P,x,y\n2,P,x\n', fileName: 'ragged.csv' },
			{ newDatasetName: 'ragged', format: 'csv', mapping: { externalId: 'id', prompt: 'prompt' } }
		);
		expect(r.status).toBe('failed');
		expect(r.errors).toEqual([
			{
				line: 3,
				field: null,
				reason: 'CSV: this row has 3 fields but the header has 4 (ragged row).',
				key: 'import_err_ragged_row',
				params: { fields: 3, header: 4 }
			}
		]);
	});

	it('keys missing fields and whole-file problems', async () => {
		const missing = await h.importFile(
			p,
			{ data: '{"id":"1"}\n', fileName: 'missing.jsonl' },
			{ newDatasetName: 'missing', format: 'jsonl', mapping: { externalId: 'id', prompt: 'prompt' } }
		);
		expect(missing.errors).toEqual([
			expect.objectContaining({ line: 1, field: 'prompt', key: 'import_err_field_missing' })
		]);
		const { preview } = await (async () => {
			const importId = await h.upload(p, { data: Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2, 3]), fileName: 'a.zip' });
			return { preview: await h.caller(p.admin).imports.preview({ projectId: p.projectId, importId }) };
		})();
		expect(preview.fileError).toMatchObject({ line: 1, key: 'import_err_zip' });
	});

	it('says that an empty upload is an empty file, with its key', async () => {
		const empty = (async function* () {})();
		await expect(
			receiveUpload(h.db, { projectId: p.projectId, userId: p.admin.id, fileName: 'empty.csv', body: empty })
		).rejects.toMatchObject({
			message: 'The file is empty.',
			details: { errors: [{ line: 0, field: null, reason: 'The file is empty.', key: 'import_err_empty_file' }] }
		});
	});
});
