/**
 * Planning a live run's units in two steps. Inserting every unit up front (foreign-key checks
 * and four indexes per row, ≈ 45 µs a unit) kept a 10,000-unit run from judging anything for
 * 0.4 s. So the start inserts only a first batch (and counts the rest, for the total); the run's
 * jobs insert the rest while the first ones are judged:
 *
 *   start     the run row, the count and the first `firstUnitsOf(concurrency)` units, in one
 *             transaction; a run that fits in the batch is planned at once (units_planned)
 *   planRest  the rest (insert … on conflict do nothing: the first batch is skipped), the real
 *             total, units_planned = true, in one transaction under the run's planning lock.
 *             Each job tries it at its start without waiting; a job that runs out of units while
 *             the run is unplanned waits for the lock, so a planner that died (its transaction
 *             rolled back) is replaced by the next job that needs units.
 *
 * A run is completed only once planned (repositories completeRunIfDone); resume and clone of an
 * unplanned run (its planner killed, then the run cancelled) plan it as a start would.
 */
import type { JudgeRunOptions } from '../../schemas/judge-run';
import type { Db } from '../db/client';
import * as repo from '../db/repositories/judge-runs';
import type { UnitSelection } from '../db/repositories/judge-runs';
import type { JudgeMode } from '../db/schema';

/**
 * Units inserted with the run: eight rounds of the provider's concurrency, which keep its calls
 * busy while the rest goes in (≈ 0.5 s per 10,000 units, more while the first ones are judged).
 * A run of up to 1,000 units (≈ 45 ms) goes in whole, planned from the start, as before.
 */
export const firstUnitsOf = (concurrency: number) => Math.max(1000, 8 * concurrency);

/** What a run judges: its stored options, mode and calibration set, and its rubric's turns. */
export function selectionOf(
	run: { id: string; dataset_id: string; mode: JudgeMode; options: unknown; calibration_set_id: string | null },
	turns: 'last' | 'every'
): UnitSelection {
	const o = run.options as JudgeRunOptions;
	return {
		runId: run.id,
		datasetId: run.dataset_id,
		mode: run.mode,
		turns,
		samples: o.samples,
		bothOrders: !!o.bothOrders,
		pairing: o.pairing,
		baselineSystemId: o.baselineSystemId ?? null,
		systemIds: o.systemIds ?? null,
		categories: o.categories ?? null,
		sampleItems: o.sampleItems ?? null,
		sampleSeed: o.sampleSeed ?? 1,
		calibrationSetId: run.calibration_set_id
	};
}

/**
 * The first batch of a new run's units, in the caller's transaction (the run row was just
 * inserted unplanned). Returns the run's total; when the batch held them all the run is planned.
 */
export async function planFirstUnits(trx: Db, selection: UnitSelection, concurrency: number): Promise<number> {
	const first = firstUnitsOf(concurrency);
	const counted = await repo.insertFirstUnits(trx, selection, first);
	if (counted <= first) {
		const total = await repo.countUnits(trx, selection.runId);
		await repo.markUnitsPlanned(trx, selection.runId, total);
		return total;
	}
	await repo.setRunTotal(trx, selection.runId, counted);
	return counted;
}

/**
 * Inserts the rest of a run's units unless that is done. `wait` false: gives up at once when
 * another job is at it (false); `wait` true: waits for it, and plans if it died. True when the run
 * is planned on return.
 */
export async function planRest(db: Db, selection: UnitSelection, wait: boolean): Promise<boolean> {
	return db.transaction().execute(async (trx) => {
		if (!(await repo.lockRunPlanning(trx, selection.runId, wait))) return false;
		if (await repo.unitsPlanned(trx, selection.runId)) return true;
		const total = await repo.insertUnits(trx, selection);
		await repo.markUnitsPlanned(trx, selection.runId, total);
		return true;
	});
}
