/**
 * mulberry32: a tiny seeded generator of uniforms on [0, 1), for test data and bench files that
 * must come out the same on every run. Kept apart from lib/stats' xoshiro128** (createRng) so
 * that the planted tests and the benches keep the streams their figures were measured on.
 */
export function mulberry32(seed: number): () => number {
	let a = seed >>> 0;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = a;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}
