/**
 * Chatbot Arena vote files (JSON Lines): {question_id, model_a, model_b, winner,
 * num?} with winner ∈ model_a | model_b | tie | "tie (bothbad)". The files carry no
 * texts, so items and answers are stored as unavailable (never invented). A vote
 * becomes a human annotation (annotator pool `annotator`) or a judgment of the imported
 * judge run `judgeName`. Which of the two changes what the data means, so it is never
 * guessed while importing: `voter` is a required setting. The preview pre-fills it from
 * the file name (human.jsonl → human; gpt-4-0125-preview.jsonl → judge "gpt-4-0125-preview")
 * and shows it as a choice; the import records what was chosen. model_a was shown on
 * the left, so the presented order is 'ab'. "tie (bothbad)" is a tie with
 * `bothBad: true` kept in metadata/raw. The battle number `num` keys each vote, so
 * re-imports add nothing and two battles on the same question stay distinct.
 */
import { z } from 'zod';
import type { Verdict } from '../../db/schema';
import { FieldReader } from '../fields';
import { emptyRecord, makeAnswer, makeItem } from '../normalized';
import { baseName, type FormatAdapter, type MapResult } from './types';

const name = z.string().trim().min(1).max(512);
const ArenaOptions = z
	.object({
		voter: z.enum(['human', 'judge'], { error: 'Choose who voted: "human" (labels) or "judge" (verdicts).' }),
		annotator: name.default('chatbot-arena'),
		judgeName: name.nullish(),
		judgeModel: name.nullish()
	})
	.refine((o) => o.voter !== 'judge' || !!o.judgeName, {
		message: 'Name the judge whose verdicts these votes are.',
		path: ['judgeName']
	});
type ArenaOptions = z.infer<typeof ArenaOptions>;

const WINNERS: Record<string, Verdict> = { model_a: 'A', model_b: 'B', tie: 'tie', 'tie (bothbad)': 'tie' };

export const defaultArenaVoter = (fileName: string) => (/^human/i.test(baseName(fileName)) ? 'human' : 'judge');

export const arenaAdapter: FormatAdapter<ArenaOptions> = {
	id: 'arena-votes',
	label: 'Chatbot Arena votes (question_id, model_a, model_b, winner)',
	containers: ['jsonl', 'json'],
	detect: (f) => (f.has('model_a') && f.has('model_b') && f.has('winner') ? 0.95 : 0),
	options: ArenaOptions as z.ZodType<ArenaOptions>,
	suggest: (ctx) => {
		const voter = defaultArenaVoter(ctx.fileName);
		return ArenaOptions.parse({ voter, judgeName: voter === 'judge' ? baseName(ctx.fileName) : null });
	},
	mapper: (o, ctx) => {
		const voter = o.voter;
		const judge = o.judgeName ?? '';
		return (raw): MapResult => {
			const r = new FieldReader(raw.value, raw.line, ctx.limits);
			const id = r.id('question_id');
			const a = r.name('model_a');
			const b = r.name('model_b');
			const winner = r.string('winner', { required: true });
			const verdict = winner === null ? null : WINNERS[winner];
			if (winner !== null && !verdict)
				r.fail('winner', `must be one of model_a, model_b, tie, "tie (bothbad)"; got ${JSON.stringify(winner)}.`);
			const num = r.has('num') ? r.id('num') : null;
			if (a !== null && a === b) r.fail('model_b', `is the same model as model_a ("${a}").`);
			if (!r.ok || id === null || a === null || b === null || !verdict || winner === null)
				return { record: null, issues: r.issues };

			const externalKey = num !== null ? `battle:${num}` : `line:${raw.line}`;
			const record = emptyRecord(
				raw.line,
				num !== null ? { value: externalKey, field: 'num', label: `battle num ${num}` } : null,
				{ idField: 'question_id', promptField: 'question_id' }
			);
			record.item = makeItem({ externalId: id, prompt: null });
			record.answers.push(
				makeAnswer({ itemExternalId: id, field: 'model_a', system: a, content: null }),
				makeAnswer({ itemExternalId: id, field: 'model_b', system: b, content: null })
			);
			const bothBad = winner === 'tie (bothbad)';
			if (voter === 'human') {
				record.annotations.push({
					itemExternalId: id,
					field: 'winner',
					systemA: a,
					systemB: b,
					order: 'ab',
					annotator: o.annotator,
					externalKey,
					verdict,
					score: null,
					metadata: bothBad ? { winner, bothBad } : { winner }
				});
			} else {
				record.judgments.push({
					itemExternalId: id,
					field: 'winner',
					run: { name: judge, model: o.judgeModel ?? null, mode: 'pairwise' },
					systemA: a,
					systemB: b,
					order: 'ab',
					sample: null,
					verdict,
					score: null,
					preference: null,
					raw: { winner, num: num ?? undefined }
				});
			}
			return { record, issues: [] };
		};
	}
};
