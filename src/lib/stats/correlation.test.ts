import { describe, it, expect } from 'vitest';
import { averageRanks, kendallTauB, kendallTauBFromTable, pearson, spearman, spearmanFromTable } from './correlation';
import { createRng } from './rng';

/** Brute-force O(n²) τ-b straight from the definition (concordant/discordant/tied pairs). */
function bruteTauB(x: number[], y: number[]): number {
	let concordant = 0;
	let discordant = 0;
	let tiedXOnly = 0;
	let tiedYOnly = 0;
	for (let i = 0; i < x.length; i++) {
		for (let j = i + 1; j < x.length; j++) {
			const dx = Math.sign(x[i] - x[j]);
			const dy = Math.sign(y[i] - y[j]);
			if (dx === 0 && dy === 0) continue;
			if (dx === 0) tiedXOnly++;
			else if (dy === 0) tiedYOnly++;
			else if (dx === dy) concordant++;
			else discordant++;
		}
	}
	const p = concordant + discordant;
	return (concordant - discordant) / Math.sqrt((p + tiedXOnly) * (p + tiedYOnly));
}

/** O(n²) average ranks: 1 + #smaller + (#equal − 1)/2. */
function bruteRanks(v: number[]): number[] {
	return v.map((a) => 1 + v.filter((b) => b < a).length + (v.filter((b) => b === a).length - 1) / 2);
}

/** Textbook Pearson on plain arrays (array methods, no typed buffers). */
function brutePearson(x: number[], y: number[]): number {
	const mean = (v: number[]) => v.reduce((s, a) => s + a, 0) / v.length;
	const mx = mean(x);
	const my = mean(y);
	const cov = x.reduce((s, a, i) => s + (a - mx) * (y[i] - my), 0);
	const vx = x.reduce((s, a) => s + (a - mx) ** 2, 0);
	const vy = y.reduce((s, b) => s + (b - my) ** 2, 0);
	return cov / Math.sqrt(vx * vy);
}

function randomTied(rng: () => number, n: number, levels: number): number[] {
	return Array.from({ length: n }, () => Math.floor(rng() * levels));
}

describe('correlations — scipy documentation examples', () => {
	it('pearsonr([1..7], [10, 9, 2.5, 6, 4, 3, 2]) = -0.828503883588428', () => {
		expect(pearson([1, 2, 3, 4, 5, 6, 7], [10, 9, 2.5, 6, 4, 3, 2])).toBeCloseTo(-0.828503883588428, 14);
	});

	it('spearmanr([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) = 0.8207826816681233 (tied y)', () => {
		expect(spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7])).toBeCloseTo(0.8207826816681233, 14);
	});

	it('kendalltau([12, 2, 1, 12, 2], [1, 4, 7, 1, 0]) = -0.47140452079103173 (τ-b with ties)', () => {
		expect(kendallTauB([12, 2, 1, 12, 2], [1, 4, 7, 1, 0])).toBeCloseTo(-0.47140452079103173, 14);
	});
});

describe('kendallTauB — Knight O(n log n) against the O(n²) definition', () => {
	it('matches on random data with many ties, sizes 2–300', () => {
		const rng = createRng(1966);
		let checked = 0;
		for (let t = 0; t < 120; t++) {
			const n = 2 + Math.floor(rng() * 300);
			const levels = 1 + Math.floor(rng() * (t % 3 === 0 ? 3 : 8));
			const x = randomTied(rng, n, levels + 1);
			const y = x.map((v) => (rng() < 0.6 ? v : Math.floor(rng() * (levels + 1))));
			if (new Set(x).size < 2 || new Set(y).size < 2) continue;
			checked++;
			expect(kendallTauB(x, y)).toBeCloseTo(bruteTauB(x, y), 12);
		}
		expect(checked).toBeGreaterThan(80);
	});

	it('matches on continuous data (no ties) and gives exactly ±1 for monotone data', () => {
		const rng = createRng(3);
		const x = Array.from({ length: 500 }, () => rng());
		const y = x.map((v) => v + rng() * 0.5);
		expect(kendallTauB(x, y)).toBeCloseTo(bruteTauB(x, y), 12);
		expect(
			kendallTauB(
				x,
				x.map((v) => 2 * v)
			)
		).toBe(1);
		expect(
			kendallTauB(
				x,
				x.map((v) => -v)
			)
		).toBe(-1);
	});

	it('drops pairs with a null', () => {
		expect(kendallTauB([1, 2, null, 3], [1, 2, 9, 3])).toBe(1);
	});
});

describe('spearman and pearson against references', () => {
	it('averageRanks equals the O(n²) definition', () => {
		const rng = createRng(8);
		const v = randomTied(rng, 200, 7);
		expect(Array.from(averageRanks(v))).toEqual(bruteRanks(v));
	});

	it('spearman = Pearson of average ranks on random tied data', () => {
		const rng = createRng(1904);
		for (let t = 0; t < 30; t++) {
			const n = 3 + Math.floor(rng() * 100);
			const x = randomTied(rng, n, 5);
			const y = x.map((v) => (rng() < 0.5 ? v : Math.floor(rng() * 5)));
			if (new Set(x).size < 2 || new Set(y).size < 2) continue;
			expect(spearman(x, y)).toBeCloseTo(brutePearson(bruteRanks(x), bruteRanks(y)), 12);
			expect(pearson(x, y)).toBeCloseTo(brutePearson(x, y), 12);
		}
	});

	it('pearson is stable for a large offset and exactly ±1 on lines', () => {
		const x = [1e9 + 1, 1e9 + 2, 1e9 + 3, 1e9 + 4];
		expect(pearson(x, [2, 4, 6, 8])).toBe(1);
		expect(pearson([1, 2, 3], [3, 2, 1])).toBe(-1);
	});

	it('accepts typed arrays', () => {
		expect(spearman(new Float64Array([1, 2, 3]), new Float64Array([1, 3, 2]))).toBeCloseTo(0.5, 14);
	});
});

describe('table forms equal the sample forms on the expanded data', () => {
	it('kendallTauBFromTable and spearmanFromTable', () => {
		const rng = createRng(77);
		for (let t = 0; t < 40; t++) {
			const rows = 2 + Math.floor(rng() * 4);
			const cols = 2 + Math.floor(rng() * 4);
			const table = Array.from({ length: rows * cols }, () => Math.floor(rng() * rng() * 6));
			const x: number[] = [];
			const y: number[] = [];
			table.forEach((c, cell) => {
				for (let r = 0; r < c; r++) {
					x.push(Math.floor(cell / cols));
					y.push(cell % cols);
				}
			});
			if (new Set(x).size < 2 || new Set(y).size < 2) continue;
			expect(kendallTauBFromTable(table, rows, cols)).toBeCloseTo(kendallTauB(x, y), 12);
			expect(spearmanFromTable(table, rows, cols)).toBeCloseTo(spearman(x, y), 12);
		}
	});
});

describe('correlations — validation', () => {
	it('throws instead of returning NaN', () => {
		for (const f of [pearson, spearman, kendallTauB]) {
			expect(() => f([1, 1, 1], [1, 2, 3])).toThrow(/constant/);
			expect(() => f([1, 2, 3], [4, 4, 4])).toThrow(/constant/);
			expect(() => f([1, 2], [1])).toThrow(RangeError);
			expect(() => f([1], [1])).toThrow(/at least 2/);
			expect(() => f([1, null, 3], [null, 2, 3])).toThrow(/at least 2/);
			expect(() => f([1, Number.NaN], [1, 2])).toThrow(RangeError);
			expect(() => f([1, '2' as unknown as number], [1, 2])).toThrow(TypeError);
		}
		expect(() => kendallTauBFromTable([5, 0, 0, 0], 2, 2)).toThrow(/constant/);
		expect(() => spearmanFromTable([1, 2, 3], 2, 2)).toThrow(RangeError);
	});
});
