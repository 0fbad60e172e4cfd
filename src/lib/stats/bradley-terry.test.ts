import { describe, expect, it } from 'vitest';
import { bradleyTerry, type Battle } from './bradley-terry';
import { fitBradleyTerry, isStronglyConnected } from './bradley-terry-fit';
import { createRng } from './rng';

const battle = (a: string, b: string, winner: Battle['winner']): Battle => ({ a, b, winner });
const repeat = (count: number, b: Battle): Battle[] => Array.from({ length: count }, () => b);

/**
 * Independent reference: Hunter's (2004) MM iteration
 *   π_i ← W_i / Σ_{j≠i} n_ij / (π_i + π_j),
 * run to a fixed point, returned as centred log-strengths.
 */
function mmReference(wins: number[][]): number[] {
	const k = wins.length;
	let p = new Array<number>(k).fill(1);
	for (let iter = 0; iter < 200_000; iter++) {
		const next = p.map((pi, i) => {
			let w = 0;
			let d = 0;
			for (let j = 0; j < k; j++) {
				if (j === i) continue;
				w += wins[i][j];
				const nij = wins[i][j] + wins[j][i];
				if (nij > 0) d += nij / (pi + p[j]);
			}
			return w / d;
		});
		const g = Math.exp(next.reduce((s, v) => s + Math.log(v), 0) / k);
		const scaled = next.map((v) => v / g);
		const delta = Math.max(...scaled.map((v, i) => Math.abs(Math.log(v) - Math.log(p[i]))));
		p = scaled;
		if (delta < 1e-15) break;
	}
	return p.map(Math.log);
}

describe('fitBradleyTerry', () => {
	it('two players, 3:1 record → θ_A − θ_B = log 3 exactly', () => {
		const theta = fitBradleyTerry(Float64Array.from([0, 3, 1, 0]), 2);
		expect(theta[0] - theta[1]).toBeCloseTo(Math.log(3), 12);
		expect(theta[0] + theta[1]).toBeCloseTo(0, 14);
	});

	it('matches the MM algorithm and satisfies the likelihood equations on random tournaments', () => {
		const rng = createRng(17);
		for (let rep = 0; rep < 30; rep++) {
			const k = 3 + Math.floor(rng() * 6);
			const wins = Array.from({ length: k }, () => new Array<number>(k).fill(0));
			// Round robin with fractional (tie-split) counts; every pair both ways keeps it connected.
			for (let i = 0; i < k; i++) {
				for (let j = 0; j < k; j++) if (i !== j) wins[i][j] = 0.5 + Math.floor(rng() * 8) / 2;
			}
			const theta = fitBradleyTerry(Float64Array.from(wins.flat()), k);
			const ref = mmReference(wins);
			for (let i = 0; i < k; i++) expect(theta[i]).toBeCloseTo(ref[i], 9);
			// Score equations: W_i = Σ_j n_ij σ(θ_i − θ_j).
			for (let i = 0; i < k; i++) {
				let expected = 0;
				let observed = 0;
				for (let j = 0; j < k; j++) {
					if (j === i) continue;
					observed += wins[i][j];
					expected += (wins[i][j] + wins[j][i]) / (1 + Math.exp(theta[j] - theta[i]));
				}
				expect(Math.abs(observed - expected)).toBeLessThan(1e-9);
			}
		}
	});

	it('detects non-identifiable data and regularises with a prior', () => {
		// A beat B, B beat C, nobody ever beat A: A's strength is unbounded.
		const wins = Float64Array.from([0, 2, 0, 0, 0, 1, 0, 1, 0]);
		expect(isStronglyConnected(wins, 3)).toBe(false);
		expect(() => fitBradleyTerry(wins, 3)).toThrow(/not identifiable/);
		const theta = fitBradleyTerry(wins, 3, 1);
		expect(theta[0]).toBeGreaterThan(theta[1]);
		// Reference: MM with the prior's pseudo-battles against a fixed π = 1 player,
		//   π_i ← (W_i + c) / (Σ_j n_ij/(π_i + π_j) + 2c/(π_i + 1)), no renormalisation.
		const w = [
			[0, 2, 0],
			[0, 0, 1],
			[0, 1, 0]
		];
		let p = [1, 1, 1];
		for (let iter = 0; iter < 100_000; iter++) {
			p = p.map((pi, i) => {
				let num = 1;
				let den = 2 / (pi + 1);
				for (let j = 0; j < 3; j++) {
					if (j === i) continue;
					num += w[i][j];
					den += (w[i][j] + w[j][i]) / (pi + p[j]);
				}
				return num / den;
			});
		}
		const logs = p.map(Math.log);
		const mean = (logs[0] + logs[1] + logs[2]) / 3;
		logs.forEach((v, i) => expect(theta[i]).toBeCloseTo(v - mean, 9));
		expect(isStronglyConnected(Float64Array.from([0, 1, 1, 0]), 2)).toBe(true);
		expect(() => fitBradleyTerry(Float64Array.from([0, 1, 1]), 2)).toThrow(RangeError);
		expect(() => fitBradleyTerry(Float64Array.from([0, -1, 1, 0]), 2)).toThrow(RangeError);
	});
});

describe('bradleyTerry', () => {
	it('ranks players, reports Elo-like ratings and counts ties as half wins', () => {
		const battles = [
			...repeat(3, battle('A', 'B', 'a')),
			battle('A', 'B', 'b'),
			...repeat(2, battle('B', 'A', 'tie')),
			battle('A', 'B', null)
		];
		const res = bradleyTerry(battles, { resamples: 0 });
		// With ties as halves: A has 3 + 1 = 4 wins, B 1 + 1 = 2 → θ_A − θ_B = log 2.
		const [first, second] = res.players;
		expect(first.name).toBe('A');
		expect(first.rank).toBe(1);
		expect(second.rank).toBe(2);
		expect(first.logStrength - second.logStrength).toBeCloseTo(Math.log(2), 12);
		expect(first.rating - second.rating).toBeCloseTo(400 * Math.log10(2), 10);
		expect(first.rating + second.rating).toBeCloseTo(2000, 10);
		expect(first.strength * second.strength).toBeCloseTo(1, 12);
		expect(first.wins).toBe(4);
		expect(first.battles).toBe(6);
		expect(res.battles).toBe(6);
		expect(first.ci).toBeNull();
		// Ignoring ties: 3 : 1.
		const ignore = bradleyTerry(battles, { ties: 'ignore', resamples: 0 });
		expect(ignore.players[0].logStrength - ignore.players[1].logStrength).toBeCloseTo(Math.log(3), 12);
	});

	it('gives equal players the same rank', () => {
		const res = bradleyTerry([battle('x', 'y', 'a'), battle('x', 'y', 'b')], { resamples: 0 });
		expect(res.players.map((p) => p.rank)).toEqual([1, 1]);
	});

	it('bootstrap intervals are seeded, contain the estimate and shrink with more battles', () => {
		const rng = createRng(8);
		const names = ['p0', 'p1', 'p2', 'p3'];
		const truth = [0.8, 0.3, -0.2, -0.9];
		const make = (count: number) =>
			Array.from({ length: count }, () => {
				const i = Math.floor(rng() * 4);
				const j = (i + 1 + Math.floor(rng() * 3)) % 4;
				const pWin = 1 / (1 + Math.exp(truth[j] - truth[i]));
				return battle(names[i], names[j], rng() < 0.1 ? 'tie' : rng() < pWin ? 'a' : 'b');
			});
		const small = make(400);
		const res = bradleyTerry(small, { resamples: 300, seed: 4 });
		expect(res.players.map((p) => p.name)).toEqual(names);
		for (const p of res.players) {
			const ci = p.ci!;
			expect(ci.logStrength[0]).toBeLessThanOrEqual(p.logStrength);
			expect(ci.logStrength[1]).toBeGreaterThanOrEqual(p.logStrength);
			expect(ci.rating[0]).toBeCloseTo(1000 + (400 / Math.LN10) * ci.logStrength[0], 9);
		}
		expect(bradleyTerry(small, { resamples: 300, seed: 4 })).toEqual(res);
		const big = bradleyTerry(make(6400), { resamples: 300, seed: 4 });
		const width = (r: typeof res) => r.players[0].ci!.logStrength[1] - r.players[0].ci!.logStrength[0];
		expect(width(big)).toBeLessThan(width(res) / 2.5);
		// Cluster bootstrap runs with one key per battle.
		const clustered = bradleyTerry(small, { resamples: 50, clusters: small.map((_, i) => i % 50) });
		expect(clustered.players[0].ci).not.toBeNull();
	});

	it('disconnected groups: without a prior the error names them; with a prior, components and a warning', () => {
		const battles = [
			...repeat(3, battle('A', 'B', 'a')),
			battle('B', 'A', 'a'),
			...repeat(3, battle('C', 'D', 'a')),
			battle('D', 'C', 'a'),
			battle('E', 'C', 'b'),
			battle('C', 'E', 'b')
		];
		expect(() => bradleyTerry(battles, { resamples: 0 })).toThrow(/2 disconnected groups \(\{C, D, E\} and \{A, B\}\)/);
		const res = bradleyTerry(battles, { prior: 1, resamples: 0 });
		expect(res.components).toEqual([
			['C', 'D', 'E'],
			['A', 'B']
		]);
		expect(res.identifiable).toBe(false);
		expect(res.warnings.join(' ')).toMatch(/2 disconnected groups.*within a group only/);
		const byName = new Map(res.players.map((p) => [p.name, p]));
		expect(byName.get('A')!.component).toBe(1);
		expect(byName.get('E')!.component).toBe(0);
		// A connected, strongly connected graph: one component, no warning.
		const fine = bradleyTerry([battle('x', 'y', 'a'), battle('x', 'y', 'b')], { resamples: 0 });
		expect(fine.components).toEqual([['x', 'y']]);
		expect(fine.identifiable).toBe(true);
		expect(fine.warnings).toEqual([]);
		// Connected but someone lost every battle: identifiable only through the prior.
		const oneSided = bradleyTerry([battle('x', 'y', 'a'), battle('x', 'y', 'a')], { prior: 1, resamples: 0 });
		expect(oneSided.identifiable).toBe(false);
		expect(oneSided.warnings.join(' ')).toMatch(/only because of the prior/);
	});

	it('sparse data: the bootstrap returns with a count of failed resamples instead of throwing', () => {
		// Strongly connected through single battles: many resamples lose one of them.
		const battles = [
			battle('A', 'B', 'a'),
			battle('B', 'A', 'a'),
			battle('B', 'C', 'a'),
			battle('C', 'B', 'a'),
			battle('A', 'C', 'a'),
			battle('C', 'A', 'a'),
			battle('A', 'B', 'a')
		];
		const res = bradleyTerry(battles, { resamples: 400, seed: 2 });
		expect(res.identifiable).toBe(true);
		expect(res.failedResamples).toBeGreaterThan(100);
		expect(res.failedResamples).toBeLessThan(400);
		expect(res.warnings.join(' ')).toMatch(new RegExp(`failed on ${res.failedResamples} of 400`));
		for (const p of res.players) {
			expect(Number.isFinite(p.ci!.logStrength[0]) && Number.isFinite(p.ci!.logStrength[1])).toBe(true);
			expect(p.rankCi![0]).toBeGreaterThanOrEqual(1);
			expect(p.rankCi![1]).toBeLessThanOrEqual(3);
		}
	});

	it('rank intervals from the bootstrap replicates: integer, containing the rank, narrow when strengths differ', () => {
		const rng = createRng(21);
		const names = ['p0', 'p1', 'p2', 'p3'];
		// p0 far ahead; p1 and p2 equal; p3 far behind.
		const truth = [2, 0, 0, -2];
		const battles = Array.from({ length: 2000 }, () => {
			const i = Math.floor(rng() * 4);
			const j = (i + 1 + Math.floor(rng() * 3)) % 4;
			return battle(names[i], names[j], rng() < 1 / (1 + Math.exp(truth[j] - truth[i])) ? 'a' : 'b');
		});
		const res = bradleyTerry(battles, { resamples: 300, seed: 5 });
		const byName = new Map(res.players.map((p) => [p.name, p]));
		expect(byName.get('p0')!.rankCi).toEqual([1, 1]);
		expect(byName.get('p3')!.rankCi).toEqual([4, 4]);
		// The equal pair swaps places across resamples: both intervals are [2, 3].
		expect(byName.get('p1')!.rankCi).toEqual([2, 3]);
		expect(byName.get('p2')!.rankCi).toEqual([2, 3]);
		for (const p of res.players) {
			expect(p.rankCi![0]).toBeLessThanOrEqual(p.rank);
			expect(p.rankCi![1]).toBeGreaterThanOrEqual(p.rank);
		}
		expect(res.failedResamples).toBe(0);
		expect(bradleyTerry(battles, { resamples: 0 }).players[0].rankCi).toBeNull();
	});

	it('ties as half wins shrink the gap: 12 wins, 8 losses, 80 ties → log(52/48) instead of log(12/8)', () => {
		const battles = [
			...repeat(12, battle('A', 'B', 'a')),
			...repeat(8, battle('A', 'B', 'b')),
			...repeat(80, battle('A', 'B', 'tie'))
		];
		const half = bradleyTerry(battles, { resamples: 0 });
		const ignore = bradleyTerry(battles, { resamples: 0, ties: 'ignore' });
		expect(half.players[0].logStrength - half.players[1].logStrength).toBeCloseTo(Math.log(52 / 48), 10);
		expect(ignore.players[0].logStrength - ignore.players[1].logStrength).toBeCloseTo(Math.log(12 / 8), 10);
	});

	it('throws clear errors on bad input and on unidentifiable data', () => {
		expect(() => bradleyTerry([battle('a', 'a', 'a')])).toThrow(/against itself/);
		expect(() => bradleyTerry([{ a: 'x', b: 'y', winner: 'x' as 'a' }])).toThrow(TypeError);
		expect(() => bradleyTerry([battle('x', 'y', null)])).toThrow(/no battles/);
		expect(() => bradleyTerry([battle('x', 'y', 'a')], { resamples: 0 })).toThrow(/not identifiable/);
		expect(() => bradleyTerry([battle('x', 'y', 'a')], { ties: 'drop' as 'half' })).toThrow(RangeError);
		expect(() => bradleyTerry([battle('x', 'y', 'a')], { prior: -1 })).toThrow(RangeError);
		const withPrior = bradleyTerry([battle('x', 'y', 'a')], { prior: 1, resamples: 0 });
		// One win plus a prior of one win and one loss each vs an average player.
		expect(withPrior.players[0].name).toBe('x');
	});
});
