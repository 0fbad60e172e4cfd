/**
 * Statistics benchmark: `npm run bench:stats`.
 *
 * Synthetic, deterministic review data: 20,000 items (prompts), 2 responses
 * each = 40,000 units on a 5-point scale. The judge labels every unit, human
 * raters 1 and 2 label 30,000 units each (overlapping on 20,000): 100,000 labels.
 * It computes quadratic-weighted κ (judge vs rater 1), ordinal α (all three),
 * Kendall's τ-b and Spearman's ρ (judge vs rater 1), each with a 1,000-resample
 * cluster bootstrap CI over items, and prints one JSON line last.
 *
 * How it stays fast: the four full-data estimates use the public functions.
 * The bootstrap draws items (the clusters) once per replicate for all four
 * statistics (`bootstrapIndexCIs`, a vector statistic). A unit's contribution
 * depends only on its (judge, rater 1, rater 2) value pattern, so a resample
 * counts drawn patterns (O(units), into a 180-slot array) and builds the 5×5
 * judge × rater-1 table (κ, τ-b, ρ) and 5×5 coincidence matrix (α) from the
 * counts; no allocation per unit or per resample. The table forms are checked
 * against the public functions, and item resampling against the generic
 * `clusters` option, before the JSON line is printed.
 */
import {
	alphaFromCoincidence,
	bootstrapIndexCIs,
	bootstrapVectorReplicates,
	cohenKappa,
	cohenKappaFromTable,
	createRng,
	kappaWeightMatrix,
	kendallTauB,
	kendallTauBFromTable,
	krippendorffAlpha,
	spearman,
	spearmanFromTable
} from '../../src/lib/stats/index';

const ITEMS = 20_000;
const UNITS_PER_ITEM = 2;
const UNITS = ITEMS * UNITS_PER_ITEM;
const SCALE = [1, 2, 3, 4, 5];
const K = SCALE.length;
const RESAMPLES = 1000;

/** Deterministic data with an item effect, so clustering matters. */
function generate(): { judge: number[]; rater1: (number | null)[]; rater2: (number | null)[]; item: number[] } {
	const rng = createRng(20_000);
	const clamp = (v: number) => Math.min(5, Math.max(1, Math.round(v)));
	const judge: number[] = [];
	const rater1: (number | null)[] = [];
	const rater2: (number | null)[] = [];
	const item: number[] = [];
	for (let i = 0; i < ITEMS; i++) {
		const difficulty = (rng() - 0.5) * 2;
		for (let r = 0; r < UNITS_PER_ITEM; r++) {
			const u = i * UNITS_PER_ITEM + r;
			const quality = 3 + difficulty + (rng() - 0.5) * 2.5;
			item.push(i);
			judge.push(clamp(quality + 0.4 + (rng() - 0.5) * 1.6)); // a lenient judge
			rater1.push(u % 4 !== 0 ? clamp(quality + (rng() - 0.5) * 1.2) : null);
			rater2.push(u % 4 !== 1 ? clamp(quality + (rng() - 0.5) * 1.2) : null);
		}
	}
	return { judge, rater1, rater2, item };
}

const data = generate();
const labels =
	data.judge.length + data.rater1.filter((v) => v !== null).length + data.rater2.filter((v) => v !== null).length;

const started = performance.now();
const cpuStarted = process.cpuUsage();

// Full-data estimates through the public API.
const kappa = cohenKappa(data.judge, data.rater1, { weights: 'quadratic', categories: SCALE });
const alpha = krippendorffAlpha([data.judge, data.rater1, data.rater2], { level: 'ordinal', categories: SCALE });
const tau = kendallTauB(data.judge, data.rater1);
const rho = spearman(data.judge, data.rater1);
const estimatesDone = performance.now();

// A unit's contribution to both 5×5 matrices depends only on its pattern of
// (judge, rater 1, rater 2) values, 5 × 6 × 6 = 180 patterns with 0 = missing.
// So a resample only needs how often each pattern was drawn.
const PATTERNS = K * (K + 1) * (K + 1);
const patternOf = (u: number) => data.judge[u] - 1 + K * ((data.rater1[u] ?? 0) + (K + 1) * (data.rater2[u] ?? 0));
const unitPattern = new Int32Array(UNITS);
for (let u = 0; u < UNITS; u++) unitPattern[u] = patternOf(u);
const pairCell = new Int32Array(PATTERNS).fill(-1);
const entryStart = new Int32Array(PATTERNS + 1);
const entryCell: number[] = [];
const entryWeight: number[] = [];
for (let q = 0; q < PATTERNS; q++) {
	const judge = q % K;
	const r1 = Math.floor(q / K) % (K + 1);
	const r2 = Math.floor(q / (K * (K + 1)));
	if (r1 > 0) pairCell[q] = judge * K + (r1 - 1);
	const values = [judge, r1 - 1, r2 - 1].filter((v) => v >= 0);
	const m = values.length;
	// Coincidences: each ordered pair of values in the unit weighs 1 / (m − 1).
	for (let a = 0; m >= 2 && a < m; a++) {
		for (let b = 0; b < m; b++) {
			if (a === b) continue;
			entryCell.push(values[a] * K + values[b]);
			entryWeight.push(1 / (m - 1));
		}
	}
	entryStart[q + 1] = entryCell.length;
}
const cells = Int32Array.from(entryCell);
const weights = Float64Array.from(entryWeight);
const kappaWeights = kappaWeightMatrix('quadratic', [0, 1, 2, 3, 4]);
const patternCount = new Float64Array(PATTERNS);
const table = new Float64Array(K * K);
const coincidence = new Float64Array(K * K);

/** κ, α, τ-b, ρ of the resample of items `indices[0 … length − 1]`. */
function statistics(indices: Int32Array, length: number, out: Float64Array): void {
	patternCount.fill(0);
	for (let i = 0; i < length; i++) {
		const first = indices[i] * UNITS_PER_ITEM;
		for (let u = first; u < first + UNITS_PER_ITEM; u++) patternCount[unitPattern[u]]++;
	}
	table.fill(0);
	coincidence.fill(0);
	for (let q = 0; q < PATTERNS; q++) {
		const count = patternCount[q];
		if (count === 0) continue;
		if (pairCell[q] >= 0) table[pairCell[q]] += count;
		for (let e = entryStart[q]; e < entryStart[q + 1]; e++) coincidence[cells[e]] += count * weights[e];
	}
	out[0] = cohenKappaFromTable(table, kappaWeights, K);
	out[1] = alphaFromCoincidence(coincidence, SCALE, 'ordinal').alpha;
	out[2] = kendallTauBFromTable(table, K, K);
	out[3] = spearmanFromTable(table, K, K);
}

// Items are the clusters: resampling item indices is the cluster bootstrap
// (checked against the generic `clusters` option below, outside the timing).
const bootstrapStarted = performance.now();
const results = bootstrapIndexCIs(statistics, 4, ITEMS, { resamples: RESAMPLES, seed: 1 });
const bootstrapDone = performance.now();

// The fast path must reproduce the public functions on the full data.
const names = ['kappaQuadratic', 'alphaOrdinal', 'tauB', 'spearman'] as const;
[kappa, alpha, tau, rho].forEach((value, d) => {
	if (Math.abs(value - results[d].estimate) > 1e-9) {
		throw new Error(`${names[d]}: table form ${results[d].estimate} ≠ public function ${value}`);
	}
});

const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStarted);

// Not timed: the same seed through the generic path (unit indices expanded
// from `clusters`) gives the same replicates as resampling items directly.
const check = 20;
const viaItems = bootstrapVectorReplicates(statistics, 4, ITEMS, { resamples: check, seed: 1 });
const perUnit = (indices: Int32Array, length: number, out: Float64Array) => {
	const items = new Int32Array(length / UNITS_PER_ITEM);
	for (let i = 0; i < items.length; i++) items[i] = data.item[indices[i * UNITS_PER_ITEM]];
	statistics(items, items.length, out);
};
const viaClusters = bootstrapVectorReplicates(perUnit, 4, UNITS, { resamples: check, seed: 1, clusters: data.item });
viaItems.forEach((series, d) =>
	series.forEach((v, b) => {
		if (Math.abs(v - viaClusters[d][b]) > 1e-12) throw new Error(`${names[d]}: item and cluster resamples differ`);
	})
);
const round = (v: number) => Math.round(v * 1e6) / 1e6;
for (const [d, name] of names.entries()) {
	console.log(`${name.padEnd(15)} ${round(results[d].estimate)}  95% CI [${results[d].ci.map(round).join(', ')}]`);
}
console.log(
	JSON.stringify({
		items: ITEMS,
		units: UNITS,
		statistics: Object.fromEntries(
			names.map((name, d) => [name, { estimate: round(results[d].estimate), ci: results[d].ci.map(round) }])
		),
		estimateSeconds: Math.round(estimatesDone - started) / 1000,
		bootstrapSeconds: Math.round(bootstrapDone - bootstrapStarted) / 1000,
		cpuSeconds: Math.round((cpu.user + cpu.system) / 1000) / 1000,
		labels,
		resamples: RESAMPLES,
		seconds: Math.round(seconds * 1000) / 1000
	})
);
