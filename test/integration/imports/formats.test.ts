/**
 * MT-Bench (three separate files), generic CSV/JSONL with a mapping (long and
 * wide), preview, remembered mappings, idempotent re-imports and revisions.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createImportHarness, type ImportHarness } from './support/import-harness';

let h: ImportHarness;
beforeAll(async () => {
	h = await createImportHarness();
});
afterAll(() => h.close());

const jl = (...rows: unknown[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

const questions = jl(
	{ question_id: 81, category: 'writing', turns: ['Write a haiku about rain.', 'Now make it about snow.'] },
	{
		question_id: 101,
		category: 'reasoning',
		turns: ['You overtake the second person. What position are you in?', 'And if you overtake the last person?'],
		reference: ['Second.', 'Impossible.']
	},
	{ question_id: 111, category: 'math', turns: ['What is 2+2?'] }
);
const answers = (model: string) =>
	jl(
		{
			question_id: 81,
			answer_id: `${model}-81`,
			model_id: model,
			choices: [{ index: 0, turns: [`${model} rain haiku`, `${model} snow haiku`] }],
			tstamp: 1
		},
		{
			question_id: 101,
			answer_id: `${model}-101`,
			model_id: model,
			choices: [{ index: 0, turns: ['Second place.', 'You cannot.'] }],
			tstamp: 2
		},
		{
			question_id: 111,
			answer_id: `${model}-111`,
			model_id: model,
			choices: [{ index: 0, turns: ['4 — 数学'] }],
			tstamp: 3
		}
	);
const references = jl(
	{ question_id: 101, model_id: 'gpt-4', choices: [{ index: 0, turns: ['Second.', 'Impossible.'] }] },
	{ question_id: 111, model_id: 'gpt-4', choices: [{ index: 0, turns: ['4'] }] }
);

describe('MT-Bench', () => {
	it('imports questions, two models and a reference file; references fill only items without one', async () => {
		const p = await h.project('MT-Bench');
		const caller = h.caller(p.admin);
		const qImport = await h.upload(p, { data: questions, fileName: 'question.jsonl' });
		const preview = await caller.imports.preview({ projectId: p.projectId, importId: qImport });
		expect(preview.format).toBe('mt-bench-questions');
		expect(preview.rows[0].item).toMatchObject({
			externalId: '81',
			turnCount: 2,
			conversation: [
				{ role: 'user', content: 'Write a haiku about rain.' },
				{ role: 'user', content: 'Now make it about snow.' }
			]
		});
		expect(preview.rows[2].item).toMatchObject({
			externalId: '111',
			promptText: 'What is 2+2?',
			conversation: null,
			turnCount: 1
		});
		await caller.imports.start({
			projectId: p.projectId,
			importId: qImport,
			newDatasetName: 'MT-Bench',
			format: 'mt-bench-questions'
		});
		expect((await h.run(p, qImport)).stats).toMatchObject({ itemsAdded: 3, referencesAdded: 1 });
		const datasetId = await h.datasetId(p, 'MT-Bench');

		for (const model of ['vicuna-13b', 'gpt-4']) {
			const fileName = `model_answer/${model}.jsonl`;
			const id = await h.upload(p, { data: answers(model), fileName });
			expect((await caller.imports.preview({ projectId: p.projectId, importId: id })).format).toBe('mt-bench-answers');
			const r = await h.importFile(p, { data: answers(model), fileName }, { datasetId, format: 'mt-bench-answers' });
			expect(r.stats).toMatchObject({ answersAdded: 3, itemsAdded: 0 });
		}
		const refPreview = await caller.imports.preview({
			projectId: p.projectId,
			importId: await h.upload(p, { data: references, fileName: 'reference_answer/gpt-4.jsonl' })
		});
		expect(refPreview.format).toBe('mt-bench-reference');
		const refs = await h.importFile(
			p,
			{ data: references, fileName: 'reference_answer/gpt-4.jsonl' },
			{ datasetId, format: 'mt-bench-reference' }
		);
		expect(refs.status).toBe('succeeded');
		expect(refs.stats).toMatchObject({ referencesAdded: 1, itemsAdded: 0, answersAdded: 0 });

		const items = await h.db
			.selectFrom('dataset_item')
			.select(['external_id', 'reference_text', 'reference_turns', 'turn_count', 'category', 'revision'])
			.where('dataset_id', '=', datasetId)
			.orderBy('external_id')
			.execute();
		expect(items).toEqual([
			{
				external_id: '101',
				reference_text: null,
				reference_turns: ['Second.', 'Impossible.'],
				turn_count: 2,
				category: 'reasoning',
				revision: 1
			},
			{ external_id: '111', reference_text: '4', reference_turns: null, turn_count: 1, category: 'math', revision: 1 },
			{
				external_id: '81',
				reference_text: null,
				reference_turns: null,
				turn_count: 2,
				category: 'writing',
				revision: 1
			}
		]);
		const answer = await h.db
			.selectFrom('candidate_answer as a')
			.innerJoin('system as s', 's.id', 'a.system_id')
			.innerJoin('dataset_item as i', 'i.id', 'a.item_id')
			.select(['a.content', 'a.turns', 'a.metadata', 'a.char_count', 'a.approx_tokens', 'a.revision'])
			.where('s.name', '=', 'gpt-4')
			.where('s.project_id', '=', p.projectId)
			.where('i.external_id', 'in', ['81', '111'])
			.orderBy('i.external_id')
			.execute();
		expect(answer[0]).toMatchObject({
			content: '4 — 数学',
			turns: null,
			char_count: 6,
			approx_tokens: 2 + 1,
			revision: 3
		});
		expect(answer[1]).toMatchObject({
			content: null,
			turns: ['gpt-4 rain haiku', 'gpt-4 snow haiku'],
			metadata: { answer_id: 'gpt-4-81', tstamp: 1 }
		});

		const revisions = await h.db
			.selectFrom('dataset_revision')
			.select(['revision', 'items_added', 'answers_added', 'references_added', 'content_hash'])
			.where('dataset_id', '=', datasetId)
			.orderBy('revision')
			.execute();
		expect(revisions.map((r) => [r.revision, r.items_added, r.answers_added, r.references_added])).toEqual([
			[1, 3, 0, 1],
			[2, 0, 3, 0],
			[3, 0, 3, 0],
			[4, 0, 0, 1]
		]);
		expect(new Set(revisions.map((r) => r.content_hash)).size).toBe(4);

		// A reference that contradicts the stored one is a conflict; a model answering with the wrong turn count too.
		const bad = await h.importFile(
			p,
			{
				data: jl({ question_id: 111, model_id: 'gpt-4', choices: [{ turns: ['5'] }] }),
				fileName: 'reference_answer/other.jsonl'
			},
			{ datasetId, format: 'mt-bench-reference' }
		);
		expect(bad.errors.map((e) => [e.line, e.field])).toEqual([[1, 'choices[0].turns']]);
		const turns = await h.importFile(
			p,
			{ data: jl({ question_id: 81, model_id: 'm3', choices: [{ turns: ['only one'] }] }), fileName: 'm3.jsonl' },
			{ datasetId, format: 'mt-bench-answers' }
		);
		expect(turns.errors).toEqual([
			{
				line: 1,
				field: 'choices[0].turns',
				reason: 'Item "81" has 2 user turn(s) but this answer has 1 response(s).',
				key: 'import_err_turn_mismatch',
				params: { item: '81', turns: 2, responses: 1 }
			}
		]);
	});
});

describe('generic CSV and JSONL with a mapping', () => {
	const csv = [
		'qid,question,category,tags,model,response,source',
		'1,"What is the capital of France?",geo,"europe, capitals",alpha,"Paris.",web',
		'1,"What is the capital of France?",geo,"europe, capitals",beta,"It is Paris, of course.",web',
		'2,"Explain ""recursion"" briefly.",cs,[],alpha,"A function calling itself.",book',
		'2,"Explain ""recursion"" briefly.",cs,[],beta,"See: recursion.\nThen stop.",book'
	].join('\n');

	it('previews with a suggested mapping, imports long format, remembers the mapping, and re-imports as a no-op', async () => {
		const p = await h.project('CSV');
		const caller = h.caller(p.admin);
		const importId = await h.upload(p, { data: csv, fileName: 'answers.csv' });
		const preview = await caller.imports.preview({ projectId: p.projectId, importId });
		expect(preview).toMatchObject({
			container: 'csv',
			format: 'csv',
			fields: ['qid', 'question', 'category', 'tags', 'model', 'response', 'source']
		});
		expect(preview.suggestedMapping).toEqual({
			externalId: 'qid',
			prompt: 'question',
			category: 'category',
			tags: 'tags',
			system: 'model',
			answer: 'response',
			itemMetadata: ['source'],
			answerMetadata: []
		});
		expect(preview.rows).toHaveLength(4);
		expect(preview.rows[3]).toMatchObject({
			line: 5,
			item: {
				externalId: '2',
				promptText: 'Explain "recursion" briefly.',
				category: 'cs',
				tags: [],
				metadata: [{ key: 'source', json: '"book"' }]
			},
			answers: [{ system: 'beta', content: 'See: recursion.\nThen stop.', charCount: 26, approxTokens: 7 }]
		});
		expect(preview.rows[0].item?.tags).toEqual(['europe', 'capitals']);
		expect(preview.errors).toEqual([]);

		await caller.imports.start({
			projectId: p.projectId,
			importId,
			newDatasetName: 'Capitals',
			format: 'csv',
			mapping: preview.suggestedMapping as Record<string, unknown>
		});
		const done = await h.run(p, importId);
		expect(done.stats).toMatchObject({ itemsAdded: 2, answersAdded: 4, systemsAdded: 2 });
		const datasetId = await h.datasetId(p, 'Capitals');

		// The dataset remembers format + mapping; the next preview offers it.
		const again = await h.upload(p, { data: csv, fileName: 'answers-again.csv' });
		const remembered = await caller.imports.preview({ projectId: p.projectId, importId: again, datasetId });
		expect(remembered.mappingRemembered).toBe(true);
		expect(remembered.mapping).toEqual(preview.suggestedMapping);
		await caller.imports.start({
			projectId: p.projectId,
			importId: again,
			datasetId,
			format: 'csv',
			mapping: remembered.mapping as Record<string, unknown>
		});
		const noop = await h.run(p, again);
		expect(noop).toMatchObject({
			status: 'succeeded',
			revision: null,
			stats: { itemsAdded: 0, answersAdded: 0, duplicatesSkipped: 8 }
		});
		const counts = await h.db
			.selectFrom('dataset')
			.select(['item_count', 'answer_count', 'current_revision'])
			.where('id', '=', datasetId)
			.executeTakeFirstOrThrow();
		expect(counts).toEqual({ item_count: 2, answer_count: 4, current_revision: 1 });
	});

	it('imports a wide JSONL file with a conversation column and adds a new system later without touching existing rows', async () => {
		const p = await h.project('Wide');
		const rows = jl(
			{
				id: 'c1',
				messages: [
					{ role: 'system', content: 'Be brief.' },
					{ role: 'user', content: 'Hi' }
				],
				ref: 'Hello!',
				a: 'Hey.',
				b: 'Hello there, how can I help?'
			},
			{
				id: 'c2',
				messages: [
					{ role: 'user', content: '1+1?' },
					{ role: 'assistant', content: '2' },
					{ role: 'user', content: 'times 3?' }
				],
				a: '6',
				b: ''
			}
		);
		const mapping = {
			externalId: 'id',
			conversation: 'messages',
			reference: 'ref',
			answerColumns: { a: 'model-a', b: 'model-b' }
		};
		const first = await h.importFile(
			p,
			{ data: rows, fileName: 'chat.jsonl' },
			{ newDatasetName: 'Chats', format: 'jsonl', mapping }
		);
		expect(first.stats).toMatchObject({ itemsAdded: 2, answersAdded: 4, referencesAdded: 1 });
		const datasetId = await h.datasetId(p, 'Chats');
		const before = await h.db
			.selectFrom('candidate_answer')
			.select(['id', 'content_hash', 'revision'])
			.where('dataset_id', '=', datasetId)
			.orderBy('id')
			.execute();

		const third = jl({
			id: 'c1',
			messages: [
				{ role: 'system', content: 'Be brief.' },
				{ role: 'user', content: 'Hi' }
			],
			c: 'Yo.'
		});
		const added = await h.importFile(
			p,
			{ data: third, fileName: 'model-c.jsonl' },
			{
				datasetId,
				format: 'jsonl',
				mapping: { externalId: 'id', conversation: 'messages', answerColumns: { c: 'model-c' } }
			}
		);
		expect(added.stats).toMatchObject({ itemsAdded: 0, answersAdded: 1 });
		const after = await h.db
			.selectFrom('candidate_answer')
			.select(['id', 'content_hash', 'revision'])
			.where('dataset_id', '=', datasetId)
			.orderBy('id')
			.execute();
		expect(after.filter((a) => a.revision === 1)).toEqual(before);
		expect(after.filter((a) => a.revision === 2)).toHaveLength(1);

		const item = await h.db
			.selectFrom('dataset_item')
			.select(['conversation', 'turn_count', 'reference_text', 'prompt_text'])
			.where('dataset_id', '=', datasetId)
			.where('external_id', '=', 'c2')
			.executeTakeFirstOrThrow();
		expect(item).toEqual({
			conversation: [
				{ role: 'user', content: '1+1?' },
				{ role: 'assistant', content: '2' },
				{ role: 'user', content: 'times 3?' }
			],
			turn_count: 2,
			reference_text: null,
			prompt_text: null
		});
		const empty = await h.db
			.selectFrom('candidate_answer as a')
			.innerJoin('system as s', 's.id', 'a.system_id')
			.innerJoin('dataset_item as i', 'i.id', 'a.item_id')
			.select(['a.content', 'a.available', 'a.char_count'])
			.where('i.external_id', '=', 'c2')
			.where('i.dataset_id', '=', datasetId)
			.where('s.name', '=', 'model-b')
			.executeTakeFirstOrThrow();
		expect(empty).toEqual({ content: '', available: true, char_count: 0 });
	});

	it('previews a bad file with its errors and a file-level problem without throwing', async () => {
		const p = await h.project('Preview');
		const caller = h.caller(p.admin);
		const id = await h.upload(p, {
			data: '{"id": 1, "prompt": "a"}\n{"id": 2, "prompt": 5}\nnot json\n{"id": 1, "prompt": "b"}\n',
			fileName: 'x.jsonl'
		});
		const pv = await caller.imports.preview({
			projectId: p.projectId,
			importId: id,
			format: 'jsonl',
			mapping: { externalId: 'id', prompt: 'prompt' }
		});
		expect(pv.rows.map((r) => r.line)).toEqual([1, 4]);
		expect(pv.errors.map((e) => [e.line, e.field])).toEqual([
			[2, 'prompt'],
			[3, null],
			[4, 'id']
		]);
		const utf16 = await h.upload(p, {
			data: Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('{"a":1}\n', 'utf16le')]),
			fileName: 'u.jsonl'
		});
		const pv2 = await caller.imports.preview({ projectId: p.projectId, importId: utf16 });
		expect(pv2.fileError?.reason).toMatch(/UTF-16/);
		expect(pv2.rows).toEqual([]);
	});
});
