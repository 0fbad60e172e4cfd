/**
 * Calibration on a planted pointwise dataset (support/pointwise-planted.ts):
 * humans read the judge's 1–10 scores through a known convex distortion, so
 * the isotonic map must bring it back at every judge level within its
 * interval (widened to 99.9% as in planted.test.ts: a dozen 95% intervals
 * would miss somewhere one run in two), the cross-validated error must drop,
 * and the system that humans never labelled is named in a warning.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness';
import { makeProjectWithMembers, type ProjectWithMembers } from '../projects/factories';
import { plantPointwise, TRUE_MAP, type PlantedPointwise } from './support/pointwise-planted';
import { calibratedScores } from '../../../src/lib/server/services/analysis-calibration';
import { findMembership } from '../../../src/lib/server/db/repositories/members';

let h: Harness;
let p: ProjectWithMembers;
let planted: PlantedPointwise;

const WIDEN_TO_999 = 3.2905 / 1.96;
const inside = (value: number, ci: [number, number] | null | undefined) => {
	expect(ci).toBeTruthy();
	const centre = (ci![0] + ci![1]) / 2;
	const half = Math.max((ci![1] - ci![0]) / 2, 1e-9) * WIDEN_TO_999;
	expect(value).toBeGreaterThanOrEqual(centre - half);
	expect(value).toBeLessThanOrEqual(centre + half);
};

beforeAll(async () => {
	h = await createHarness();
	p = await makeProjectWithMembers(h.db, 'Calibration');
	planted = await plantPointwise(h.db, { projectId: p.projectId, items: 300, goldItems: 120, labelledItems: 200 });
});
afterAll(() => h.close());

describe('calibration on a planted distortion', () => {
	it('fits on gold, undoes the distortion within its intervals and lowers the error', async () => {
		const c = await h.caller(p.viewer).analysis.calibration({ projectId: p.projectId, datasetId: planted.datasetId });
		expect(c.run?.id).toBe(planted.runId);
		expect(c.target).toBe('gold');
		expect(c.counts).toMatchObject({ judged: 1200, calibration: 360, items: 120, goldAnswers: 360 });
		const common = c.reliability.filter((r) => r.count >= 15);
		expect(common.length).toBeGreaterThanOrEqual(5);
		for (const r of common) inside(TRUE_MAP(r.x), r.ci);
		const e = c.errors!;
		expect(e.maeAfter.estimate).toBeLessThan(e.maeBefore.estimate);
		expect(e.maeChange.ci![1]).toBeLessThan(0);
		// Gold noise sd 0.5: the calibrated MAE is near its E|N(0, 0.5)| = 0.40.
		inside(0.5 * Math.sqrt(2 / Math.PI), e.maeAfter.ci);
		expect(c.warnings.map((w) => w.key)).toEqual(['analysis_calibration_warn_systems']);
		expect(c.warnings[0].params.list).toBe('unseen');
	});

	it('fits on the consensus (mean of the other labels) when asked', async () => {
		const c = await h.caller(p.admin).analysis.calibration({
			projectId: p.projectId,
			datasetId: planted.datasetId,
			target: 'consensus'
		});
		expect(c.target).toBe('consensus');
		expect(c.counts.calibration).toBe(600);
		for (const r of c.reliability.filter((x) => x.count >= 15)) inside(TRUE_MAP(r.x), r.ci);
	});

	it('streams every judged answer with its calibrated score and interval', async () => {
		const membership = (await findMembership(h.db, p.projectId, p.admin.id))!;
		const rows = [];
		for await (const r of calibratedScores(h.db, membership, {
			datasetId: planted.datasetId,
			judgeRunId: planted.runId
		}))
			rows.push(r);
		expect(rows).toHaveLength(1200);
		for (const r of rows.slice(0, 50)) {
			expect(r.ci![0]).toBeLessThanOrEqual(r.calibratedScore!);
			expect(r.ci![1]).toBeGreaterThanOrEqual(r.calibratedScore!);
		}
		const at9 = rows.find((r) => r.rawScore === 9)!;
		inside(TRUE_MAP(9), at9.ci);
	});

	it('leaderboard: people, raw, calibrated and PPI++ means per system, tied ranks and red lines', async () => {
		const l = await h.caller(p.viewer).analysis.leaderboard({ projectId: p.projectId, datasetId: planted.datasetId });
		expect(l.run?.id).toBe(planted.runId);
		const board = l.pointwise!;
		expect(board.calibratedOn).toBe('gold');
		const row = (s: string) => board.rows.find((r) => r.system === s)!;
		const truth = (s: string, items = 300) =>
			planted.judgeScores[s].slice(0, items).reduce((a, j) => a + TRUE_MAP(j), 0) / items;
		for (const s of ['strong', 'mid', 'weak']) {
			inside(truth(s, 200), row(s).human!.ci);
			inside(truth(s), row(s).ppi!.ci);
			expect(Math.abs(row(s).judgeCalibrated!.estimate - truth(s))).toBeLessThan(0.3);
			const raw = planted.judgeScores[s].reduce((a, j) => a + j, 0) / 300;
			expect(row(s).judgeRaw!.estimate).toBeCloseTo(raw, 10);
		}
		// Never labelled: no people, no PPI++; ranked by its calibrated mean.
		expect(row('unseen')).toMatchObject({ human: null, ppi: null });
		expect(board.rows.slice(0, 1).map((r) => r.system)).toEqual(['strong']);
		expect(row('strong')).toMatchObject({ rank: 1, tiedRank: 1, tied: false });
		expect(row('weak').rank).toBe(4);
		expect(row('weak').redLines).toEqual({ judge: 0, human: 40 });
		expect(row('mid').redLines.human).toBe(0);
	});

	it('annotators and outsiders get none of it', async () => {
		for (const user of [p.annotator, p.outsider])
			await expect(
				h.caller(user).analysis.calibration({ projectId: p.projectId, datasetId: planted.datasetId })
			).rejects.toThrow();
	});
});
