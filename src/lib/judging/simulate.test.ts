import { describe, expect, it } from 'vitest';
import { positionBias, type BothOrderVerdict } from '../stats/position-bias';
import { createRng, randomInt } from '../stats/rng';
import { aggregateSamples, combineOrders } from './aggregate';
import { executeJudgment, simulatedCallLlm } from './execute';
import { parseVerdict } from './parse-verdict';
import { answerFeatures, simulatedJudgeName, simulateReply, unigramF1, type SimulatedJudgeConfig } from './simulate';
import { criteria5, criteriaTone, pairwise, passFail, score10, score10Reference } from './test-rubrics';
import type { JudgeAnswer, PairwiseWinner } from './types';

const base: SimulatedJudgeConfig = { seed: 7, positionBias: 0, lengthBias: 0, noise: 0.1, tieMargin: 0.01 };

/** Answers of varied length and structure, reproducibly. */
function randomAnswer(rng: () => number): JudgeAnswer {
	const words = 20 + randomInt(rng, 200);
	const lines = Array.from({ length: 1 + randomInt(rng, 6) }, (_, i) =>
		rng() < 0.4 ? `- point ${i}` : 'word '.repeat(Math.ceil(words / 6)).trim()
	);
	if (rng() < 0.3) lines.unshift('## Heading');
	return { content: lines.join('\n') };
}

async function bothOrders(config: SimulatedJudgeConfig, pairs: number): Promise<BothOrderVerdict[]> {
	const rng = createRng(11);
	const callLlm = simulatedCallLlm(config);
	const rows: BothOrderVerdict[] = [];
	for (let i = 0; i < pairs; i++) {
		const item = { prompt: `Question ${i}` };
		const answers = [randomAnswer(rng), randomAnswer(rng)];
		const [ab, ba] = await Promise.all(
			(['ab', 'ba'] as const).map((order) => executeJudgment({ rubric: pairwise, item, answers, order, callLlm }))
		);
		const winner = (r: typeof ab) => (r.outcome.kind === 'pairwise' ? r.outcome.winner : null);
		rows.push({ forward: winner(ab), reversed: winner(ba), item: i });
	}
	return rows;
}

describe('simulated judge', () => {
	it('is always named and labelled simulated', () => {
		expect(simulatedJudgeName(base)).toMatch(/^simulated judge/);
		const en = simulateReply({ rubric: score10, item: { prompt: 'q' }, answers: [{ content: 'a' }], config: base });
		expect(en).toContain('Simulated judge (not a real model)');
		const zh = simulateReply({
			rubric: { ...score10, locale: 'zh-CN' },
			item: { prompt: 'q' },
			answers: [{ content: 'a' }],
			config: base
		});
		expect(zh).toContain('模拟评审（不是真实模型）');
		expect(zh).toMatch(/评分：\[\[\d+\]\]$/);
	});

	it('writes replies the real parser reads, as text and as structured JSON, for every rubric kind', () => {
		const item = { prompt: 'Explain recursion.', reference: 'A function calling itself.' };
		const one = [{ content: 'A function that calls itself, with a base case.' }];
		const two = [...one, { content: '- calls itself\n- needs a base case' }];
		for (const rubric of [score10, score10Reference, criteria5, criteriaTone, passFail, pairwise]) {
			for (const structured of [false, true]) {
				for (let sample = 0; sample < 5; sample++) {
					const answers = rubric.mode === 'pairwise' ? two : one;
					const reply = simulateReply({ rubric, item, answers, sample, structured, config: base });
					const parsed = parseVerdict(rubric, reply);
					expect([rubric.name, parsed.ok && parsed.kind]).toEqual([rubric.name, parsed.ok ? parsed.kind : 'unparsed']);
					if (parsed.ok && parsed.kind !== 'abstain') expect(parsed.method).toBe(structured ? 'json' : parsed.method);
				}
			}
		}
		const abstaining = simulateReply({ rubric: pairwise, item, answers: two, config: { ...base, abstainRate: 1 } });
		expect(parseVerdict(pairwise, abstaining)).toMatchObject({ ok: true, kind: 'abstain' });
	});

	it('is deterministic per call and varies across samples', () => {
		const input = {
			rubric: score10,
			item: { prompt: 'q' },
			answers: [{ content: 'some answer' }],
			config: { ...base, noise: 0.4 }
		};
		expect(simulateReply(input)).toBe(simulateReply(input));
		const scores = new Set(Array.from({ length: 20 }, (_, sample) => simulateReply({ ...input, sample })));
		expect(scores.size).toBeGreaterThan(1);
	});

	it('scores answers closer to the reference higher', () => {
		expect(unigramF1('the cat sat', 'the cat sat')).toBe(1);
		expect(unigramF1('猫坐着', '猫坐着')).toBe(1);
		expect(answerFeatures('## A\n- x\n- y\n```js\n1\n```', null)).toMatchObject({ structure: 4 / 6, overlap: null });
		const item = {
			prompt: 'Boiling point of water at sea level?',
			reference: 'Water boils at 100 degrees Celsius at sea level.'
		};
		const mean = (content: string) => {
			const samples = Array.from({ length: 30 }, (_, sample) => {
				const parsed = parseVerdict(
					score10Reference,
					simulateReply({ rubric: score10Reference, item, answers: [{ content }], sample, config: base })
				);
				return parsed.ok && parsed.kind === 'score' ? parsed.score : Number.NaN;
			});
			return samples.reduce((a, b) => a + b, 0) / samples.length;
		};
		expect(mean('At sea level water boils at 100 degrees Celsius.')).toBeGreaterThan(
			mean('Bananas are yellow and rich in potassium.') + 3
		);
	});

	it('favours longer answers by the configured length bias', async () => {
		const short = { content: 'Short but fine answer.' };
		const long = { content: 'Long answer. '.repeat(120) };
		const callLlm = simulatedCallLlm({ ...base, lengthBias: 0.1 });
		const verdicts: (PairwiseWinner | null)[] = [];
		for (let i = 0; i < 100; i++) {
			const forward = await executeJudgment({
				rubric: pairwise,
				item: { prompt: `q${i}` },
				answers: [short, long],
				order: 'ab',
				callLlm
			});
			const reversed = await executeJudgment({
				rubric: pairwise,
				item: { prompt: `q${i}` },
				answers: [short, long],
				order: 'ba',
				callLlm
			});
			verdicts.push(combineOrders(forward.outcome, reversed.outcome).verdict);
		}
		expect(verdicts.filter((v) => v === 'B').length).toBeGreaterThan(90);
	});

	// 1,500 pairs × 2 orders through the whole path: slow on a shared 2-core machine.
	it.each([0, 0.3, -0.4])(
		'position bias %f is recovered from both-order runs',
		async (bias) => {
			const rows = await bothOrders({ ...base, positionBias: bias }, 1500);
			const result = positionBias(rows, { resamples: 200 });
			expect(result.firstPosition).not.toBeNull();
			// First-shown share of decisive verdicts = 0.5 + bias / 2 under the simulator's model.
			const recovered = 2 * (result.firstPosition!.estimate - 0.5);
			expect(Math.abs(recovered - bias)).toBeLessThan(0.05);
		},
		60_000
	);

	it('shows position bias as inconsistent pairs in the both-order aggregation', async () => {
		const inconsistency = async (bias: number) => {
			const rows = await bothOrders({ ...base, noise: 0.02, positionBias: bias }, 400);
			const combined = rows.map((r) =>
				combineOrders(
					r.forward && { kind: 'pairwise', winner: r.forward },
					r.reversed && { kind: 'pairwise', winner: r.reversed }
				)
			);
			return combined.filter((c) => c.consistent === false).length / rows.length;
		};
		expect(await inconsistency(0.6)).toBeGreaterThan((await inconsistency(0)) + 0.2);
	}, 60_000);

	it('aggregates k simulated samples with their spread', async () => {
		const callLlm = simulatedCallLlm({ ...base, noise: 0.3 });
		const outcomes = [];
		for (let sample = 0; sample < 7; sample++) {
			const result = await executeJudgment({
				rubric: score10,
				item: { prompt: 'q' },
				answers: [{ content: 'answer' }],
				sample,
				callLlm
			});
			outcomes.push(result.outcome);
		}
		const aggregate = aggregateSamples(score10, outcomes);
		expect(aggregate).toMatchObject({ status: 'ok', kind: 'score', n: 7, valid: 7 });
		if (aggregate.status === 'ok' && aggregate.kind === 'score') expect(aggregate.spread.sd).toBeGreaterThan(0);
	});
});
