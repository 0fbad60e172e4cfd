/**
 * Human labels for the demo project, written by SIMULATED annotators (never real people: their
 * names say "simulated annotator n (demo)"). Pure and deterministic: a seeded xoshiro128**
 * stream (lib/stats/rng.ts) walks the items in external-id order.
 *
 * Model (a Thurstone-style latent comparison, Thurstone 1927):
 *   true quality of an answer  t = systemQuality[system] + N(0, answerSd)      (shared by everyone)
 *   an annotator's reading     t + N(0, annotatorSd[j] · (ambiguous item ? ambiguityFactor : 1))
 *   pairwise verdict           A when reading(A) − reading(B) > tieBand, B when < −tieBand, else tie
 *   pointwise score            clamp(round(scoreBase + scoreScale · reading), 1, 10)
 *   gold key                   the same rule on the true qualities (no noise), on every second item
 * So the agreement level is set by `annotatorSd` (on a quality gap of ~0.5 per system rank it gives
 * a linear-weighted κ of about 0.5 between annotators on the English set, 0.4 on the Chinese one),
 * and the `ambiguousShare` of items with `ambiguityFactor` times the noise are where the
 * question-quality view finds human disagreement.
 */
import { createRng, randomNormal, type Rng } from '../../stats/rng';
import type { Verdict } from '../db/schema';

export const DEMO_LABEL_MODEL = {
	seed: 20_260_512,
	systemQuality: { 'atlas-large': 1, 'verbose-tuned': 0.55, 'brisk-small': 0 } as Record<string, number>,
	answerSd: 0.35,
	annotatorSd: [0.12, 0.18, 0.24],
	ambiguousShare: 0.15,
	ambiguityFactor: 4,
	tieBand: 0.06,
	scoreBase: 3,
	scoreScale: 5,
	/** Simulated active seconds per label: log-normal around this median. */
	medianSeconds: 40
} as const;

export const simulatedAnnotatorName = (n: number) => `simulated annotator ${n} (demo)`;
export const SIMULATED_GOLD_NAME = 'simulated gold key (demo)';

export interface DemoAnswer {
	id: string;
	itemId: string;
	externalId: string;
	system: string;
}

export interface SimulatedLabel {
	itemId: string;
	answerAId: string;
	/** Null for a pointwise score. */
	answerBId: string | null;
	annotator: string;
	/** Unique per annotator and unit (the imported-label key). */
	key: string;
	verdict: Verdict | null;
	score: number | null;
	activeSeconds: number;
}

function verdictOf(diff: number, band: number): Verdict {
	return diff > band ? 'A' : diff < -band ? 'B' : 'tie';
}

function seconds(rng: Rng): number {
	return Math.max(5, Math.round(DEMO_LABEL_MODEL.medianSeconds * Math.exp(randomNormal(rng, 0, 0.5))));
}

/** Pairwise verdicts (every pair of systems, A = the system first by name) and pointwise scores. */
export function simulateDemoLabels(answers: readonly DemoAnswer[]): SimulatedLabel[] {
	const m = DEMO_LABEL_MODEL;
	const rng = createRng(m.seed);
	const byItem = new Map<string, DemoAnswer[]>();
	for (const a of answers) byItem.set(a.externalId, [...(byItem.get(a.externalId) ?? []), a]);
	const out: SimulatedLabel[] = [];
	const externalIds = [...byItem.keys()].sort();
	externalIds.forEach((externalId, index) => {
		const item = byItem
			.get(externalId)!
			.slice()
			.sort((x, y) => x.system.localeCompare(y.system));
		const ambiguous = rng() < m.ambiguousShare;
		const truth = new Map(
			item.map((a) => [a.id, (m.systemQuality[a.system] ?? 0.5) + randomNormal(rng, 0, m.answerSd)])
		);
		const readings = m.annotatorSd.map((sd) => {
			const scale = sd * (ambiguous ? m.ambiguityFactor : 1);
			return new Map(item.map((a) => [a.id, truth.get(a.id)! + randomNormal(rng, 0, scale)]));
		});
		const pairs: [DemoAnswer, DemoAnswer][] = [];
		for (let i = 0; i < item.length; i++) for (let j = i + 1; j < item.length; j++) pairs.push([item[i], item[j]]);
		readings.forEach((reading, j) => {
			const annotator = simulatedAnnotatorName(j + 1);
			for (const [a, b] of pairs) {
				out.push({
					itemId: a.itemId,
					answerAId: a.id,
					answerBId: b.id,
					annotator,
					key: `demo:${externalId}:${a.system}:${b.system}`,
					verdict: verdictOf(reading.get(a.id)! - reading.get(b.id)!, m.tieBand),
					score: null,
					activeSeconds: seconds(rng)
				});
			}
			for (const a of item) {
				const score = Math.min(10, Math.max(1, Math.round(m.scoreBase + m.scoreScale * reading.get(a.id)!)));
				out.push({
					itemId: a.itemId,
					answerAId: a.id,
					answerBId: null,
					annotator,
					key: `demo:${externalId}:${a.system}`,
					verdict: null,
					score,
					activeSeconds: seconds(rng)
				});
			}
		});
		if (index % 2 === 0) {
			for (const [a, b] of pairs) {
				out.push({
					itemId: a.itemId,
					answerAId: a.id,
					answerBId: b.id,
					annotator: SIMULATED_GOLD_NAME,
					key: `demo:${externalId}:${a.system}:${b.system}`,
					verdict: verdictOf(truth.get(a.id)! - truth.get(b.id)!, m.tieBand),
					score: null,
					activeSeconds: 0
				});
			}
		}
	});
	return out;
}
