import { describe, expect, it } from 'vitest';
import { demoQuestions } from './questions';
import { demoSystems } from './types';

describe('demo questions', () => {
	it('has about 40 questions with unique ids', () => {
		expect(demoQuestions.length).toBe(40);
		expect(new Set(demoQuestions.map((q) => q.id)).size).toBe(demoQuestions.length);
	});

	it('answers every turn by every system, and references match the turns', () => {
		for (const q of demoQuestions) {
			for (const system of demoSystems) {
				expect(q.answers[system], `${q.id} ${system}`).toHaveLength(q.turns.length);
				for (const a of q.answers[system]) expect(a.trim().length, `${q.id} ${system}`).toBeGreaterThan(0);
			}
			if (q.reference) expect(q.reference, q.id).toHaveLength(q.turns.length);
		}
	});

	it('mixes multi-turn conversations, references and answer lengths', () => {
		expect(demoQuestions.filter((q) => q.turns.length > 1).length).toBeGreaterThanOrEqual(6);
		expect(demoQuestions.filter((q) => q.reference).length).toBeGreaterThanOrEqual(10);
		const total = (s: (typeof demoSystems)[number]) =>
			demoQuestions.reduce((n, q) => n + q.answers[s].join('').length, 0);
		// The length-bias story: verbose > concise > brisk, by a wide margin.
		expect(total('verbose-tuned')).toBeGreaterThan(1.5 * total('atlas-large'));
		expect(total('atlas-large')).toBeGreaterThan(3 * total('brisk-small'));
	});
});
