/**
 * The three real public samples in ../shared/data, imported through the real
 * path; row counts, field values and pairwise votes are checked against the
 * files themselves. Skipped with a printed reason when ../shared/data is absent
 * (failed under CI=true): see test/support/shared-data.ts.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hasSharedData, sharedData } from '../../support/shared-data';
import { createImportHarness, type ImportHarness } from './support/import-harness';

let h: ImportHarness;
beforeAll(async () => {
	h = await createImportHarness();
});
afterAll(() => h.close());

const jsonl = (file: string) =>
	readFileSync(file, 'utf8')
		.split('\n')
		.filter(Boolean)
		.map(
			(l) => JSON.parse(l) as { num: number; question_id: string; model_a: string; model_b: string; winner: string }
		);

async function counts(datasetId: string) {
	const one = async (table: 'dataset_item' | 'candidate_answer' | 'annotation') =>
		Number(
			(
				await h.db
					.selectFrom(table)
					.select((e) => e.fn.countAll().as('n'))
					.where('dataset_id', '=', datasetId)
					.executeTakeFirstOrThrow()
			).n
		);
	const judgments = await h.db
		.selectFrom('judgment as j')
		.innerJoin('judge_run as r', 'r.id', 'j.run_id')
		.select((e) => e.fn.countAll().as('n'))
		.where('r.dataset_id', '=', datasetId)
		.executeTakeFirstOrThrow();
	return {
		items: await one('dataset_item'),
		answers: await one('candidate_answer'),
		annotations: await one('annotation'),
		judgments: Number(judgments.n)
	};
}

describe.skipIf(!hasSharedData('llmbar-natural'))('LLMBar natural', () => {
	it('imports pairs with gold labels, then GPT-4 verdicts in both orders', async () => {
		const p = await h.project('LLMBar');
		const pairs = JSON.parse(readFileSync(sharedData('llmbar-natural/dataset.json'), 'utf8')) as {
			input: string;
			output_1: string;
			output_2: string;
			label: number;
		}[];
		const first = await h.importFile(
			p,
			{ path: sharedData('llmbar-natural/dataset.json') },
			{ newDatasetName: 'LLMBar natural', format: 'llmbar' }
		);
		expect(first.status).toBe('succeeded');
		expect(first.stats).toMatchObject({
			rows: 100,
			itemsAdded: 100,
			answersAdded: 200,
			annotationsAdded: 100,
			judgmentsAdded: 0,
			systemsAdded: 2
		});
		const datasetId = await h.datasetId(p, 'LLMBar natural');
		expect(await counts(datasetId)).toEqual({ items: 100, answers: 200, annotations: 100, judgments: 0 });

		// Gold labels: label 1 → A (output_1), 2 → B, for every pair.
		const gold = await h.db
			.selectFrom('annotation as n')
			.innerJoin('dataset_item as i', 'i.id', 'n.item_id')
			.innerJoin('candidate_answer as a', 'a.id', 'n.answer_a_id')
			.innerJoin('system as s', 's.id', 'a.system_id')
			.select(['i.prompt_text', 'n.verdict', 'n.external_annotator', 's.name as systemA', 'a.content'])
			.where('n.dataset_id', '=', datasetId)
			.execute();
		const byInput = new Map(gold.map((g) => [g.prompt_text, g]));
		for (const pair of pairs) {
			const g = byInput.get(pair.input)!;
			expect(g.verdict).toBe(pair.label === 1 ? 'A' : 'B');
			expect(g).toMatchObject({ external_annotator: 'llmbar-gold', systemA: 'output_1', content: pair.output_1 });
		}

		const second = await h.importFile(
			p,
			{ path: sharedData('llmbar-natural/gpt4-vanilla-both-orders.json') },
			{ datasetId, format: 'llmbar', mapping: { judgeName: 'gpt4-vanilla-both-orders' } }
		);
		expect(second.status).toBe('succeeded');
		expect(second.stats).toMatchObject({
			itemsAdded: 0,
			answersAdded: 0,
			annotationsAdded: 0,
			judgmentsAdded: 200,
			judgeRunsAdded: 1
		});
		expect(await counts(datasetId)).toEqual({ items: 100, answers: 200, annotations: 100, judgments: 200 });

		const both = JSON.parse(readFileSync(sharedData('llmbar-natural/gpt4-vanilla-both-orders.json'), 'utf8')) as {
			input: string;
			results: Record<string, { winner: string }>[];
		}[];
		const rows = await h.db
			.selectFrom('judgment as j')
			.innerJoin('judge_run as r', 'r.id', 'j.run_id')
			.innerJoin('dataset_item as i', 'i.id', 'j.item_id')
			.select(['i.prompt_text', 'j.presented_order', 'j.verdict', 'r.name', 'r.source', 'r.mode'])
			.where('r.dataset_id', '=', datasetId)
			.execute();
		expect(new Set(rows.map((r) => `${r.name}|${r.source}|${r.mode}`))).toEqual(
			new Set(['gpt4-vanilla-both-orders|imported|pairwise'])
		);
		const verdict = (w: string) => (w === '1' ? 'A' : 'B');
		for (const b of both) {
			const mine = rows.filter((r) => r.prompt_text === b.input);
			expect(mine.find((r) => r.presented_order === 'ab')?.verdict).toBe(verdict(b.results[0]['swap = False'].winner));
			expect(mine.find((r) => r.presented_order === 'ba')?.verdict).toBe(verdict(b.results[0]['swap = True'].winner));
		}
		const revisions = await h.db
			.selectFrom('dataset_revision')
			.select(['revision', 'items_added', 'judgments_added'])
			.where('dataset_id', '=', datasetId)
			.orderBy('revision')
			.execute();
		expect(revisions).toEqual([
			{ revision: 1, items_added: 100, judgments_added: 0 },
			{ revision: 2, items_added: 0, judgments_added: 200 }
		]);
	});
});

describe.skipIf(!hasSharedData('alpaca-eval'))('AlpacaEval annotations', () => {
	it(
		'imports two annotation files sharing the baseline: items and baseline answers once, soft preferences as judgments',
		{ timeout: 180_000 },
		async () => {
			const p = await h.project('Alpaca');
			const a = await h.importFile(
				p,
				{ path: sharedData('alpaca-eval/annotations-alpaca-7b.json') },
				{ newDatasetName: 'AlpacaEval', format: 'alpaca-eval-annotations' }
			);
			expect(a.status).toBe('succeeded');
			expect(a.stats).toMatchObject({ rows: 805, itemsAdded: 805, answersAdded: 1610, judgmentsAdded: 805 });
			const datasetId = await h.datasetId(p, 'AlpacaEval');
			const b = await h.importFile(
				p,
				{ path: sharedData('alpaca-eval/annotations-gpt35-turbo-instruct.json') },
				{ datasetId, format: 'alpaca-eval-annotations' }
			);
			expect(b.status).toBe('succeeded');
			// The 804 instructions and gpt4_1106_preview outputs are already there.
			expect(b.stats).toMatchObject({
				rows: 804,
				itemsAdded: 0,
				answersAdded: 804,
				judgmentsAdded: 804,
				duplicatesSkipped: 804 + 804
			});
			expect(await counts(datasetId)).toEqual({ items: 805, answers: 2414, annotations: 0, judgments: 1609 });

			const src = (
				JSON.parse(readFileSync(sharedData('alpaca-eval/annotations-alpaca-7b.json'), 'utf8')) as {
					instruction: string;
					preference: number;
					dataset: string;
					output_2: string;
				}[]
			)[3];
			const row = await h.db
				.selectFrom('judgment as j')
				.innerJoin('judge_run as r', 'r.id', 'j.run_id')
				.innerJoin('dataset_item as i', 'i.id', 'j.item_id')
				.innerJoin('candidate_answer as b', 'b.id', 'j.answer_b_id')
				.innerJoin('system as s', 's.id', 'b.system_id')
				.select(['j.preference', 'j.verdict', 'j.presented_order', 'r.name', 'i.category', 'b.content', 'b.char_count'])
				.where('r.dataset_id', '=', datasetId)
				.where('i.prompt_text', '=', src.instruction)
				.where('s.name', '=', 'alpaca-7b')
				.executeTakeFirstOrThrow();
			expect(Number(row.preference)).toBeCloseTo(src.preference - 1, 9);
			expect(row).toMatchObject({
				verdict: src.preference > 1.5 ? 'B' : 'A',
				presented_order: null,
				name: 'weighted_alpaca_eval_gpt4_turbo',
				category: src.dataset,
				content: src.output_2
			});
			expect(row.char_count).toBe([...src.output_2].length);
		}
	);
});

describe.skipIf(!hasSharedData('chatbot-arena-votes'))('Chatbot Arena votes', () => {
	it('imports human votes as annotations and judge votes as judgments on text-less items; re-import adds nothing', async () => {
		const p = await h.project('Arena');
		const human = jsonl(sharedData('chatbot-arena-votes/human.jsonl'));
		const items = new Set(human.map((v) => v.question_id));
		const answers = new Set(human.flatMap((v) => [`${v.question_id}|${v.model_a}`, `${v.question_id}|${v.model_b}`]));

		const a = await h.importFile(
			p,
			{ path: sharedData('chatbot-arena-votes/human.jsonl') },
			{ newDatasetName: 'Arena', format: 'arena-votes', mapping: { voter: 'human' } }
		);
		expect(a.status).toBe('succeeded');
		expect(a.stats).toMatchObject({
			rows: 26919,
			itemsAdded: items.size,
			answersAdded: answers.size,
			annotationsAdded: 26919,
			judgmentsAdded: 0
		});
		const datasetId = await h.datasetId(p, 'Arena');

		const verdicts = await h.db
			.selectFrom('annotation')
			.select(['verdict', (e) => e.fn.countAll().as('n')])
			.where('dataset_id', '=', datasetId)
			.groupBy('verdict')
			.execute();
		const expected = { A: 0, B: 0, tie: 0 };
		for (const v of human) expected[v.winner === 'model_a' ? 'A' : v.winner === 'model_b' ? 'B' : 'tie']++;
		expect(Object.fromEntries(verdicts.map((v) => [v.verdict, Number(v.n)]))).toEqual(expected);

		// One battle, in detail: model_a's answer is answer_a and was shown first.
		const battle = human.find((v) => v.winner === 'tie (bothbad)')!;
		const row = await h.db
			.selectFrom('annotation as n')
			.innerJoin('dataset_item as i', 'i.id', 'n.item_id')
			.innerJoin('candidate_answer as a', 'a.id', 'n.answer_a_id')
			.innerJoin('system as sa', 'sa.id', 'a.system_id')
			.innerJoin('candidate_answer as b', 'b.id', 'n.answer_b_id')
			.innerJoin('system as sb', 'sb.id', 'b.system_id')
			.select([
				'i.external_id',
				'i.prompt_available',
				'i.prompt_text',
				'a.available',
				'a.content',
				'sa.name as a',
				'sb.name as b',
				'n.verdict',
				'n.presented_order',
				'n.metadata',
				'n.external_key',
				'n.source'
			])
			.where('n.dataset_id', '=', datasetId)
			.where('n.external_key', '=', `battle:${battle.num}`)
			.executeTakeFirstOrThrow();
		expect(row).toMatchObject({
			external_id: battle.question_id,
			prompt_available: false,
			prompt_text: null,
			available: false,
			content: null,
			a: battle.model_a,
			b: battle.model_b,
			verdict: 'tie',
			presented_order: 'ab',
			source: 'imported',
			metadata: { winner: 'tie (bothbad)', bothBad: true }
		});

		const gpt4 = jsonl(sharedData('chatbot-arena-votes/gpt-4-0125-preview.jsonl'));
		const j = await h.importFile(
			p,
			{ path: sharedData('chatbot-arena-votes/gpt-4-0125-preview.jsonl') },
			{ datasetId, format: 'arena-votes', mapping: { voter: 'judge', judgeName: 'gpt-4-0125-preview' } }
		);
		expect(j.status).toBe('succeeded');
		expect(j.stats).toMatchObject({
			itemsAdded: 0,
			answersAdded: 0,
			judgmentsAdded: 26919,
			annotationsAdded: 0,
			judgeRunsAdded: 1
		});
		const jv = await h.db
			.selectFrom('judgment as j')
			.innerJoin('judge_run as r', 'r.id', 'j.run_id')
			.select(['r.name', 'j.verdict', (e) => e.fn.countAll().as('n')])
			.where('r.dataset_id', '=', datasetId)
			.groupBy(['r.name', 'j.verdict'])
			.execute();
		const jexp = { A: 0, B: 0, tie: 0 };
		for (const v of gpt4) jexp[v.winner === 'model_a' ? 'A' : v.winner === 'model_b' ? 'B' : 'tie']++;
		expect(Object.fromEntries(jv.map((v) => [v.verdict, Number(v.n)]))).toEqual(jexp);
		expect(new Set(jv.map((v) => v.name))).toEqual(new Set(['gpt-4-0125-preview']));

		const again = await h.importFile(
			p,
			{ path: sharedData('chatbot-arena-votes/human.jsonl') },
			{ datasetId, format: 'arena-votes', mapping: { voter: 'human' } }
		);
		expect(again.status).toBe('succeeded');
		expect(again.stats).toMatchObject({ itemsAdded: 0, answersAdded: 0, annotationsAdded: 0, judgmentsAdded: 0 });
		expect(again.revision).toBeNull();
		expect(await counts(datasetId)).toEqual({
			items: items.size,
			answers: answers.size,
			annotations: 26919,
			judgments: 26919
		});
		const ds = await h.db
			.selectFrom('dataset')
			.select(['current_revision', 'item_count', 'annotation_count', 'judgment_count'])
			.where('id', '=', datasetId)
			.executeTakeFirstOrThrow();
		expect(ds).toEqual({ current_revision: 2, item_count: items.size, annotation_count: 26919, judgment_count: 26919 });
		// Chunks are gone after success.
		const left = await h.db
			.selectFrom('dataset_import_chunk')
			.select('seq')
			.where('import_id', '=', again.id)
			.execute();
		expect(left).toEqual([]);
	}, 300_000);
});
