/**
 * Pairwise leaderboards: Bradley–Terry strengths, ranking and bootstrap
 * confidence intervals from battles "a vs b → winner".
 *
 * This is the model behind the Chatbot Arena leaderboard (Chiang et al.,
 * "Chatbot Arena: An Open Platform for Evaluating LLMs by Human Preference",
 * ICML 2024, §5): MLE strengths, reported on an Elo-like scale, with
 * intervals from resampling battles. The fit itself is in
 * `bradley-terry-fit.ts`.
 */
import { bootstrapVectorReplicates, percentileInterval } from './bootstrap';
import { fitBradleyTerry } from './bradley-terry-fit';
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
}

const RATING_PER_NAT = 400 / Math.LN10;

/**
 * Fit Bradley–Terry to the battles and rank the players.
 *
 * Assumptions: battles are independent given the strengths (the bootstrap
 * resamples battles, or clusters of them); no home advantage (position is
 * ignored; see `positionBias` for that); ties under `'half'` follow the
 * convention of LMSYS's leaderboard code rather than a Rao–Kupper/Davidson
 * tie model. Bootstrap replicates whose comparison graph is not strongly
 * connected make the fit throw — with few battles per player use `prior`.
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
	if (resamples > 0) {
		// One fit per resample yields every player's θ (same resamples for all players).
		const series = bootstrapVectorReplicates(
			(indices, length, out) => {
				fill(indices, length);
				out.set(fitBradleyTerry(wins, k, prior));
			},
			k,
			n,
			{ resamples, seed, clusters: clusters ? keys : undefined }
		);
		intervals = series.map((replicates) => percentileInterval(replicates, level));
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
			battles: played[p],
			wins: won[p]
		};
	});
	players.sort((x, y) => y.logStrength - x.logStrength || (x.name < y.name ? -1 : 1));
	players.forEach((player, i) => {
		player.rank = i > 0 && player.logStrength === players[i - 1].logStrength ? players[i - 1].rank : i + 1;
	});
	return { players, battles: n, resamples, level };
}
