/**
 * The analysis procedures on the public samples in ../shared/data, imported
 * through the real path: the agreement and bias numbers they return equal
 * src/lib/stats computed directly on the files. Battles are grouped the way
 * the service documents (item × unordered answer pair; a judge's repeated
 * verdicts on one comparison by majority, every human vote kept), here from the
 * raw file rows.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bradleyTerry, pairwiseAgreement, positionBias, type PairwiseVote } from '../../../src/lib/stats';
import { listAnswerInfo, listPairLabels } from '../../../src/lib/server/db/repositories/analysis';
import { hasSharedData, sharedData } from '../../support/shared-data';
import { createImportHarness, type ImportHarness } from '../imports/support/import-harness';

let h: ImportHarness;
beforeAll(async () => {
	h = await createImportHarness();
});
afterAll(() => h.close());

const close = (a: number | null | undefined, b: number | null | undefined) => {
	expect(a).not.toBeNull();
	expect(b).not.toBeNull();
	expect(a!).toBeCloseTo(b!, 12);
};

describe.skipIf(!hasSharedData('llmbar-natural'))('LLMBar natural through the import path', () => {
	it('agreement with the gold labels and position bias equal lib/stats on the file', async () => {
		const p = await h.project('LLMBar analysis');
		await h.importFile(
			p,
			{ path: sharedData('llmbar-natural/dataset.json') },
			{ newDatasetName: 'LLMBar', format: 'llmbar' }
		);
		const datasetId = await h.datasetId(p, 'LLMBar');
		const imp = await h.importFile(
			p,
			{ path: sharedData('llmbar-natural/gpt4-vanilla-both-orders.json') },
			{ datasetId, format: 'llmbar', mapping: { judgeName: 'gpt4-vanilla-both-orders' } }
		);
		expect(imp.status).toBe('succeeded');

		const rows = JSON.parse(readFileSync(sharedData('llmbar-natural/gpt4-vanilla-both-orders.json'), 'utf8')) as {
			label: number;
			results: Record<string, { winner: string }>[];
		}[];
		const toVote = (w: string | number): PairwiseVote => (String(w) === '1' ? 'A' : String(w) === '2' ? 'B' : 'tie');
		const forward = rows.map((r) => toVote(r.results[0]['swap = False'].winner));
		const reversed = rows.map((r) => toVote(r.results[0]['swap = True'].winner));
		const merged = forward.map((f, i) => (f === reversed[i] ? f : 'tie'));
		const gold = rows.map((r) => toVote(r.label));

		const caller = h.caller(p.admin);
		const a = await caller.analysis.agreement({ projectId: p.projectId, datasetId });
		const expected = pairwiseAgreement(merged, gold, { scale: 'nominal' });
		expect(a.run?.name).toBe('gpt4-vanilla-both-orders');
		expect(a.judgeHuman!.n).toBe(100);
		close(a.judgeHuman!.withTies.estimate, expected.withTies);
		close(a.judgeHuman!.withoutTies!.estimate, expected.withoutTies);
		close(a.judgeHuman!.kappa?.estimate, expected.ordinal.kappa);
		close(a.judgeHuman!.alpha?.estimate, expected.ordinal.alpha);
		close(a.judgeHuman!.nominalKappa?.estimate, expected.nominal!.kappa);
		const ci = a.judgeHuman!.withTies.ci!;
		expect(ci[0]).toBeLessThanOrEqual(expected.withTies);
		expect(ci[1]).toBeGreaterThanOrEqual(expected.withTies);
		// Gold labels are a source of their own; the gold filter keeps all 100.
		expect(a.labelKinds).toEqual([{ kind: 'gold', count: 100 }]);
		const goldOnly = await caller.analysis.agreement({ projectId: p.projectId, datasetId, humanSource: 'gold' });
		expect(goldOnly.judgeHuman!.n).toBe(100);
		const uiOnly = await caller.analysis.agreement({ projectId: p.projectId, datasetId, humanSource: 'ui' });
		expect(uiOnly.judgeHuman).toBeNull();

		const b = await caller.analysis.bias({ projectId: p.projectId, judgeRunId: a.run!.id });
		const pos = positionBias(
			forward.map((f, i) => ({ forward: f, reversed: reversed[i] })),
			{ seed: 1 }
		);
		expect(b.position!.n).toBe(100);
		close(b.position!.consistency.estimate, pos.consistency.estimate);
		close(b.position!.flipRate.estimate, pos.flipRate.estimate);
		close(b.position!.firstPosition!.estimate, pos.firstPosition!.estimate);
		expect(b.position!.breakdown.biasedFirst.count).toBe(pos.breakdown.biasedFirst.count);
		expect(b.position!.breakdown.biasedSecond.count).toBe(pos.breakdown.biasedSecond.count);
		expect(b.sentences.length).toBeGreaterThan(0);
	}, 120_000);
});

describe.skipIf(!hasSharedData('chatbot-arena-votes'))('Chatbot Arena through the import path', () => {
	it('GPT-4 vs human agreement, first-shown shares and the human Bradley–Terry board equal lib/stats', async () => {
		const p = await h.project('Arena analysis');
		await h.importFile(
			p,
			{ path: sharedData('chatbot-arena-votes/human.jsonl') },
			{ newDatasetName: 'Arena', format: 'arena-votes', mapping: { voter: 'human' } }
		);
		const datasetId = await h.datasetId(p, 'Arena');
		const j = await h.importFile(
			p,
			{ path: sharedData('chatbot-arena-votes/gpt-4-0125-preview.jsonl') },
			{ datasetId, format: 'arena-votes', mapping: { voter: 'judge', judgeName: 'gpt-4-0125-preview' } }
		);
		expect(j.status).toBe('succeeded');

		type Vote = { question_id: string; model_a: string; model_b: string; winner: string };
		const read = (f: string) =>
			readFileSync(sharedData(`chatbot-arena-votes/${f}`), 'utf8')
				.split('\n')
				.filter(Boolean)
				.map((l) => JSON.parse(l) as Vote);
		const human = read('human.jsonl');
		// κ and α depend on each comparison's orientation (which answer is A). The service takes the
		// first label it reads; take the same from the repository, so only the statistics are compared.
		const names = new Map(
			(await listAnswerInfo(h.db, datasetId)).map((x) => [x.id, { item: x.externalId, system: x.system }])
		);
		const firstA = new Map<string, string>();
		for (const l of await listPairLabels(h.db, datasetId, 'all')) {
			const a = names.get(l.answerAId)!;
			const b = names.get(l.answerBId)!;
			const key = `${a.item}|${[a.system, b.system].sort().join('|')}`;
			if (!firstA.has(key)) firstA.set(key, a.system);
		}
		const judge = read('gpt-4-0125-preview.jsonl');
		const vote = (w: string): PairwiseVote => (w === 'model_a' ? 'A' : w === 'model_b' ? 'B' : 'tie');
		// In the comparison's orientation, so repeated battles in either order line up.
		const oriented = (v: Vote): { key: string; vote: PairwiseVote } => {
			const key = `${v.question_id}|${[v.model_a, v.model_b].sort().join('|')}`;
			const same = firstA.get(key) === v.model_a;
			const x = vote(v.winner);
			return { key, vote: same ? x : x === 'A' ? 'B' : x === 'B' ? 'A' : 'tie' };
		};
		const humans = new Map<string, PairwiseVote[]>();
		for (const v of human) {
			const o = oriented(v);
			humans.set(o.key, [...(humans.get(o.key) ?? []), o.vote]);
		}
		const judges = new Map<string, PairwiseVote[]>();
		for (const v of judge) {
			const o = oriented(v);
			judges.set(o.key, [...(judges.get(o.key) ?? []), o.vote]);
		}
		const majority = (vs: PairwiseVote[]): PairwiseVote => {
			const c = { A: 0, B: 0, tie: 0 };
			for (const v of vs) c[v]++;
			return c.A > c.B && c.A > c.tie ? 'A' : c.B > c.A && c.B > c.tie ? 'B' : 'tie';
		};
		const jx: PairwiseVote[] = [];
		const hy: PairwiseVote[] = [];
		for (const [key, hv] of humans) {
			const jv = judges.get(key);
			if (!jv) continue;
			for (const v of hv) {
				jx.push(majority(jv));
				hy.push(v);
			}
		}
		const expected = pairwiseAgreement(jx, hy, { scale: 'nominal' });
		const caller = h.caller(p.admin);
		const a = await caller.analysis.agreement({ projectId: p.projectId, datasetId });
		expect(a.judgeHuman!.n).toBe(26_919);
		close(a.judgeHuman!.withTies.estimate, expected.withTies);
		close(a.judgeHuman!.withoutTies!.estimate, expected.withoutTies);
		close(a.judgeHuman!.kappa?.estimate, expected.ordinal.kappa);
		close(a.judgeHuman!.alpha?.estimate, expected.ordinal.alpha);
		close(a.judgeHuman!.nominalKappa?.estimate, expected.nominal!.kappa);
		close(a.judgeHuman!.nominalAlpha?.estimate, expected.nominal!.alpha);
		// The published figures for GPT-4 (src/lib/stats/README.md), up to the 9 repeated battles.
		expect(a.judgeHuman!.withTies.estimate).toBeCloseTo(0.555, 2);
		expect(a.bySystem.length).toBeGreaterThan(5);
		expect(a.confusion!.matrix.flat().reduce((s, n) => s + n, 0)).toBe(26_919);

		// Humans' first-shown share: every decisive vote, model_a shown first.
		const decisive = human.filter((v) => v.winner === 'model_a' || v.winner === 'model_b');
		const b = await caller.analysis.bias({ projectId: p.projectId, judgeRunId: a.run!.id });
		close(b.firstShown.humans!.estimate, decisive.filter((v) => v.winner === 'model_a').length / decisive.length);
		expect(b.firstShown.humans!.n).toBe(decisive.length);
		expect(b.position).toBeNull();

		// Bradley–Terry on the human votes, as lib/stats fits them from the file.
		const board = await caller.analysis.leaderboard({ projectId: p.projectId, datasetId });
		const direct = bradleyTerry(
			human.map((v) => ({
				a: v.model_a,
				b: v.model_b,
				winner: v.winner === 'model_a' ? 'a' : v.winner === 'model_b' ? 'b' : 'tie'
			})),
			{ resamples: 0 }
		);
		const fromPage = board.bradleyTerry.human!.rows;
		expect(fromPage.map((r) => r.system)).toEqual(direct.players.map((q) => q.name));
		fromPage.forEach((r, i) => expect(r.rating).toBeCloseTo(direct.players[i].rating, 6));
	}, 300_000);
});
