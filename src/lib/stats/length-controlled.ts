/**
 * Length-controlled win rates against a baseline, with ONE length slope shared
 * by all systems of a run ("joint tanh-length logistic model"). This is not
 * AlpacaEval 2's LC win rate and its numbers differ from the public board.
 *
 * Model, for system s on instruction x (row r):
 *   logit P(s beats the baseline on x) = α_s + β·tanh(Δ_r / σ_Δ) + γ_x
 *   Δ_r = len_system − len_baseline, σ_Δ = SD (ddof 1) of all Δ of the run,
 * fitted by penalised maximum likelihood on soft targets (win ∈ [0, 1], a
 * tie = 0.5): α_s (one intercept per system) and β are NOT penalised; γ_x
 * (instruction difficulty) is fitted only for instructions answered by two or
 * more systems, with a ridge penalty (λ/2)Σγ_x² (default λ = 1, i.e. a
 * N(0, 1) prior on the logit scale) because two or three answers per
 * instruction cannot pin a free effect. Length-controlled win rate:
 *   LC_s = mean over s's rows of σ(α_s + γ_x)   (length term set to 0).
 * Newton–Raphson on the concave objective; the γ block of the Hessian is
 * diagonal, so each step solves a (S + 1)-square Schur complement.
 *
 * What it reports beyond LC_s: β̂ with its standard error (from the inverse
 * penalised Hessian) and a bootstrap CI; the sensitivity of each LC_s to the
 * slope (LC_s refitted with β fixed at β̂ − SE and β̂ + SE); and a flag — LC_s
 * withheld (null) — when fewer than `minLongerShare` (default 10%) of a
 * system's answers are longer than the baseline's (or shorter): σ(α_s) is
 * then the model's prediction at a length difference the system almost never
 * produced, an extrapolation resting on the shared slope and the tanh shape.
 * The value is still in `extrapolated`, for diagnosis only.
 *
 * Reference: Dubois, Galambosi, Liang & Hashimoto (2024), "Length-Controlled
 * AlpacaEval: A Simple Way to Debias Automatic Evaluators", arXiv:2404.04475:
 * a GLM of the judge's preference on a model term, tanh of the standardised
 * length difference and an instruction-difficulty term, predicted at zero
 * length difference. How AlpacaEval 2 differs from this function: it fits a
 * GLM per model with that model's own length slope, pins the slope with
 * annotations of the baseline's own verbose and concise rewrites, uses an
 * instruction difficulty estimated beforehand across its whole leaderboard,
 * and regularises the fit. We have none of those auxiliary data, so we share
 * the slope across the systems of one run instead, which is what makes a
 * system that is almost always shorter estimable at all — and we flag where
 * it still is not. The difference here is system − baseline (AlpacaEval uses
 * baseline − system: β flips sign, LC is unchanged); measure length in
 * characters to match AlpacaEval.
 */
import { bootstrapIndexCIs } from './bootstrap';
import { itemClusters } from './item-clusters';
import { sigmoid } from './logistic';
import { assertArray, assertInteger, assertProbabilityLevel, describe } from './validate';

export interface LengthControlledItem {
	/** P(system beats baseline) on this item: 1 win, 0 loss, 0.5 tie, or a soft preference; null = missing. */
	win: number | null;
	modelLength: number;
	baselineLength: number;
	/** The system that wrote the answer; omit on every row for a single-system run. */
	system?: string;
	/** Instruction key: rows of one instruction share its difficulty term and are resampled together. */
	item?: string | number;
}

export interface LengthControlledOptions {
	/** Divisor σ_Δ of the length difference: 'std' (default, re-estimated on each resample) or a fixed positive number. */
	scale?: 'std' | number;
	/** Ridge penalty λ on the instruction-difficulty terms (default 1); α and β are never penalised. */
	difficultyPenalty?: number;
	/** Withhold LC when fewer than this share of a system's answers are longer (or shorter) than the baseline's (default 0.1). */
	minLongerShare?: number;
	resamples?: number;
	level?: number;
	seed?: number;
}

export interface SystemLengthControlled {
	system: string;
	n: number;
	/** Mean of `win`: the plain (soft) win rate, with a bootstrap CI. */
	rawWinRate: number;
	rawCi: [number, number];
	/** LC_s, or null when flagged (see `flag`). */
	winRate: number | null;
	ci: [number, number] | null;
	/** LC_s whether flagged or not: diagnosis only, do not publish a flagged one. */
	extrapolated: number;
	extrapolatedCi: [number, number];
	/** LC_s refitted with the shared slope fixed at β̂ − SE and β̂ + SE. */
	sensitivity: { slopeMinusSE: number; slopePlusSE: number };
	/** Share of the system's answers longer / shorter than the baseline's. */
	longerShare: number;
	shorterShare: number;
	intercept: number;
	/** Why LC is withheld, or null. */
	flag: string | null;
}

export interface LengthControlledResult {
	method: 'joint tanh-length logistic model (shared slope, per-system intercepts, ridge instruction difficulty)';
	systems: SystemLengthControlled[];
	/** The shared length slope β (per unit of tanh(Δ/σ_Δ)), its SE and a bootstrap CI. */
	slope: { estimate: number; se: number; ci: [number, number] };
	/** σ_Δ used on the full data. */
	scale: number;
	/** Whether an instruction-difficulty term was fitted (items shared by ≥ 2 systems). */
	difficulty: boolean;
	/** Instructions with a difficulty term. */
	sharedItems: number;
	n: number;
	resamples: number;
	level: number;
	/** Bootstrap resamples where the fit was undefined (e.g. a system with all wins). */
	undefinedResamples: number;
}

/** AlpacaEval stores preference p ∈ [1, 2] (2 = output_2, the model, wins; 0 = tie in old files): P(model wins) = p − 1. */
export function alpacaPreferenceToWin(preference: number): number {
	if (typeof preference !== 'number' || !Number.isFinite(preference))
		throw new TypeError(`alpacaPreferenceToWin: preference must be a finite number, got ${describe(preference)}`);
	if (preference === 0) return 0.5;
	if (preference < 1 || preference > 2)
		throw new RangeError(`alpacaPreferenceToWin: preference must be in [1, 2] (or 0 for a tie), got ${preference}`);
	return preference - 1;
}

const FN = 'lengthControlledWinRate';

/** The fixed design of a run: rows coded as system and difficulty indices. */
interface Design {
	y: Float64Array;
	d: Float64Array;
	sys: Int32Array;
	/** Difficulty index per row, −1 when the row's instruction has no term. */
	itm: Int32Array;
	systems: number;
	items: number;
}

interface Fit {
	alpha: Float64Array;
	beta: number;
	gamma: Float64Array;
	/** SE of β (NaN when β was fixed). */
	se: number;
	scale: number;
}

/**
 * Penalised Newton fit with frequency weights w (bootstrap counts). With
 * `fixedBeta` the slope is an offset and only α, γ are fitted.
 */
function fitJoint(
	des: Design,
	w: Float64Array,
	scaleOption: 'std' | number,
	lambda: number,
	fixedBeta: number | null,
	start?: Fit
): Fit {
	const { y, d, sys, itm, systems: S, items: I } = des;
	const N = y.length;
	let scale: number;
	if (scaleOption === 'std') {
		let sw = 0;
		let mean = 0;
		for (let r = 0; r < N; r++) {
			sw += w[r];
			mean += w[r] * d[r];
		}
		mean /= sw;
		let ss = 0;
		for (let r = 0; r < N; r++) ss += w[r] * (d[r] - mean) ** 2;
		scale = Math.sqrt(ss / (sw - 1));
		if (!(scale > 0))
			throw new RangeError(`${FN}: all length differences are equal, so the length effect cannot be estimated`);
	} else scale = scaleOption;
	const t = new Float64Array(N);
	for (let r = 0; r < N; r++) t[r] = Math.tanh(d[r] / scale);
	const fitB = fixedBeta === null;
	const p = S + (fitB ? 1 : 0);
	const alpha = start ? Float64Array.from(start.alpha) : new Float64Array(S);
	let beta = fixedBeta ?? start?.beta ?? 0;
	const gamma = start ? Float64Array.from(start.gamma) : new Float64Array(I);
	const prob = new Float64Array(N);
	const objective = (a: Float64Array, b: number, g: Float64Array): number => {
		let ll = 0;
		for (let r = 0; r < N; r++) {
			if (w[r] === 0) continue;
			const e = a[sys[r]] + b * t[r] + (itm[r] >= 0 ? g[itm[r]] : 0);
			const z = Math.exp(-Math.abs(e));
			prob[r] = e >= 0 ? 1 / (1 + z) : z / (1 + z);
			ll += w[r] * (y[r] * e - (Math.max(e, 0) + Math.log1p(z)));
		}
		let pen = 0;
		for (let x = 0; x < I; x++) pen += g[x] * g[x];
		return ll - (lambda / 2) * pen;
	};
	const gTheta = new Float64Array(p);
	const A = new Float64Array(p * p);
	const B = new Float64Array(I * p);
	const gGamma = new Float64Array(I);
	const D = new Float64Array(I);
	const dTheta = new Float64Array(p);
	const dGamma = new Float64Array(I);
	const tAlpha = new Float64Array(S);
	const tGamma = new Float64Array(I);
	let ll = objective(alpha, beta, gamma);
	for (let iter = 0; iter < 200; iter++) {
		gTheta.fill(0);
		A.fill(0);
		B.fill(0);
		for (let x = 0; x < I; x++) {
			gGamma[x] = -lambda * gamma[x];
			D[x] = lambda;
		}
		for (let r = 0; r < N; r++) {
			if (w[r] === 0) continue;
			const res = w[r] * (y[r] - prob[r]);
			const v = w[r] * prob[r] * (1 - prob[r]);
			const s = sys[r];
			gTheta[s] += res;
			A[s * p + s] += v;
			if (fitB) {
				gTheta[S] += res * t[r];
				A[s * p + S] += v * t[r];
				A[S * p + s] += v * t[r];
				A[S * p + S] += v * t[r] * t[r];
			}
			const x = itm[r];
			if (x >= 0) {
				gGamma[x] += res;
				D[x] += v;
				B[x * p + s] += v;
				if (fitB) B[x * p + S] += v * t[r];
			}
		}
		// Schur complement: (A − B D⁻¹ Bᵀ) δθ = gθ − B D⁻¹ gγ, then δγ = D⁻¹ (gγ − Bᵀ δθ).
		const schur = Float64Array.from(A);
		const rhs = Float64Array.from(gTheta);
		for (let x = 0; x < I; x++) {
			const inv = 1 / D[x];
			for (let a = 0; a < p; a++) {
				const ba = B[x * p + a];
				if (ba === 0) continue;
				rhs[a] -= ba * inv * gGamma[x];
				for (let c = 0; c < p; c++) schur[a * p + c] -= ba * inv * B[x * p + c];
			}
		}
		if (!solveDense(schur, rhs, dTheta, p)) break;
		for (let x = 0; x < I; x++) {
			let s = gGamma[x];
			for (let a = 0; a < p; a++) s -= B[x * p + a] * dTheta[a];
			dGamma[x] = s / D[x];
		}
		let step = 1;
		let next = -Infinity;
		let tBeta = beta;
		for (let h = 0; h < 30; h++) {
			for (let s = 0; s < S; s++) tAlpha[s] = alpha[s] + step * dTheta[s];
			tBeta = fitB ? beta + step * dTheta[S] : beta;
			for (let x = 0; x < I; x++) tGamma[x] = gamma[x] + step * dGamma[x];
			next = objective(tAlpha, tBeta, tGamma);
			if (next >= ll - 1e-12 * Math.abs(ll)) break;
			step /= 2;
		}
		let change = 0;
		for (let a = 0; a < p; a++) change = Math.max(change, Math.abs(step * dTheta[a]));
		for (let x = 0; x < I; x++) change = Math.max(change, Math.abs(step * dGamma[x]));
		alpha.set(tAlpha);
		gamma.set(tGamma);
		beta = tBeta;
		ll = next;
		if (change < 1e-10) {
			let se = Number.NaN;
			if (fitB) {
				// Var(β̂) = [H⁻¹]_ββ = [Schur⁻¹]_ββ (Schur was factored in place: rebuild it cheaply by re-solving).
				se = Math.sqrt(inverseEntry(A, B, D, p, I, S));
			}
			return { alpha, beta, gamma, se, scale };
		}
	}
	throw new RangeError(
		`${FN}: no finite fit (a system won or lost every comparison, so its intercept is infinite); add data`
	);
}

/** [H⁻¹]_kk for the last θ index k via the Schur complement of the penalised Hessian. */
function inverseEntry(A: Float64Array, B: Float64Array, D: Float64Array, p: number, I: number, k: number): number {
	const schur = Float64Array.from(A);
	for (let x = 0; x < I; x++) {
		const inv = 1 / D[x];
		for (let a = 0; a < p; a++) {
			const ba = B[x * p + a];
			if (ba === 0) continue;
			for (let c = 0; c < p; c++) schur[a * p + c] -= ba * inv * B[x * p + c];
		}
	}
	const e = new Float64Array(p);
	e[k] = 1;
	const z = new Float64Array(p);
	if (!solveDense(schur, e, z, p)) return Number.NaN;
	return z[k];
}

/** Solve M z = b (M p×p, symmetric positive definite) by Gaussian elimination with partial pivoting; overwrites M and b. */
function solveDense(M: Float64Array, b: Float64Array, z: Float64Array, p: number): boolean {
	let scale = 0;
	for (let i = 0; i < p; i++) scale = Math.max(scale, Math.abs(M[i * p + i]));
	for (let c = 0; c < p; c++) {
		let piv = c;
		for (let r = c + 1; r < p; r++) if (Math.abs(M[r * p + c]) > Math.abs(M[piv * p + c])) piv = r;
		if (!(Math.abs(M[piv * p + c]) > scale * 1e-13)) return false;
		if (piv !== c) {
			for (let k = 0; k < p; k++) [M[c * p + k], M[piv * p + k]] = [M[piv * p + k], M[c * p + k]];
			[b[c], b[piv]] = [b[piv], b[c]];
		}
		for (let r = c + 1; r < p; r++) {
			const f = M[r * p + c] / M[c * p + c];
			if (f === 0) continue;
			for (let k = c; k < p; k++) M[r * p + k] -= f * M[c * p + k];
			b[r] -= f * b[c];
		}
	}
	for (let i = p - 1; i >= 0; i--) {
		let s = b[i];
		for (let k = i + 1; k < p; k++) s -= M[i * p + k] * z[k];
		z[i] = s / M[i * p + i];
	}
	return true;
}

/** LC_s = weighted mean over s's rows of σ(α_s + γ_x); NaN for a system with no weight. */
function lcRates(des: Design, w: Float64Array, fit: Fit, out: Float64Array, offset: number): void {
	const S = des.systems;
	const sum = new Float64Array(S);
	const tot = new Float64Array(S);
	for (let r = 0; r < des.y.length; r++) {
		if (w[r] === 0) continue;
		const s = des.sys[r];
		sum[s] += w[r] * sigmoid(fit.alpha[s] + (des.itm[r] >= 0 ? fit.gamma[des.itm[r]] : 0));
		tot[s] += w[r];
	}
	for (let s = 0; s < S; s++) out[offset + s] = tot[s] > 0 ? sum[s] / tot[s] : Number.NaN;
}

/**
 * Fit the joint model, bootstrap it over instructions (`item`, else rows), and
 * report per-system LC win rates, flagged where they would extrapolate.
 * Rows with `win = null` are skipped. Throws on invalid rows, a mix of rows
 * with and without `system` / `item`, constant length differences, or a
 * system whose intercept is infinite (all wins or all losses).
 */
export function lengthControlledWinRate(
	items: readonly LengthControlledItem[],
	options: LengthControlledOptions = {}
): LengthControlledResult {
	const {
		scale = 'std',
		difficultyPenalty = 1,
		minLongerShare = 0.1,
		resamples = 1000,
		level = 0.95,
		seed = 1
	} = options;
	assertArray(items, `${FN}: items`);
	assertInteger(resamples, `${FN}: resamples`, 2);
	assertProbabilityLevel(level, `${FN}: level`);
	if (scale !== 'std' && !(typeof scale === 'number' && scale > 0 && Number.isFinite(scale)))
		throw new RangeError(`${FN}: scale must be 'std' or a positive number, got ${describe(scale)}`);
	if (!(typeof difficultyPenalty === 'number' && difficultyPenalty > 0 && Number.isFinite(difficultyPenalty)))
		throw new RangeError(`${FN}: difficultyPenalty must be a positive number, got ${describe(difficultyPenalty)}`);
	if (!(typeof minLongerShare === 'number' && minLongerShare >= 0 && minLongerShare < 0.5))
		throw new RangeError(`${FN}: minLongerShare must be in [0, 0.5), got ${describe(minLongerShare)}`);
	const wins: number[] = [];
	const diffs: number[] = [];
	const systemKeys: (string | undefined)[] = [];
	const keys: (string | number | undefined)[] = [];
	items.forEach((it, i) => {
		if (it === null || typeof it !== 'object') throw new TypeError(`${FN}: items[${i}] must be an object`);
		for (const key of ['modelLength', 'baselineLength'] as const) {
			const v = it[key];
			if (typeof v !== 'number' || !Number.isFinite(v) || v < 0)
				throw new RangeError(`${FN}: items[${i}].${key} must be a finite number ≥ 0, got ${describe(v)}`);
		}
		if (it.system !== undefined && typeof it.system !== 'string')
			throw new TypeError(`${FN}: items[${i}].system must be a string, got ${describe(it.system)}`);
		if (it.win === null) return;
		if (typeof it.win !== 'number' || !(it.win >= 0 && it.win <= 1))
			throw new RangeError(`${FN}: items[${i}].win must be in [0, 1] or null, got ${describe(it.win)}`);
		wins.push(it.win);
		diffs.push(it.modelLength - it.baselineLength);
		systemKeys.push(it.system);
		keys.push(it.item);
	});
	const n = wins.length;
	if (n < 2) throw new RangeError(`${FN}: need at least 2 items with a verdict, got ${n}`);
	const given = systemKeys.filter((s) => s !== undefined).length;
	if (given !== 0 && given !== n) throw new TypeError(`${FN}: give \`system\` on every row or on none`);
	const names = [...new Set(systemKeys.map((s) => s ?? 'model'))];
	const sysIndex = new Map(names.map((s, i) => [s, i]));
	const sys = Int32Array.from(systemKeys, (s) => sysIndex.get(s ?? 'model')!);
	const clusters = itemClusters(keys, FN);

	// Difficulty terms only for instructions answered by ≥ 2 systems.
	const itm = new Int32Array(n).fill(-1);
	let shared = 0;
	if (clusters !== undefined) {
		const systemsOf = new Map<string | number, Set<number>>();
		clusters.forEach((k, r) => {
			if (!systemsOf.has(k)) systemsOf.set(k, new Set());
			systemsOf.get(k)!.add(sys[r]);
		});
		const index = new Map<string | number, number>();
		for (const [k, set] of systemsOf) if (set.size >= 2) index.set(k, shared++);
		clusters.forEach((k, r) => {
			itm[r] = index.get(k) ?? -1;
		});
	}
	const des: Design = {
		y: Float64Array.from(wins),
		d: Float64Array.from(diffs),
		sys,
		itm,
		systems: names.length,
		items: shared
	};
	const S = names.length;
	const ones = new Float64Array(n).fill(1);
	const full = fitJoint(des, ones, scale, difficultyPenalty, null);
	const weights = new Float64Array(n);
	// Vector statistic: [β, LC_1..LC_S, raw_1..raw_S].
	const results = bootstrapIndexCIs(
		(idx, len, out) => {
			weights.fill(0);
			for (let t = 0; t < len; t++) weights[idx[t]]++;
			const f = fitJoint(des, weights, scale, difficultyPenalty, null, full);
			out[0] = f.beta;
			lcRates(des, weights, f, out, 1);
			const sum = new Float64Array(S);
			const tot = new Float64Array(S);
			for (let r = 0; r < n; r++) {
				sum[sys[r]] += weights[r] * des.y[r];
				tot[sys[r]] += weights[r];
			}
			for (let s = 0; s < S; s++) out[1 + S + s] = tot[s] > 0 ? sum[s] / tot[s] : Number.NaN;
		},
		1 + 2 * S,
		n,
		{ resamples, level, seed, clusters }
	);
	const fullLc = new Float64Array(S);
	lcRates(des, ones, full, fullLc, 0);
	const sens = [-1, 1].map((sign) => {
		const out = new Float64Array(S);
		lcRates(des, ones, fitJoint(des, ones, scale, difficultyPenalty, full.beta + sign * full.se, full), out, 0);
		return out;
	});
	const systems: SystemLengthControlled[] = names.map((system, s) => {
		let count = 0;
		let longer = 0;
		let shorter = 0;
		for (let r = 0; r < n; r++) {
			if (sys[r] !== s) continue;
			count++;
			if (des.d[r] > 0) longer++;
			if (des.d[r] < 0) shorter++;
		}
		const longerShare = longer / count;
		const shorterShare = shorter / count;
		let flag: string | null = null;
		if (longerShare < minLongerShare)
			flag = `only ${(100 * longerShare).toFixed(1)}% of ${system}'s answers are longer than the baseline's (< ${100 * minLongerShare}%): its length-controlled rate would extrapolate`;
		else if (shorterShare < minLongerShare)
			flag = `only ${(100 * shorterShare).toFixed(1)}% of ${system}'s answers are shorter than the baseline's (< ${100 * minLongerShare}%): its length-controlled rate would extrapolate`;
		const lc = results[1 + s];
		return {
			system,
			n: count,
			rawWinRate: results[1 + S + s].estimate,
			rawCi: results[1 + S + s].ci,
			winRate: flag ? null : fullLc[s],
			ci: flag ? null : lc.ci,
			extrapolated: fullLc[s],
			extrapolatedCi: lc.ci,
			sensitivity: { slopeMinusSE: sens[0][s], slopePlusSE: sens[1][s] },
			longerShare,
			shorterShare,
			intercept: full.alpha[s],
			flag
		};
	});
	return {
		method: 'joint tanh-length logistic model (shared slope, per-system intercepts, ridge instruction difficulty)',
		systems,
		slope: { estimate: full.beta, se: full.se, ci: results[0].ci },
		scale: full.scale,
		difficulty: shared > 0,
		sharedItems: shared,
		n,
		resamples,
		level,
		undefinedResamples: results[0].undefinedResamples
	};
}
