/**
 * Import problems carry an i18n key with parameters beside their English reason (issue 8,
 * item 6), stored with the import, so pages render them in the reader's language.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { receiveUpload } from '../../../src/lib/server/services/imports';
import { issueText } from '../../../src/routes/(app)/projects/[projectId]/datasets/import/issue-text';
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

	/**
	 * Every issue the SQL checks and the field readers produce is keyed; its English message,
	 * filled with the stored parameters, says exactly what `reason` says (so the two cannot
	 * drift), and the Chinese one is Chinese.
	 */
	function expectKeyedInBothLanguages(errors: { reason: string; key?: string; params?: object }[]) {
		expect(errors.length).toBeGreaterThan(0);
		for (const e of errors) {
			expect(e.key, e.reason).toMatch(/^import_err_/);
			expect(issueText(e as Parameters<typeof issueText>[0], 'en')).toBe(e.reason);
			const zh = issueText(e as Parameters<typeof issueText>[0], 'zh-CN');
			expect(zh).not.toBe(e.reason);
			expect(zh).toMatch(/\p{Script=Han}/u);
		}
	}

	const M = { externalId: 'id', prompt: 'prompt', system: 'model', answer: 'answer' };
	const jl = (...rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

	it('keys the SQL checks in the file: a record repeated with other content', async () => {
		const r = await h.importFile(
			p,
			{
				data: jl(
					{ id: 'q1', prompt: 'P1', model: 'm', answer: 'A' },
					{ id: 'q1', prompt: 'P1', model: 'm', answer: 'B' }
				),
				fileName: 'dup.jsonl'
			},
			{ newDatasetName: 'sql-dup', format: 'jsonl', mapping: M }
		);
		expect(r.status).toBe('failed');
		expect(r.errors).toEqual([
			expect.objectContaining({
				line: 2,
				key: 'import_err_duplicate_record',
				params: expect.objectContaining({ first: 1 })
			}),
			expect.objectContaining({
				line: 2,
				key: 'import_err_answer_differs',
				params: { system: 'm', item: 'q1', first: 1 }
			})
		]);
		expectKeyedInBothLanguages(r.errors);
	});

	it('keys the SQL checks against the dataset: an immutable item or answer changed', async () => {
		const first = await h.importFile(
			p,
			{ data: jl({ id: 'q1', prompt: 'P1', model: 'm', answer: 'A' }), fileName: 'first.jsonl' },
			{ newDatasetName: 'sql-conflict', format: 'jsonl', mapping: M }
		);
		expect(first.status).toBe('succeeded');
		const datasetId = await h.datasetId(p, 'sql-conflict');
		const second = await h.importFile(
			p,
			{
				data: jl({ id: 'q1', prompt: 'P1 changed', model: 'm', answer: 'A' }),
				fileName: 'second.jsonl'
			},
			{ datasetId, format: 'jsonl', mapping: M }
		);
		expect(second.status).toBe('failed');
		expect(second.errors).toEqual([
			expect.objectContaining({ line: 1, key: 'import_err_item_exists', params: { item: 'q1', revision: 1 } })
		]);
		expectKeyedInBothLanguages(second.errors);
		const answer = await h.importFile(
			p,
			{ data: jl({ id: 'q1', prompt: 'P1', model: 'm', answer: 'A changed' }), fileName: 'third.jsonl' },
			{ datasetId, format: 'jsonl', mapping: M }
		);
		expect(answer.errors).toEqual([
			expect.objectContaining({ key: 'import_err_answer_exists', params: { system: 'm', item: 'q1', revision: 1 } })
		]);
		expectKeyedInBothLanguages(answer.errors);
	});

	it('keys field-type problems with the JSON type as a parameter', async () => {
		const r = await h.importFile(
			p,
			{
				data: jl(
					{ id: 'q1', prompt: 42, model: 'm', answer: 'A' },
					{ id: ['q2'], prompt: 'P2', model: 'm', answer: 'A' },
					{ id: 'q3', prompt: 'P3', model: 'm', answer: 'A', tags: [1] },
					'x'
				),
				fileName: 'types.jsonl'
			},
			{ newDatasetName: 'types', format: 'jsonl', mapping: { ...M, tags: 'tags' } }
		);
		expect(r.status).toBe('failed');
		expect(r.errors).toEqual([
			expect.objectContaining({ line: 1, field: 'prompt', key: 'import_err_not_string', params: { type: 'number' } }),
			expect.objectContaining({ line: 2, field: 'id', key: 'import_err_not_id', params: { type: 'array' } }),
			expect.objectContaining({ line: 3, field: 'tags[0]', key: 'import_err_not_string', params: { type: 'number' } }),
			expect.objectContaining({ line: 4, key: 'import_err_line_not_object', params: { type: 'string' } })
		]);
		expectKeyedInBothLanguages(r.errors);
	});
});
