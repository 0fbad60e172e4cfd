/**
 * Pairwise leaderboards: Bradley–Terry strengths, ranking and bootstrap
 * confidence intervals from battles "a vs b → winner".
 *
 * This is the model behind the Chatbot Arena leaderboard (Chiang et al.,
 * "Chatbot Arena: An Open Platform for Evaluating LLMs by Human Preference",
 * ICML 2024, §5): MLE strengths, reported on an Elo-like scale, with
 * intervals from resampling battles. The fit itself is in
 * `bradley-terry-fit.ts`.
 *
 * Edges (what the result says about them):
 * - Disconnected comparison graph: players in different connected
 *   components never met, so their relative strength is not estimable
 *   (Ford 1957; Hunter 2004, Assumption 1). `components` lists the groups.
 *   Without a prior the fit throws naming them; with `prior > 0` the prior
 *   alone places the groups on one scale (each group centred near the
 *   average), and a warning says so — compare ranks within a group only.
 * - Not strongly connected (someone won or lost every battle): the MLE does
 *   not exist; `identifiable` is false and only a prior gives strengths.
 * - Sparse data: a bootstrap resample can miss the battles that make the
 *   graph strongly connected even where the full-data fit exists. Such
 *   resamples are counted in `failedResamples` and left out of the
 *   intervals (which are then conditional on an identifiable resample), with
 *   a warning past 5%; use `prior` or more battles.
 * - Ties as half wins (`ties: 'half'`, the LMSYS convention): a tie adds ½ to
 *   both sides, which pulls every win share toward ½. With w decisive wins
 *   of i over j, l losses and t ties, θ_i − θ_j = log((w + t/2)/(l + t/2))
 *   instead of log(w/l) under `ties: 'ignore'`: 12 wins, 8 losses and 80
 *   ties give 0.080 instead of 0.405 — ties shrink gaps toward 0 as they
 *   come to dominate. Davidson's (1970, "On extending the Bradley–Terry model
 *   to accommodate ties", JASA 65, 317–328) tie parameter would keep the gap
 *   and model the tie rate separately; it is not implemented here, so read
 *   `ties: 'ignore'` beside `'half'` when ties are frequent.
 *
 * Rank intervals: on every bootstrap replicate the players are ranked
 * (1 = strongest; equal strengths share the better rank); `rankCi` is the
 * [α/2, 1 − α/2] quantile pair of a player's replicate ranks, taken as order
 * statistics (inverse empirical CDF, Hyndman & Fan type 1) so that ranks stay
 * integers — the bootstrap rank interval of Hall & Miller (2009, "Using the
 * bootstrap to quantify the authority of an empirical ranking", Ann. Statist.
 * 37, 3929–3959), who note it can be conservative for tied-in-truth players.
 */
import { bootstrapInterval, bootstrapVectorReplicates } from './bootstrap';
import { fitBradleyTerry, isStronglyConnected } from './bradley-terry-fit';
import { assertArrayLike, assertInteger, assertProbabilityLevel, describe } from './validate';

export interface Battle {
	a: string;
	b: string;
	/** `null` = no verdict; the battle is skipped. */
	winner: 'a' | 'b' | 'tie' | null;
}

export interface BradleyTerryOptions {
	/** `'half'` (default): a tie is half a win for each side; `'ignore'`: ties carry no information. */
	ties?: 'half' | 'ignore';
	/** Pseudo-battles per player against a fixed average player (≥ 0, default 0); see `fitBradleyTerry`. */
	prior?: number;
	/** Bootstrap resamples of the battles (default 1000; 0 = no intervals). */
	resamples?: number;
	level?: number;
	seed?: number;
	/** Cluster key per battle (e.g. conversation id) to resample related battles together. */
	clusters?: readonly (string | number)[];
}

export interface BradleyTerryPlayer {
	name: string;
	/** 1 = strongest; ties in strength share the better rank. */
	rank: number;
	/** π = e^θ, geometric mean over players 1; P(i beats j) = π_i / (π_i + π_j). */
	strength: number;
	/** θ = log π, summing to 0 over players. */
	logStrength: number;
	/** Elo-like rating 1000 + 400·log10(π): a 400-point gap means 10:1 odds (LMSYS convention, mean-centred). */
	rating: number;
	/** Percentile bootstrap intervals, or null when resamples = 0. */
	ci: { logStrength: [number, number]; rating: [number, number] } | null;
	/** Bootstrap interval of the rank (integers, 1 = strongest), or null when resamples = 0. */
	rankCi: [number, number] | null;
	/** Index into `components` of this player's connected group. */
	component: number;
	battles: number;
	/** Wins, with ties counted as configured (half or none). */
	wins: number;
}

export interface BradleyTerryResult {
	/** Sorted by strength, strongest first. */
	players: BradleyTerryPlayer[];
	/** Battles used (non-null verdicts). */
	battles: number;
	resamples: number;
	level: number;
	/** Connected groups of the comparison graph (players who met, directly or through others), largest first. */
	components: string[][];
	/** True iff the "beat" graph is strongly connected: the MLE exists without a prior. */
	identifiable: boolean;
	/** Bootstrap resamples whose fit failed (strengths not identifiable there); left out of the intervals. */
	failedResamples: number;
	/** Cautions for display (disconnected groups, prior-only strengths, failed resamples); empty when none. */
	warnings: string[];
}

const RATING_PER_NAT = 400 / Math.LN10;

/**
 * Fit Bradley–Terry to the battles and rank the players.
 *
 * Assumptions: battles are independent given the strengths (the bootstrap
 * resamples battles, or clusters of them); no home advantage (position is
 * ignored; see `positionBias` for that); ties under `'half'` follow the
 * convention of LMSYS's leaderboard code rather than a Rao–Kupper/Davidson
 * tie model (see "Edges" above). Bootstrap replicates whose comparison
 * graph is not strongly connected are counted in `failedResamples`.
 */
export function bradleyTerry(battles: readonly Battle[], options: BradleyTerryOptions = {}): BradleyTerryResult {
	const { ties = 'half', prior = 0, resamples = 1000, level = 0.95, seed = 1, clusters } = options;
	assertArrayLike(battles, 'bradleyTerry: battles');
	if (ties !== 'half' && ties !== 'ignore')
		throw new RangeError(`bradleyTerry: ties must be 'half' or 'ignore', got ${describe(ties)}`);
	if (typeof prior !== 'number' || !(prior >= 0) || !Number.isFinite(prior))
		throw new RangeError(`bradleyTerry: prior must be a finite number ≥ 0, got ${describe(prior)}`);
	assertInteger(resamples, 'bradleyTerry: resamples', 0);
	assertProbabilityLevel(level, 'bradleyTerry: level');
	if (clusters !== undefined && (!Array.isArray(clusters) || clusters.length !== battles.length)) {
		throw new RangeError('bradleyTerry: clusters must have one key per battle');
	}

	const index = new Map<string, number>();
	const names: string[] = [];
	const idOf = (name: string): number => {
		let id = index.get(name);
		if (id === undefined) {
			id = names.length;
			index.set(name, id);
			names.push(name);
		}
		return id;
	};
	// Compact battle table: first, second and outcome (1 = a won, 0 = b won, 0.5 = tie, −1 = no information).
	const ai: number[] = [];
	const bi: number[] = [];
	const out: number[] = [];
	const keys: (string | number)[] = [];
	battles.forEach((battle, i) => {
		if (battle === null || typeof battle !== 'object')
			throw new TypeError(`bradleyTerry: battles[${i}] must be an object`);
		const { a, b, winner } = battle;
		if (typeof a !== 'string' || typeof b !== 'string') {
			throw new TypeError(
				`bradleyTerry: battles[${i}].a and .b must be strings, got ${describe(a)} and ${describe(b)}`
			);
		}
		if (a === b) throw new RangeError(`bradleyTerry: battles[${i}] pits ${describe(a)} against itself`);
		if (winner === null) return; // players seen only in unjudged battles are not ranked
		if (winner !== 'a' && winner !== 'b' && winner !== 'tie') {
			throw new TypeError(
				`bradleyTerry: battles[${i}].winner must be 'a', 'b', 'tie' or null, got ${describe(winner)}`
			);
		}
		const x = idOf(a);
		const y = idOf(b);
		ai.push(x);
		bi.push(y);
		out.push(winner === 'a' ? 1 : winner === 'b' ? 0 : ties === 'half' ? 0.5 : -1);
		if (clusters) keys.push(clusters[i]);
	});
	const n = ai.length;
	if (n === 0) throw new RangeError('bradleyTerry: no battles with a verdict');
	const k = names.length;
	const first = Int32Array.from(ai);
	const second = Int32Array.from(bi);
	const outcome = Float64Array.from(out);
	const wins = new Float64Array(k * k);
	const fill = (indices: Int32Array | null, length: number): void => {
		wins.fill(0);
		for (let t = 0; t < length; t++) {
			const r = indices ? indices[t] : t;
			const o = outcome[r];
			if (o < 0) continue;
			wins[first[r] * k + second[r]] += o;
			wins[second[r] * k + first[r]] += 1 - o;
		}
	};

	fill(null, n);
	const components = comparisonComponents(wins, k);
	const identifiable = isStronglyConnected(wins, k);
	const groups = components.groups.map((members) => members.map((p) => names[p]));
	const warnings: string[] = [];
	if (groups.length > 1) {
		const listed = groups.map((g) => `{${g.join(', ')}}`).join(' and ');
		if (prior === 0) {
			throw new RangeError(
				`bradleyTerry: strengths are not identifiable — the comparison graph has ${groups.length} disconnected ` +
					`groups (${listed}) whose players never met; fit each group separately or add battles between them`
			);
		}
		warnings.push(
			`The comparison graph has ${groups.length} disconnected groups (${listed}): only the prior puts them on one ` +
				'scale, so compare strengths and ranks within a group only.'
		);
	} else if (!identifiable && prior > 0) {
		warnings.push(
			'Some players won (or lost) every battle against the rest: their strengths are finite only because of the ' +
				'prior and move with it.'
		);
	}
	const theta = fitBradleyTerry(wins, k, prior);
	const played = new Float64Array(k);
	const won = new Float64Array(k);
	for (let t = 0; t < n; t++) {
		played[first[t]]++;
		played[second[t]]++;
		if (outcome[t] >= 0) {
			won[first[t]] += outcome[t];
			won[second[t]] += 1 - outcome[t];
		}
	}

	let intervals: [number, number][] | null = null;
	let rankIntervals: [number, number][] | null = null;
	let failedResamples = 0;
	if (resamples > 0) {
		// One fit per resample yields every player's θ (same resamples for all players);
		// an unidentifiable resample throws a RangeError and becomes a NaN row.
		const series = bootstrapVectorReplicates(
			(indices, length, out) => {
				fill(indices, length);
				out.set(fitBradleyTerry(wins, k, prior));
			},
			k,
			n,
			{ resamples, seed, clusters: clusters ? keys : undefined }
		);
		const results = series.map((replicates, p) => bootstrapInterval(replicates, theta[p], { level }));
		failedResamples = results[0].undefinedResamples;
		if (failedResamples === resamples) {
			throw new RangeError('bradleyTerry: no bootstrap resample is identifiable; pass prior > 0');
		}
		if (failedResamples > 0.05 * resamples) {
			warnings.push(
				`The fit failed on ${failedResamples} of ${resamples} bootstrap resamples (strengths not identifiable ` +
					'there); the intervals use the rest and are too narrow if anything. Pass prior > 0 or add battles.'
			);
		}
		intervals = results.map((r) => r.ci);
		rankIntervals = replicateRankIntervals(series, k, resamples, level);
	}

	const players = names.map((name, p): BradleyTerryPlayer => {
		const ci = intervals ? intervals[p] : null;
		return {
			name,
			rank: 0,
			strength: Math.exp(theta[p]),
			logStrength: theta[p],
			rating: 1000 + RATING_PER_NAT * theta[p],
			ci: ci ? { logStrength: ci, rating: [1000 + RATING_PER_NAT * ci[0], 1000 + RATING_PER_NAT * ci[1]] } : null,
			rankCi: rankIntervals ? rankIntervals[p] : null,
			component: components.of[p],
			battles: played[p],
			wins: won[p]
		};
	});
	players.sort((x, y) => y.logStrength - x.logStrength || (x.name < y.name ? -1 : 1));
	players.forEach((player, i) => {
		player.rank = i > 0 && player.logStrength === players[i - 1].logStrength ? players[i - 1].rank : i + 1;
	});
	return { players, battles: n, resamples, level, components: groups, identifiable, failedResamples, warnings };
}

/**
 * Connected components of the undirected comparison graph (an edge where two
 * players have any battle with information), largest first, members in
 * first-seen order; `of[p]` = component index of player p.
 */
function comparisonComponents(wins: Float64Array, k: number): { groups: number[][]; of: Int32Array } {
	const raw = new Int32Array(k).fill(-1);
	const found: number[][] = [];
	for (let s = 0; s < k; s++) {
		if (raw[s] >= 0) continue;
		const members = [s];
		raw[s] = found.length;
		for (let head = 0; head < members.length; head++) {
			const i = members[head];
			for (let j = 0; j < k; j++) {
				if (raw[j] < 0 && wins[i * k + j] + wins[j * k + i] > 0) {
					raw[j] = found.length;
					members.push(j);
				}
			}
		}
		found.push(members.sort((x, y) => x - y));
	}
	const order = found.map((_, c) => c).sort((x, y) => found[y].length - found[x].length || x - y);
	const renumber = new Int32Array(found.length);
	order.forEach((c, rank) => (renumber[c] = rank));
	return { groups: order.map((c) => found[c]), of: Int32Array.from(raw, (c) => renumber[c]) };
}

/** Per-player [α/2, 1 − α/2] type-1 quantiles of the rank over identifiable replicates. */
function replicateRankIntervals(
	series: Float64Array[],
	k: number,
	resamples: number,
	level: number
): [number, number][] {
	const ranks = Array.from({ length: k }, () => [] as number[]);
	const theta = new Float64Array(k);
	for (let b = 0; b < resamples; b++) {
		if (Number.isNaN(series[0][b])) continue;
		for (let p = 0; p < k; p++) theta[p] = series[p][b];
		for (let p = 0; p < k; p++) {
			let better = 0;
			for (let q = 0; q < k; q++) if (theta[q] > theta[p]) better++;
			ranks[p].push(better + 1);
		}
	}
	const tail = (1 - level) / 2;
	return ranks.map((r) => {
		r.sort((x, y) => x - y);
		// Type 1: the smallest value whose empirical CDF reaches p.
		const at = (p: number) => r[Math.max(0, Math.ceil(p * r.length) - 1)];
		return [at(tail), at(1 - tail)];
	});
}
