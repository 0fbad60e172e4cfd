/**
 * The pointwise score loader on hand-made rows: sample means and spreads per
 * answer, turn and criterion come out of the grouped SQL; failed samples,
 * pairwise rows and other runs are ignored; human labels keep their source,
 * and criteria-only labels get an overall score; the keyset stream returns
 * the same answers page by page.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness';
import { makeProjectWithMembers, type ProjectWithMembers } from '../projects/factories';
import { seedDataset } from '../datasets/support/seed';
import { loadPointwiseScores, streamJudgeScores } from '../../../src/lib/server/services/analysis-scores';

let h: Harness;
let p: ProjectWithMembers;
let datasetId: string;
let runId: string;
const answer: Record<string, string> = {};

beforeAll(async () => {
	h = await createHarness();
	p = await makeProjectWithMembers(h.db, 'Pointwise scores');
	const seeded = await seedDataset(h.db, {
		projectId: p.projectId,
		name: 'Scores',
		items: [
			{ externalId: 'q1', prompt: 'One', category: 'math', answers: { alpha: 'a1', beta: 'b1' } },
			{ externalId: 'q2', prompt: 'Two', category: 'code', answers: { alpha: 'a2', beta: 'b2' } }
		]
	});
	datasetId = seeded.datasetId;
	const rows = await h.db
		.selectFrom('candidate_answer as c')
		.innerJoin('dataset_item as i', 'i.id', 'c.item_id')
		.innerJoin('system as s', 's.id', 'c.system_id')
		.select(['c.id', 'c.item_id', 'i.external_id', 's.name'])
		.where('c.dataset_id', '=', datasetId)
		.execute();
	for (const r of rows) answer[`${r.external_id}/${r.name}`] = r.id;
	const itemOf = new Map(rows.map((r) => [r.id, r.item_id]));
	const mkRun = async (name: string, mode: 'pointwise' | 'pairwise') =>
		(
			await h.db
				.insertInto('judge_run')
				.values({
					project_id: p.projectId,
					dataset_id: datasetId,
					source: 'imported',
					name,
					mode,
					judge_model: 'planted',
					created_by: null,
					import_id: null
				})
				.returning('id')
				.executeTakeFirstOrThrow()
		).id;
	runId = await mkRun('pointwise', 'pointwise');
	const otherRun = await mkRun('other', 'pointwise');
	const j = (
		run: string,
		key: string,
		sample: number,
		score: number | null,
		criteria: Record<string, number> | null,
		extra: object = {}
	) => ({
		run_id: run,
		item_id: itemOf.get(answer[key])!,
		answer_a_id: answer[key],
		sample,
		score,
		criteria: criteria ? JSON.stringify(criteria) : null,
		status: 'ok',
		...extra
	});
	await h.db
		.insertInto('judgment')
		.values([
			j(runId, 'q1/alpha', 0, 4, { help: 4, safe: 5 }),
			j(runId, 'q1/alpha', 1, 2, { help: 2, safe: 3 }),
			j(runId, 'q1/alpha', 2, 9, null, { status: 'failed' }),
			j(runId, 'q1/beta', 0, 3, null),
			// Two turns of one answer: the answer's score is the mean of the turn means.
			j(runId, 'q2/alpha', 0, 5, null, { turn: 0 }),
			j(runId, 'q2/alpha', 0, 1, null, { turn: 1 }),
			j(runId, 'q2/alpha', 1, 3, null, { turn: 1 }),
			j(otherRun, 'q2/beta', 0, 1, null),
			// A pairwise row in the same run is not a pointwise score.
			j(runId, 'q2/beta', 0, null, null, { answer_b_id: answer['q2/alpha'], presented_order: 'ab', verdict: 'A' })
		] as never)
		.execute();
	const label = (key: string, extra: object) => ({
		project_id: p.projectId,
		dataset_id: datasetId,
		item_id: itemOf.get(answer[key])!,
		answer_a_id: answer[key],
		...extra
	});
	await h.db
		.insertInto('annotation')
		.values([
			label('q1/alpha', { source: 'imported', external_annotator: 'ann-1', external_key: 'k', score: 3 }),
			label('q1/alpha', { source: 'gold', annotator_user_id: p.admin.id, score: 4 }),
			label('q1/alpha', {
				source: 'ui',
				annotator_user_id: p.viewer.id,
				criteria: JSON.stringify({ help: 2, safe: 4 }),
				red_lines: JSON.stringify({ safe: false })
			}),
			label('q2/beta', { source: 'imported', external_annotator: 'ann-1', external_key: 'k', score: 5 }),
			// A pairwise label is not a pointwise score.
			label('q1/beta', {
				source: 'imported',
				external_annotator: 'ann-1',
				external_key: 'p',
				answer_b_id: answer['q1/alpha'],
				verdict: 'A'
			})
		] as never)
		.execute();
});
afterAll(() => h.close());

describe('pointwise score loader', () => {
	it('aggregates samples per answer, turn and criterion and attaches every human score', async () => {
		const rows = await loadPointwiseScores(h.db, { datasetId, runId, humanSource: 'all' });
		const of = (key: string) => rows.find((r) => r.answerId === answer[key]);
		expect(rows).toHaveLength(4);
		const a1 = of('q1/alpha')!;
		expect(a1).toMatchObject({ system: 'alpha', category: 'math', externalId: 'q1' });
		expect(a1.judge!.score).toBeCloseTo(3);
		expect(a1.judge!.sd).toBeCloseTo(Math.SQRT2);
		expect(a1.judge!.samples).toBe(2);
		expect(a1.judge!.criteria).toEqual({ help: 3, safe: 4 });
		expect(a1.judge!.turns[0].criteria.help).toMatchObject({ n: 2 });
		expect(a1.judge!.turns[0].criteria.help.sd).toBeCloseTo(Math.SQRT2);
		// One statement wrote them all (same created_at): compare as a set.
		expect(a1.humans.map((x) => [x.kind, x.score, x.redLineFailed]).sort()).toEqual([
			['gold', 4, false],
			['imported', 3, false],
			['ui', 3, true]
		]);
		const a2 = of('q2/alpha')!;
		expect(a2.judge!.turns.map((t) => [t.turn, t.score])).toEqual([
			[0, 5],
			[1, 2]
		]);
		expect(a2.judge!.score).toBeCloseTo(3.5);
		expect(a2.humans).toEqual([]);
		expect(of('q1/beta')!.judge!.score).toBe(3);
		expect(of('q2/beta')).toMatchObject({ judge: null, humans: [{ kind: 'imported', score: 5 }] });
	});

	it('filters human labels by source', async () => {
		const gold = await loadPointwiseScores(h.db, { datasetId, runId, humanSource: 'gold' });
		expect(gold.flatMap((r) => r.humans.map((x) => x.score))).toEqual([4]);
		const none = await loadPointwiseScores(h.db, { datasetId, runId: null, humanSource: 'ui' });
		expect(none).toHaveLength(1);
		expect(none[0].judge).toBeNull();
	});

	it('streams the same judge scores page by page', async () => {
		const streamed = [];
		for await (const r of streamJudgeScores(h.db, { runId, rubric: null, pageSize: 2 })) streamed.push(r);
		const loaded = (await loadPointwiseScores(h.db, { datasetId, runId, humanSource: 'all' })).filter((r) => r.judge);
		expect(streamed.map((s) => [s.row.answerId, s.score.score])).toEqual(
			loaded.map((r) => [r.answerId, r.judge!.score])
		);
	});
});
