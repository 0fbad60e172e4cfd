/**
 * LLMBar pairs (JSON array): {input, output_1, output_2, label: 1 | 2} → an item,
 * two answers (systems "output_1" / "output_2" unless renamed) and the expert gold
 * label as an imported annotation. The "both orders" result files add
 * `results: [{"swap = False": {winner}, "swap = True": {winner}}]`: each becomes a
 * judgment of an imported run, order 'ab' (output_1 shown first) or 'ba'; LLMBar
 * already reports `winner` in terms of output_1/output_2, not screen positions.
 * An item is keyed by a hash of input and both outputs (LLMBar reuses inputs).
 */
import { z } from 'zod';
import type { PresentedOrder, Verdict } from '../../db/schema';
import { FieldReader } from '../fields';
import { derivedId } from '../hashing';
import { emptyRecord, makeAnswer, makeItem, type JudgmentRecord } from '../normalized';
import { baseName, type FormatAdapter, type MapResult } from './types';

const name = z.string().trim().min(1).max(512);
const LlmbarOptions = z.object({
	systemA: name.default('output_1'),
	systemB: name.default('output_2'),
	goldAnnotator: name.default('llmbar-gold'),
	judgeName: name.nullish(),
	judgeModel: name.nullish()
});
type LlmbarOptions = z.infer<typeof LlmbarOptions>;

const ORDERS: [string, PresentedOrder][] = [
	['swap = False', 'ab'],
	['swap = True', 'ba']
];

function verdictOf(v: unknown): Verdict | null {
	const s = typeof v === 'number' ? String(v) : v;
	return s === '1' ? 'A' : s === '2' ? 'B' : s === 'tie' || s === '0' ? 'tie' : null;
}

export const llmbarAdapter: FormatAdapter<LlmbarOptions> = {
	id: 'llmbar',
	label: 'LLMBar pairs (input, output_1, output_2, label)',
	containers: ['json', 'jsonl'],
	detect: (f) => (f.has('input') && f.has('output_1') && f.has('output_2') ? (f.has('label') ? 0.95 : 0.6) : 0),
	options: LlmbarOptions as z.ZodType<LlmbarOptions>,
	suggest: (ctx) => LlmbarOptions.parse({ judgeName: ctx.fields.includes('results') ? baseName(ctx.fileName) : null }),
	// Whose verdicts the results are is a setting the preview shows (pre-filled from the file name), never a guess.
	checkOptions: (o, ctx) =>
		ctx.fields.includes('results') && !o.judgeName
			? [{ line: 0, field: 'mapping.judgeName', reason: 'The file has judge results: name the judge (judgeName).' }]
			: [],
	mapper: (o, ctx) => {
		const judge = o.judgeName ?? '';
		return (raw): MapResult => {
			const r = new FieldReader(raw.value, raw.line, ctx.limits);
			const input = r.string('input', { required: true });
			const out1 = r.string('output_1', { required: true, allowEmpty: true });
			const out2 = r.string('output_2', { required: true, allowEmpty: true });
			let gold: Verdict | null = null;
			if (r.has('label')) {
				gold = verdictOf(raw.value.label);
				if (gold === null || gold === 'tie') r.fail('label', `must be 1 or 2, got ${JSON.stringify(raw.value.label)}.`);
			}
			const judgments: Omit<JudgmentRecord, 'itemExternalId'>[] = [];
			if (r.has('results') && !o.judgeName)
				r.fail('results', 'holds judge verdicts, but no judge is named: set judgeName in the import settings.');
			else if (r.has('results')) {
				const results = raw.value.results;
				if (!Array.isArray(results)) r.fail('results', 'must be an array of {"swap = False": …, "swap = True": …}.');
				else
					results.forEach((res, k) => {
						for (const [key, order] of ORDERS) {
							const entry = (res as Record<string, unknown> | null)?.[key] as Record<string, unknown> | undefined;
							if (entry === undefined) continue;
							const verdict = verdictOf(entry?.winner);
							if (verdict === null) {
								r.fail(`results[${k}]["${key}"].winner`, `must be "1" or "2", got ${JSON.stringify(entry?.winner)}.`);
								continue;
							}
							judgments.push({
								field: `results[${k}]["${key}"].winner`,
								run: { name: judge, model: o.judgeModel ?? null, mode: 'pairwise' },
								systemA: o.systemA,
								systemB: o.systemB,
								order,
								sample: k,
								verdict,
								score: null,
								preference: null,
								raw: entry
							});
						}
					});
				r.checkJson('results', results);
			}
			if (o.systemA === o.systemB) r.fail('output_2', 'systemA and systemB must be different names.');
			if (!r.ok || input === null || out1 === null || out2 === null) return { record: null, issues: r.issues };
			const id = derivedId('llmbar:', input, out1, out2);
			const record = emptyRecord(
				raw.line,
				{ value: id, field: 'input', label: 'pair (input, output_1, output_2)' },
				{ idField: 'input', promptField: 'input' }
			);
			record.item = makeItem({ externalId: id, prompt: input });
			record.answers.push(
				makeAnswer({ itemExternalId: id, field: 'output_1', system: o.systemA, content: out1 }),
				makeAnswer({ itemExternalId: id, field: 'output_2', system: o.systemB, content: out2 })
			);
			if (gold) {
				record.annotations.push({
					itemExternalId: id,
					field: 'label',
					systemA: o.systemA,
					systemB: o.systemB,
					order: null,
					annotator: o.goldAnnotator,
					externalKey: 'gold',
					verdict: gold,
					score: null,
					metadata: {}
				});
			}
			record.judgments = judgments.map((j) => ({ ...j, itemExternalId: id }));
			return { record, issues: [] };
		};
	}
};
