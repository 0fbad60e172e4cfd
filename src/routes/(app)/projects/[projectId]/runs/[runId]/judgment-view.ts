/**
 * A judgment row as the page shows it: who was compared, which answer was shown first, the
 * outcome in words, and the flags on its answers. Flags are stored per answer of the unit
 * (`[flagsOfA, flagsOfB]`, lib/judging/flag-answer.ts); their excerpts are untrusted answer text
 * and are only ever rendered as plain text.
 */
import { m } from '$lib/paraglide/messages.js';
import { formatScore } from '../run-format';

export interface JudgmentLike {
	systemAName: string;
	systemBName: string | null;
	order: 'ab' | 'ba' | null;
	status: string;
	verdict: 'A' | 'B' | 'tie' | null;
	score: number | null;
}

export interface ShownFlag {
	answer: 'A' | 'B';
	system: string;
	kind: string;
	reason: string;
	excerpt: string;
}

export const pairLabel = (j: JudgmentLike) =>
	j.systemBName === null ? j.systemAName : `${j.systemAName} ↔ ${j.systemBName}`;

/** The system whose answer the judge read first, or null for a single answer. */
export const shownFirst = (j: JudgmentLike) =>
	j.order === null || j.systemBName === null ? null : j.order === 'ab' ? j.systemAName : j.systemBName;

export function outcomeLabel(j: JudgmentLike): string {
	if (j.verdict === 'tie') return m.results_tie();
	if (j.verdict === 'A') return m.results_prefers({ system: j.systemAName });
	if (j.verdict === 'B') return m.results_prefers({ system: j.systemBName ?? '?' });
	if (j.score !== null) return m.results_score({ score: formatScore(j.score) });
	return '—';
}

const text = (v: unknown) => (typeof v === 'string' ? v : '');

/** The stored flags (any shape the column may hold) as a flat list; unknown shapes give none. */
export function flagsOf(flags: unknown, j: Pick<JudgmentLike, 'systemAName' | 'systemBName'>): ShownFlag[] {
	if (!Array.isArray(flags)) return [];
	const out: ShownFlag[] = [];
	flags.forEach((perAnswer, index) => {
		if (!Array.isArray(perAnswer) || index > 1) return;
		const answer = index === 0 ? 'A' : 'B';
		const system = index === 0 ? j.systemAName : (j.systemBName ?? '?');
		for (const f of perAnswer) {
			if (!f || typeof f !== 'object') continue;
			const flag = f as Record<string, unknown>;
			out.push({ answer, system, kind: text(flag.kind), reason: text(flag.reason), excerpt: text(flag.excerpt) });
		}
	});
	return out;
}
