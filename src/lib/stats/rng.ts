/**
 * Seeded pseudo-random numbers for resampling and simulation.
 *
 * Every random draw in the statistics library goes through here so that a
 * result (a bootstrap CI, a simulated coverage) is reproducible from its seed
 * on any machine and in the browser. `Math.random` is never used.
 *
 * Generator: xoshiro128** (Blackman & Vigna, "Scrambled linear pseudorandom
 * number generators", ACM TOMS 2021), 128-bit state, period 2^128 − 1, passes
 * BigCrush. The state is seeded with splitmix32 so that nearby seeds (1, 2, 3…)
 * give unrelated streams.
 */

/** A function returning independent uniform draws on [0, 1). */
export type Rng = () => number;

const TWO_POW_32 = 4294967296;

/** splitmix32 step: a bijective 32-bit mixer used only to expand the seed. */
function splitmix32(state: number): [next: number, output: number] {
	const next = (state + 0x9e3779b9) | 0;
	let z = next;
	z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
	z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
	return [next, (z ^ (z >>> 16)) | 0];
}

/**
 * The xoshiro128** generator as a class, for hot loops that want integers
 * without a closure call per draw (`fillBelow`). `createRng` wraps it; both
 * produce the same stream for the same seed.
 */
export class Xoshiro128 {
	/** s0 … s3 of xoshiro128**, as int32s. */
	private readonly s = new Int32Array(4);

	/** @param seed any safe integer (negative allowed); equal seeds give equal streams. */
	constructor(seed: number) {
		if (!Number.isSafeInteger(seed)) {
			throw new TypeError(`createRng: seed must be a safe integer, got ${String(seed)}`);
		}
		// Fold the high bits in so that seeds differing only above bit 32 differ.
		let mix = (seed | 0) ^ Math.imul(Math.floor(seed / TWO_POW_32) | 0, 0x27d4eb2d);
		const state = this.s;
		for (let i = 0; i < 4; i++) {
			const [next, out] = splitmix32(mix);
			mix = next;
			state[i] = out;
		}
		// An all-zero state is the one fixed point of xoshiro; guard although
		// splitmix32 cannot output four zeros in a row.
		if ((state[0] | state[1] | state[2] | state[3]) === 0) state[0] = 1;
	}

	/** A copy of the state: `xoshiroFillBelow` on it continues this stream (e.g. in a worker). */
	state(): Int32Array {
		return this.s.slice();
	}

	/** Next 32-bit output as an unsigned integer. */
	nextUint32(): number {
		const s = this.s;
		const x = Math.imul(s[1], 5);
		const result = Math.imul((x << 7) | (x >>> 25), 9);
		const t = s[1] << 9;
		s[2] ^= s[0];
		s[3] ^= s[1];
		s[1] ^= s[2];
		s[0] ^= s[3];
		s[2] ^= t;
		s[3] = (s[3] << 11) | (s[3] >>> 21);
		return result >>> 0;
	}

	/** Uniform on [0, 1) with 32 bits of resolution. */
	next(): number {
		return this.nextUint32() / TWO_POW_32;
	}

	/**
	 * Fill out[from … from + count − 1] with uniform integers in {0, …, n − 1},
	 * n < 2^31: the same values `randomInt` would draw (`xoshiroFillBelow`).
	 */
	fillBelow(out: Int32Array, from: number, count: number, n: number): void {
		xoshiroFillBelow(this.s, out, from, count, n);
	}
}

/**
 * `Xoshiro128.fillBelow` on a bare state (4 int32s, advanced in place), one step per value, with
 * the state kept in locals so the loop allocates and calls nothing. Self-contained (no names from
 * outside its body), so its source text also runs in a worker thread (server/stats-worker.ts).
 */
export function xoshiroFillBelow(state: Int32Array, out: Int32Array, from: number, count: number, n: number): void {
	let s0 = state[0];
	let s1 = state[1];
	let s2 = state[2];
	let s3 = state[3];
	for (let i = from, end = from + count; i < end; i++) {
		const x = Math.imul(s1, 5);
		const result = Math.imul((x << 7) | (x >>> 25), 9);
		const t = s1 << 9;
		s2 ^= s0;
		s3 ^= s1;
		s1 ^= s2;
		s0 ^= s3;
		s2 ^= t;
		s3 = (s3 << 11) | (s3 >>> 21);
		// floor(u · n / 2^32), truncated by the Int32Array store. Scaling by
		// 2^−32 commutes with rounding, so this equals floor(rng() · n) exactly.
		out[i] = ((result >>> 0) * n) / 4294967296;
	}
	state[0] = s0;
	state[1] = s1;
	state[2] = s2;
	state[3] = s3;
}

/**
 * Create a seeded xoshiro128** generator returning uniforms on [0, 1) with
 * 32 bits of resolution.
 *
 * @param seed any safe integer (negative allowed); equal seeds give equal streams.
 */
export function createRng(seed: number): Rng {
	const generator = new Xoshiro128(seed);
	return () => generator.next();
}

/**
 * Uniform integer in {0, …, n − 1}. Uses floor(u·n); the modulo-style bias is
 * at most n / 2^32, negligible for the sample sizes a review tool sees.
 */
export function randomInt(rng: Rng, n: number): number {
	if (!Number.isInteger(n) || n < 1 || n > TWO_POW_32) {
		throw new RangeError(`randomInt: n must be an integer in [1, 2^32], got ${String(n)}`);
	}
	return Math.floor(rng() * n);
}

/**
 * Standard normal draw by the Box–Muller transform (Box & Muller 1958).
 * Uses 1 − u so the logarithm never sees 0.
 */
export function randomNormal(rng: Rng, mean = 0, sd = 1): number {
	const u1 = 1 - rng();
	const u2 = rng();
	return mean + sd * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
