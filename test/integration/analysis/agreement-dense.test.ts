/**
 * The agreement page reads its inputs packed and in parallel (`loadAgreementRows`: answers,
 * judgments and two item ranges of labels on one shared snapshot) and computes on dense arrays
 * (`denseComparisons`, `denseAgreementBreakdowns`). Here its whole answer must equal the one
 * built from comparison objects (`loadComparisons`, the other analysis pages' assembly) on a
 * dataset with every case those two paths must agree on: labels from users, from imports, from
 * an external "gold" panel and as gold labels; labels given with the answers either way round;
 * one annotator labelling a comparison twice; comparisons only the judge saw or only humans saw;
 * one order, both orders, several samples, failed judgments; items in both halves of the uuid
 * space (the label ranges); and every human-source filter.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PAIRWISE_SCALE, confusionMatrix, type PairwiseVote } from '../../../src/lib/stats';
import { loadComparisons, type HumanSource } from '../../../src/lib/server/services/analysis-data';
import {
	agreementBreakdowns,
	judgeHumanRows,
	largestDisagreements
} from '../../../src/lib/server/services/analysis-agreement';
import { countLabelKinds } from '../../../src/lib/server/db/repositories/analysis';
import { createHarness, type Harness } from '../support/harness';
import { makeProjectWithMembers, type ProjectWithMembers } from '../projects/factories';
import { seedDataset } from '../datasets/support/seed';
import { rng } from './support/planted-tools';
import { insertJudgeRun, insertPlanted, pairJudgment } from './support/planted-rows';

const ITEMS = 160;
const SYSTEMS = ['s0', 's1', 's2'] as const;
const VOTES: PairwiseVote[] = ['A', 'tie', 'B'];

let h: Harness;
let p: ProjectWithMembers;
let datasetId: string;
let runId: string;
/** Labels per kind, counted as they are written (gold: source gold, or an external annotator named gold). */
const kinds = new Map<string, number>();

beforeAll(async () => {
	h = await createHarness();
	p = await makeProjectWithMembers(h.db, 'Dense agreement');
	const random = rng(11);
	const pick = <T>(list: readonly T[]) => list[Math.floor(random() * list.length)];
	const items = Array.from({ length: ITEMS }, (_, i) => ({
		externalId: `q${i}`,
		prompt: `Question ${i}`,
		category: i % 5 === 0 ? undefined : `c${i % 3}`,
		answers: Object.fromEntries(SYSTEMS.map((s) => [s, `${s} answers ${i}`]))
	}));
	const seeded = await seedDataset(h.db, { projectId: p.projectId, name: 'Dense', items });
	datasetId = seeded.datasetId;
	runId = await insertJudgeRun(h.db, { projectId: p.projectId, datasetId, name: 'judge', mode: 'pairwise' });
	const judgments: object[] = [];
	const labels: object[] = [];
	const annotators: { source: 'imported' | 'ui' | 'gold'; external?: string; user?: string }[] = [
		{ source: 'imported', external: 'ann-1' },
		{ source: 'imported', external: 'ann-2' },
		{ source: 'imported', external: 'ann-3' },
		{ source: 'imported', external: 'Gold panel' },
		{ source: 'ui', user: p.admin.id },
		{ source: 'ui', user: p.annotator.id },
		{ source: 'gold' }
	];
	items.forEach((it, i) => {
		const itemId = seeded.items[it.externalId];
		for (const [x, y] of [
			[0, 1],
			[0, 2],
			[1, 2]
		]) {
			const aId = seeded.answers[`${it.externalId}/${SYSTEMS[x]}`];
			const bId = seeded.answers[`${it.externalId}/${SYSTEMS[y]}`];
			const judge = (order: 'ab' | 'ba', sample: number, status: 'ok' | 'failed' = 'ok') =>
				judgments.push(pairJudgment({ runId, itemId, aId, bId }, order, sample, pick(VOTES), status));
			const seen = random();
			if (seen < 0.4) {
				judge('ab', 0);
				judge('ba', 0);
			} else if (seen < 0.6) judge('ab', 0);
			else if (seen < 0.75) {
				judge('ba', 0);
				judge('ba', 1);
				judge('ba', 2);
			} else if (seen < 0.85) judge('ab', 0, 'failed');
			// Else the judge never saw the comparison.
			const count = Math.floor(random() * 5);
			for (let k = 0; k < count; k++) {
				const who = pick(annotators);
				const kind = who.source === 'gold' || /gold/i.test(who.external ?? '') ? 'gold' : who.source;
				kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
				const swap = random() < 0.5;
				labels.push({
					project_id: p.projectId,
					dataset_id: datasetId,
					item_id: itemId,
					answer_a_id: swap ? bId : aId,
					answer_b_id: swap ? aId : bId,
					presented_order: random() < 0.5 ? 'ab' : 'ba',
					source: who.source,
					external_annotator: who.external ?? null,
					external_key: who.external ? `${i}-${x}${y}-${k}` : null,
					annotator_user_id: who.user ?? null,
					verdict: pick(VOTES)
				});
			}
		}
	});
	await insertPlanted(h.db, { judgments, labels });
});
afterAll(() => h.close());

/** The page's answer as it was computed from comparison objects, before the dense path. */
async function fromComparisons(humanSource: HumanSource) {
	const comparisons = await loadComparisons(h.db, { datasetId, runId, humanSource });
	const jh = judgeHumanRows(comparisons);
	const systems = [...new Set(comparisons.flatMap((c) => [c.systemA, c.systemB]))].sort();
	const categories = [...new Set(comparisons.map((c) => c.category).filter((c): c is string => c !== null))].sort();
	const figures = agreementBreakdowns(comparisons, systems, categories);
	return {
		labelKinds: await countLabelKinds(h.db, datasetId),
		counts: {
			judged: comparisons.filter((c) => c.judge?.verdict).length,
			labelled: comparisons.filter((c) => c.humans.length > 0).length,
			both: comparisons.filter((c) => c.judge?.verdict && c.humans.length > 0).length,
			humanPairs: figures.humanPairs
		},
		judgeHuman: figures.judgeHuman,
		humanHuman: figures.humanHuman,
		confusion: jh.x.length > 0 ? confusionMatrix(jh.x, jh.y, PAIRWISE_SCALE) : null,
		bySystem: figures.bySystem,
		byCategory: figures.byCategory,
		disagreements: largestDisagreements(comparisons)
	};
}

describe('the agreement page on packed, parallel reads', () => {
	it.each(['all', 'imported', 'ui', 'gold'] as const)(
		'equals the comparison-object path, human source %s',
		async (humanSource) => {
			const page = await h.caller(p.admin).analysis.agreement({ projectId: p.projectId, datasetId, humanSource });
			const expected = await fromComparisons(humanSource);
			expect(expected.counts.labelled).toBeGreaterThan(0);
			const { labelKinds, counts, judgeHuman, humanHuman, confusion, bySystem, byCategory, disagreements } = page;
			expect({ labelKinds, counts, judgeHuman, humanHuman, confusion, bySystem, byCategory, disagreements }).toEqual(
				expected
			);
		}
	);

	it('counts the labels of each kind', async () => {
		const page = await h.caller(p.admin).analysis.agreement({ projectId: p.projectId, datasetId });
		const expected = [...kinds].map(([kind, count]) => ({ kind, count })).sort((a, b) => a.kind.localeCompare(b.kind));
		expect(page.labelKinds).toEqual(expected);
	});

	it('covers labels in both item ranges and every annotator kind', async () => {
		const rows = await h.db
			.selectFrom('annotation')
			.select(['item_id', 'source', 'external_annotator'])
			.where('dataset_id', '=', datasetId)
			.execute();
		expect(rows.some((r) => r.item_id < '8')).toBe(true);
		expect(rows.some((r) => r.item_id >= '8')).toBe(true);
		expect(new Set(rows.map((r) => r.source))).toEqual(new Set(['imported', 'ui', 'gold']));
		expect(rows.some((r) => r.external_annotator === 'Gold panel')).toBe(true);
	});
});
