/**
 * AlpacaEval JSON arrays (streamed, never parsed whole):
 * - model outputs: [{instruction, output, generator, dataset?}] → items + answers;
 * - annotations: [{instruction, output_1, generator_1, output_2, generator_2,
 *   preference, annotator?, dataset?}] → items, two answers, and a judgment of the
 *   imported run named by `annotator`. `preference` ∈ [1, 2] (2 = output_2 better)
 *   is stored as preference − 1 ∈ [0, 1] for answer B = output_2; the verdict is
 *   A below 1.5, B above, tie at exactly 1.5. AlpacaEval shuffles the order shown
 *   to its judge and un-swaps internally, so the presented order is unknown (null).
 * Items are keyed by a hash of the instruction, so outputs and annotations of the
 * same instruction meet on one item.
 */
import { z } from 'zod';
import { FieldReader } from '../fields';
import { derivedId } from '../hashing';
import { emptyRecord, makeAnswer, makeItem } from '../normalized';
import type { FormatAdapter, MapResult } from './types';

const OutputsOptions = z.object({ systemName: z.string().trim().min(1).max(512).nullish() });
const AnnotationOptions = z.object({
	judgeName: z.string().trim().min(1).max(512).nullish(),
	judgeModel: z.string().trim().min(1).max(512).nullish()
});

const ids = { idField: 'instruction', promptField: 'instruction' };

export const alpacaItemId = (instruction: string) => derivedId('alpaca:', instruction);

export const alpacaOutputsAdapter: FormatAdapter<z.infer<typeof OutputsOptions>> = {
	id: 'alpaca-eval-outputs',
	label: 'AlpacaEval model outputs (JSON)',
	containers: ['json', 'jsonl'],
	detect: (f) => (f.has('instruction') && f.has('output') && !f.has('output_1') ? 0.9 : 0),
	options: OutputsOptions,
	suggest: () => ({ systemName: null }),
	mapper:
		(o, ctx) =>
		(raw): MapResult => {
			const r = new FieldReader(raw.value, raw.line, ctx.limits);
			const instruction = r.string('instruction', { required: true });
			const output = r.string('output', { required: true, allowEmpty: true });
			const system = o.systemName ?? r.name('generator');
			const category = r.string('dataset');
			if (!r.ok || instruction === null || output === null || system === null)
				return { record: null, issues: r.issues };
			const id = alpacaItemId(instruction);
			const record = emptyRecord(
				raw.line,
				{ value: `${id}\u001f${system}`, field: 'instruction', label: `output of "${system}" for this instruction` },
				ids
			);
			record.item = makeItem({ externalId: id, prompt: instruction, category });
			record.answers.push(makeAnswer({ itemExternalId: id, field: 'output', system, content: output }));
			return { record, issues: [] };
		}
};

export const alpacaAnnotationsAdapter: FormatAdapter<z.infer<typeof AnnotationOptions>> = {
	id: 'alpaca-eval-annotations',
	label: 'AlpacaEval annotations (JSON: output_1, output_2, preference)',
	containers: ['json', 'jsonl'],
	detect: (f) =>
		f.has('instruction') && f.has('output_1') && f.has('output_2') ? (f.has('preference') ? 0.95 : 0.7) : 0,
	options: AnnotationOptions,
	suggest: () => ({ judgeName: null, judgeModel: null }),
	mapper:
		(o, ctx) =>
		(raw): MapResult => {
			const r = new FieldReader(raw.value, raw.line, ctx.limits);
			const instruction = r.string('instruction', { required: true });
			const out1 = r.string('output_1', { required: true, allowEmpty: true });
			const out2 = r.string('output_2', { required: true, allowEmpty: true });
			const g1 = r.name('generator_1');
			const g2 = r.name('generator_2');
			const category = r.string('dataset');
			const preference = r.number('preference', { min: 1, max: 2 });
			const judge = o.judgeName ?? r.name('annotator', { required: false }) ?? 'alpaca-eval';
			if (g1 !== null && g1 === g2) r.fail('generator_2', `is the same system as generator_1 ("${g1}").`);
			if (!r.ok || instruction === null || out1 === null || out2 === null || g1 === null || g2 === null)
				return { record: null, issues: r.issues };
			const id = alpacaItemId(instruction);
			const record = emptyRecord(
				raw.line,
				{
					value: `${id}\u001f${g1}\u001f${g2}`,
					field: 'instruction',
					label: `annotation of "${g1}" vs "${g2}" for this instruction`
				},
				ids
			);
			record.item = makeItem({ externalId: id, prompt: instruction, category });
			record.answers.push(
				makeAnswer({ itemExternalId: id, field: 'output_1', system: g1, content: out1 }),
				makeAnswer({ itemExternalId: id, field: 'output_2', system: g2, content: out2 })
			);
			if (preference !== null) {
				const soft = preference - 1;
				record.judgments.push({
					itemExternalId: id,
					field: 'preference',
					run: { name: judge, model: o.judgeModel ?? null, mode: 'pairwise' },
					systemA: g1,
					systemB: g2,
					order: null,
					sample: 0,
					verdict: soft < 0.5 ? 'A' : soft > 0.5 ? 'B' : 'tie',
					score: null,
					preference: soft,
					raw: pick(raw.value, ['preference', 'price_per_example', 'time_per_example'])
				});
			}
			return { record, issues: [] };
		}
};

function pick(obj: Record<string, unknown>, keys: string[]): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const k of keys) if (obj[k] !== undefined) out[k] = obj[k];
	return out;
}
