import { describe, expect, it } from 'vitest';
import { chineseQuestions, demoQuestions } from './questions';
import { demoSystems } from './types';

describe('demo questions', () => {
	it('has about 40 questions with unique ids', () => {
		expect(demoQuestions.length).toBe(40);
		expect(new Set(demoQuestions.map((q) => q.id)).size).toBe(demoQuestions.length);
	});

	it('answers every turn by every system, and references match the turns', () => {
		for (const q of [...demoQuestions, ...chineseQuestions]) {
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

describe('Chinese demo questions', () => {
	const han = /[\u4e00-\u9fff]/g;
	const hanShare = (text: string) => (text.match(han)?.length ?? 0) / text.replace(/\s/g, '').length;

	it('covers the four domains with ids of their own', () => {
		expect(chineseQuestions.length).toBe(16);
		const ids = [...demoQuestions, ...chineseQuestions].map((q) => q.id);
		expect(new Set(ids).size).toBe(ids.length);
		for (const category of ['network-operations', 'cloud-presales', 'materials-science', 'clinical-information']) {
			expect(chineseQuestions.filter((q) => q.category === category).length, category).toBe(4);
		}
		expect(chineseQuestions.filter((q) => q.turns.length > 1).length).toBe(4);
		expect(chineseQuestions.filter((q) => q.reference).length).toBeGreaterThanOrEqual(4);
	});

	it('is written in Chinese: questions and every answer mostly Han characters', () => {
		for (const q of chineseQuestions) {
			// Commands, addresses and units lower the share of a question about tcpdump.
			for (const turn of q.turns) expect(hanShare(turn), q.id).toBeGreaterThan(0.3);
			for (const system of demoSystems) {
				// Code, LaTeX and tables lower the share (a Bragg's-law answer is mostly formula).
				for (const a of q.answers[system]) expect(hanShare(a), `${q.id} ${system}`).toBeGreaterThan(0.1);
			}
		}
	});

	it("keeps the systems' habits: padded > concise > brisk", () => {
		const total = (s: (typeof demoSystems)[number]) =>
			chineseQuestions.reduce((n, q) => n + q.answers[s].join('').length, 0);
		expect(total('verbose-tuned')).toBeGreaterThan(1.25 * total('atlas-large'));
		expect(total('atlas-large')).toBeGreaterThan(3 * total('brisk-small'));
	});
});
