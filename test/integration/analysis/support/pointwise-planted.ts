/**
 * A planted pointwise dataset for the calibration and leaderboard tests: a
 * simulated judge on a 1–10 scale whose scores humans read through a known
 * monotone distortion, written straight into the tables.
 *
 * Per item, one answer per system. The judge's score j of an answer is drawn
 * around the system's level (strong 7, mid 5, weak 3, unseen 5; ± 2 uniform,
 * clamped to 1–10). Humans see h = TRUE_MAP(j) + noise: gold labels (noise sd
 * 0.5) on the first GOLD_ITEMS items, two imported annotators (sd 1) on the
 * first LABELLED_ITEMS items; the system 'unseen' is judged but never labelled.
 * So calibration must bring TRUE_MAP back, and a system's human-scale mean is
 * the mean of TRUE_MAP(j) over its answers. Every fifth labelled answer of
 * 'weak' has an imported red-line failure.
 */
import type { Db } from '../../../../src/lib/server/db/client';
import { seedDataset } from '../../datasets/support/seed';
import { insertJudgeRun, insertPlanted } from './planted-rows';
import { rng } from './planted-tools';

export const SYSTEMS = { strong: 7, mid: 5, weak: 3, unseen: 5 } as const;
export const TRUE_MAP = (j: number) => 1 + 9 * ((j - 1) / 9) ** 2;

export interface PlantedPointwise {
	datasetId: string;
	runId: string;
	/** system → the judge's scores of its answers (all items). */
	judgeScores: Record<string, number[]>;
}

export async function plantPointwise(
	db: Db,
	opts: { projectId: string; items: number; goldItems: number; labelledItems: number; seed?: number }
): Promise<PlantedPointwise> {
	const random = rng(opts.seed ?? 5);
	const normal = () => Math.sqrt(-2 * Math.log(random() || 1e-12)) * Math.cos(2 * Math.PI * random());
	const names = Object.keys(SYSTEMS) as (keyof typeof SYSTEMS)[];
	const items = Array.from({ length: opts.items }, (_, i) => ({
		externalId: `p${i}`,
		prompt: `Prompt ${i}`,
		category: i % 2 ? 'odd' : 'even',
		answers: Object.fromEntries(names.map((s) => [s, `${s} answer ${i}`]))
	}));
	const seeded = await seedDataset(db, { projectId: opts.projectId, name: 'Planted pointwise', items });
	const runId = await insertJudgeRun(db, {
		projectId: opts.projectId,
		datasetId: seeded.datasetId,
		name: 'simulated pointwise judge',
		mode: 'pointwise'
	});
	const judgments: object[] = [];
	const labels: object[] = [];
	const judgeScores: Record<string, number[]> = {};
	items.forEach((it, i) => {
		const itemId = seeded.items[it.externalId];
		for (const s of names) {
			const answerId = seeded.answers[`${it.externalId}/${s}`];
			const j = Math.min(10, Math.max(1, SYSTEMS[s] + Math.round(random() * 4 - 2)));
			(judgeScores[s] ??= []).push(j);
			judgments.push({ run_id: runId, item_id: itemId, answer_a_id: answerId, sample: 0, score: j, status: 'ok' });
			if (s === 'unseen') continue;
			const base = {
				project_id: opts.projectId,
				dataset_id: seeded.datasetId,
				item_id: itemId,
				answer_a_id: answerId,
				source: 'imported'
			};
			if (i < opts.goldItems)
				labels.push({
					...base,
					external_annotator: 'gold',
					external_key: `g${i}`,
					score: TRUE_MAP(j) + 0.5 * normal()
				});
			if (i < opts.labelledItems)
				for (const annotator of ['ann-1', 'ann-2'])
					labels.push({
						...base,
						external_annotator: annotator,
						external_key: `k${i}`,
						score: TRUE_MAP(j) + normal(),
						red_lines: s === 'weak' && i % 5 === 0 && annotator === 'ann-1' ? JSON.stringify({ safe: false }) : null
					});
		}
	});
	await insertPlanted(db, { judgments, labels });
	return { datasetId: seeded.datasetId, runId, judgeScores };
}
