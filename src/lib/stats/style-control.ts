/**
 * Style-controlled Bradley–Terry: system strengths with the answers' style
 * (length, Markdown headers, lists, bold) held fixed, and how much each style
 * element moves a verdict.
 *
 * Reference: Li, Chiang, Frick, Dunlap, Wu, Zhu, Gonzalez & Stoica, "From
 * Crowdsourced Data to High-Quality Benchmarks: Arena-Hard and BenchBuilder
 * Pipeline", arXiv:2406.11939 (2024), and the LMSYS note "Does style matter?
 * Disentangling style and substance in Chatbot Arena" (Aug 2024), which add
 * style covariates to the Bradley–Terry logistic regression of Chiang et al.
 * (2024):
 *
 *   logit P(a beats b) = θ_a − θ_b + Σ_f γ_f · z_f,
 *   z_f = (d_f − mean(d_f)) / sd(d_f),   d_f = (s_f(a) − s_f(b)) / (s_f(a) + s_f(b))
 *
 * where s_f is a style count of an answer (0/0 gives d = 0). θ (centred,
 * Σθ = 0) are the style-controlled strengths; γ_f is the change in log-odds of
 * winning per standard deviation of the normalised style difference. A tie is
 * the soft target ½ (half a win each, as `bradleyTerry` with `ties: 'half'`).
 * Fitted by maximum likelihood (`fitLogistic`, no intercept); with no style
 * features the fit is plain Bradley–Terry. The standardisation uses the full
 * data and is held fixed in the bootstrap, so γ is always per full-data SD.
 * Intervals: percentile bootstrap over battles or their clusters; a resample
 * whose fit has no finite maximum is left out (counted in `failedResamples`).
 */
import { bootstrapIndexCIs } from './bootstrap';
import { fitLogistic } from './logistic';
import { assertArrayLike, assertInteger, assertProbabilityLevel, describe } from './validate';

/** Counts of Markdown style elements in an answer (fenced code blocks are skipped). */
export interface MarkdownStyle {
	/** Lines starting with 1–6 '#' and a space. */
	headers: number;
	/** List items: lines starting with -, *, + or "1." / "1)" and a space. */
	lists: number;
	/** **bold** or __bold__ spans. */
	bold: number;
}

/** Count headers, list items and bold spans the way the LMSYS style-control features do, outside ``` fences. */
export function markdownStyle(text: string): MarkdownStyle {
	if (typeof text !== 'string') throw new TypeError(`markdownStyle: text must be a string, got ${describe(text)}`);
	const prose = text.replace(/```[\s\S]*?(?:```|$)/g, '');
	const count = (re: RegExp) => prose.match(re)?.length ?? 0;
	return {
		headers: count(/^#{1,6}[ \t]+\S/gm),
		lists: count(/^[ \t]*(?:[-*+]|\d+[.)])[ \t]+\S/gm),
		bold: count(/\*\*[^*\n]+\*\*|__[^_\n]+__/g)
	};
}

export interface StyledBattle {
	a: string;
	b: string;
	/** 'a' | 'b' | 'tie', a soft P(a wins) in [0, 1], or null (skipped). */
	winner: 'a' | 'b' | 'tie' | number | null;
	/** Style counts of a's answer, one per feature (≥ 0). */
	styleA: readonly number[];
	/** Style counts of b's answer, same features. */
	styleB: readonly number[];
}

export interface StyleControlOptions {
	/** Feature names, one per style count (sets how many counts each battle carries). */
	features: readonly string[];
	/** Bootstrap resamples (default 200; 0 = no intervals). */
	resamples?: number;
	level?: number;
	seed?: number;
	/** Cluster key per battle (e.g. item id). */
	clusters?: readonly (string | number)[];
}

export interface StyleControlledPlayer {
	name: string;
	/** 1 = strongest with style held fixed. */
	rank: number;
	/** Centred θ. */
	logStrength: number;
	/** 1000 + 400·log10(e^θ) (the `bradleyTerry` scale). */
	rating: number;
	ratingCi: [number, number] | null;
}

export interface StyleCoefficient {
	name: string;
	/** γ: log-odds per SD of the normalised difference; > 0 = the answer with more of it wins more. */
	estimate: number;
	ci: [number, number] | null;
	/** SD of the normalised difference d_f over the battles (0 = the feature never differs; γ is then 0). */
	sd: number;
}

export interface StyleControlResult {
	players: StyleControlledPlayer[];
	coefficients: StyleCoefficient[];
	battles: number;
	failedResamples: number;
}

const RATING_PER_NAT = 400 / Math.LN10;

export function styleControlledBradleyTerry(
	battles: readonly StyledBattle[],
	{ features, resamples = 200, level = 0.95, seed = 1, clusters }: StyleControlOptions
): StyleControlResult {
	assertArrayLike(battles, 'styleControlledBradleyTerry: battles');
	assertArrayLike(features, 'styleControlledBradleyTerry: features');
	assertInteger(resamples, 'styleControlledBradleyTerry: resamples', 0);
	assertProbabilityLevel(level, 'styleControlledBradleyTerry: level');
	if (clusters !== undefined && clusters.length !== battles.length)
		throw new RangeError('styleControlledBradleyTerry: clusters must have one key per battle');
	const f = features.length;
	const names: string[] = [];
	const index = new Map<string, number>();
	const idOf = (name: string) => {
		let id = index.get(name);
		if (id === undefined) {
			id = names.length;
			index.set(name, id);
			names.push(name);
		}
		return id;
	};
	const first: number[] = [];
	const second: number[] = [];
	const target: number[] = [];
	const diffs: number[][] = Array.from({ length: f }, () => []);
	const keys: (string | number)[] = [];
	battles.forEach((battle, i) => {
		const { a, b, winner, styleA, styleB } = battle;
		if (typeof a !== 'string' || typeof b !== 'string' || a === b)
			throw new TypeError(`styleControlledBradleyTerry: battles[${i}] needs two different player names`);
		if (winner === null) return;
		const y = winner === 'a' ? 1 : winner === 'b' ? 0 : winner === 'tie' ? 0.5 : winner;
		if (typeof y !== 'number' || !(y >= 0 && y <= 1))
			throw new RangeError(`styleControlledBradleyTerry: battles[${i}].winner must be 'a', 'b', 'tie' or in [0, 1]`);
		if (styleA?.length !== f || styleB?.length !== f)
			throw new RangeError(`styleControlledBradleyTerry: battles[${i}] needs ${f} style counts per answer`);
		for (let q = 0; q < f; q++) {
			const sa = styleA[q];
			const sb = styleB[q];
			if (!(sa >= 0 && sb >= 0 && Number.isFinite(sa) && Number.isFinite(sb)))
				throw new RangeError(`styleControlledBradleyTerry: battles[${i}] style counts must be finite and ≥ 0`);
			diffs[q].push(sa + sb > 0 ? (sa - sb) / (sa + sb) : 0);
		}
		first.push(idOf(a));
		second.push(idOf(b));
		target.push(y);
		if (clusters) keys.push(clusters[i]);
	});
	const n = target.length;
	const k = names.length;
	if (n === 0 || k < 2)
		throw new RangeError('styleControlledBradleyTerry: need battles with a verdict between ≥ 2 players');
	// Standardise each normalised difference once, on the full data (the LMSYS recipe).
	const z = diffs.map((d) => {
		const mean = d.reduce((s, v) => s + v, 0) / n;
		const sd = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
		return { sd, values: Float64Array.from(d, (v) => (sd > 0 ? (v - mean) / sd : 0)) };
	});
	const used = z.flatMap((col, q) => (col.sd > 0 ? [q] : []));
	// Design: players 1 … k − 1 (θ_0 = 0, recentred afterwards), then the varying style columns.
	const dims = k + used.length;
	const fit = (idx: Int32Array | null, len: number, out: Float64Array) => {
		const columns: Float64Array[] = [];
		for (let p = 1; p < k; p++) columns.push(new Float64Array(len));
		for (let q = 0; q < used.length; q++) columns.push(new Float64Array(len));
		const y = new Float64Array(len);
		for (let t = 0; t < len; t++) {
			const r = idx ? idx[t] : t;
			if (first[r] > 0) columns[first[r] - 1][t] = 1;
			if (second[r] > 0) columns[second[r] - 1][t] = -1;
			for (let q = 0; q < used.length; q++) columns[k - 1 + q][t] = z[used[q]].values[r];
			y[t] = target[r];
		}
		let beta: Float64Array;
		try {
			beta = fitLogistic(columns, y).coefficients;
		} catch (e) {
			if (e instanceof RangeError) return void out.fill(Number.NaN);
			throw e;
		}
		let mean = 0;
		for (let p = 1; p < k; p++) mean += beta[p - 1];
		mean /= k;
		out[0] = -mean;
		for (let p = 1; p < k; p++) out[p] = beta[p - 1] - mean;
		for (let q = 0; q < used.length; q++) out[k + q] = beta[k - 1 + q];
	};
	const point = new Float64Array(dims);
	fit(null, n, point);
	if (Number.isNaN(point[0]))
		throw new RangeError(
			'styleControlledBradleyTerry: no finite fit (a player won or lost every battle, or a style difference separates wins from losses)'
		);
	let cis: ([number, number] | null)[] = new Array(dims).fill(null);
	let failedResamples = 0;
	if (resamples > 0) {
		const results = bootstrapIndexCIs((idx, len, out) => fit(idx, len, out), dims, n, {
			resamples,
			seed,
			level,
			clusters: clusters ? keys : undefined
		});
		failedResamples = results[0].undefinedResamples;
		cis = results.map((r) => r.ci);
	}
	const players = names
		.map((name, p) => ({
			name,
			rank: 0,
			logStrength: point[p],
			rating: 1000 + RATING_PER_NAT * point[p],
			ratingCi: cis[p]
				? ([1000 + RATING_PER_NAT * cis[p]![0], 1000 + RATING_PER_NAT * cis[p]![1]] as [number, number])
				: null
		}))
		.sort((x, y) => y.logStrength - x.logStrength || (x.name < y.name ? -1 : 1));
	players.forEach((pl, i) => (pl.rank = i + 1));
	const coefficients = features.map((name, q) => {
		const at = used.indexOf(q);
		return {
			name,
			estimate: at >= 0 ? point[k + at] : 0,
			ci: at >= 0 ? cis[k + at] : null,
			sd: z[q].sd
		};
	});
	return { players, coefficients, battles: n, failedResamples };
}
