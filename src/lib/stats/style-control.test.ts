import { describe, expect, it } from 'vitest';
import { bradleyTerry, type Battle } from './bradley-terry';
import { sigmoid } from './logistic';
import { createRng, randomNormal } from './rng';
import { markdownStyle, styleControlledBradleyTerry, type StyledBattle } from './style-control';

describe('markdownStyle', () => {
	it('counts headers, list items and bold spans outside code fences', () => {
		const text = [
			'# Title',
			'Some **bold** and __more__ text, not a #hashtag.',
			'## Part',
			'- one',
			'  * two',
			'3. three',
			'```',
			'# not a header',
			'- not a list',
			'**not bold**',
			'```',
			'-not a list either'
		].join('\n');
		expect(markdownStyle(text)).toEqual({ headers: 2, lists: 3, bold: 2 });
		expect(markdownStyle('')).toEqual({ headers: 0, lists: 0, bold: 0 });
	});
});

/** Battles with a planted length effect: P(a wins) = σ(θ_a − θ_b + γ·d_len). */
function planted(theta: Record<string, number>, gamma: number, n: number, seed: number) {
	const rng = createRng(seed);
	const names = Object.keys(theta);
	// System "verbose" writes longer answers: without style control it looks stronger.
	const meanLength: Record<string, number> = { verbose: 900, terse: 300, middle: 500 };
	const battles: (StyledBattle & Battle)[] = [];
	const d: number[] = [];
	for (let i = 0; i < n; i++) {
		const a = names[i % 3];
		const b = names[(i + 1 + (i % 2)) % 3];
		const la = Math.max(20, meanLength[a] * Math.exp(randomNormal(rng, 0, 0.4)));
		const lb = Math.max(20, meanLength[b] * Math.exp(randomNormal(rng, 0, 0.4)));
		const diff = (la - lb) / (la + lb);
		d.push(diff);
		const win = rng() < sigmoid(theta[a] - theta[b] + gamma * diff);
		battles.push({ a, b, winner: win ? 'a' : 'b', styleA: [la], styleB: [lb] });
	}
	const mean = d.reduce((s, v) => s + v, 0) / n;
	const sd = Math.sqrt(d.reduce((s, v) => s + (v - mean) ** 2, 0) / n);
	return { battles, sd };
}

describe('styleControlledBradleyTerry', () => {
	it('without style features equals plain Bradley–Terry (ties as half wins) on the same battles', () => {
		const battles: (StyledBattle & Battle)[] = [];
		const pattern: [string, string, 'a' | 'b' | 'tie'][] = [
			['x', 'y', 'a'],
			['x', 'y', 'a'],
			['x', 'y', 'b'],
			['y', 'z', 'a'],
			['y', 'z', 'tie'],
			['z', 'y', 'a'],
			['z', 'x', 'a'],
			['x', 'z', 'a'],
			['x', 'z', 'tie']
		];
		for (const [a, b, winner] of pattern) battles.push({ a, b, winner, styleA: [], styleB: [] });
		const styled = styleControlledBradleyTerry(battles, { features: [], resamples: 0 });
		const plain = bradleyTerry(battles, { resamples: 0 });
		for (const p of plain.players) {
			const s = styled.players.find((q) => q.name === p.name)!;
			expect(s.logStrength).toBeCloseTo(p.logStrength, 8);
			expect(s.rank).toBe(p.rank);
		}
		expect(styled.coefficients).toEqual([]);
	});

	it('recovers equal strengths and the planted length coefficient where raw Bradley–Terry ranks the verbose system first', () => {
		const gamma = 3;
		const { battles, sd } = planted({ verbose: 0, terse: 0, middle: 0 }, gamma, 1500, 7);
		const raw = bradleyTerry(battles, { resamples: 0 });
		expect(raw.players[0].name).toBe('verbose');
		expect(raw.players[0].rating - raw.players[2].rating).toBeGreaterThan(60);
		const r = styleControlledBradleyTerry(battles, { features: ['length'], resamples: 200, seed: 3 });
		const [length] = r.coefficients;
		// Per SD of the normalised difference: the planted γ times that SD.
		expect(length.ci![0]).toBeLessThan(gamma * sd);
		expect(length.ci![1]).toBeGreaterThan(gamma * sd);
		for (const p of r.players) {
			expect(p.ratingCi![0]).toBeLessThan(1000);
			expect(p.ratingCi![1]).toBeGreaterThan(1000);
		}
	});

	it('a feature that never differs gets γ = 0 without an interval; a player who always wins has no finite fit', () => {
		const battles: StyledBattle[] = [
			{ a: 'x', b: 'y', winner: 'a', styleA: [0], styleB: [0] },
			{ a: 'x', b: 'y', winner: 'b', styleA: [0], styleB: [0] }
		];
		const r = styleControlledBradleyTerry(battles, { features: ['bold'], resamples: 0 });
		expect(r.coefficients[0]).toEqual({ name: 'bold', estimate: 0, ci: null, sd: 0 });
		expect(() =>
			styleControlledBradleyTerry([{ a: 'x', b: 'y', winner: 'a', styleA: [1], styleB: [1] }], {
				features: ['bold'],
				resamples: 0
			})
		).toThrow(RangeError);
		expect(() =>
			styleControlledBradleyTerry([{ a: 'x', b: 'y', winner: 'a', styleA: [1], styleB: [] }], { features: ['bold'] })
		).toThrow(/style counts/);
	});
});
