/**
 * Shape of the demo dataset as authored. The text in this folder was written
 * for Concord (not taken from any public dataset), so the demo can ship with
 * the product. Each question is answered by the same three systems, whose
 * styles differ on purpose so that later features (length bias, agreement,
 * leaderboards) have something visible to show:
 *
 * - `atlas-large`: concise and correct;
 * - `brisk-small`: very short and sometimes wrong;
 * - `verbose-tuned`: correct-ish but padded with preamble and recap.
 */
export const demoSystems = ['atlas-large', 'brisk-small', 'verbose-tuned'] as const;
export type DemoSystem = (typeof demoSystems)[number];

export type DemoCategory =
	'network-operations' | 'cloud-presales' | 'materials-science' | 'clinical-information' | 'general';

export interface DemoQuestion {
	/** Stable external id, unique within the demo dataset. */
	id: string;
	category: DemoCategory;
	tags: string[];
	/** The user's messages, in order: one for a single question, 2–3 for a conversation. */
	turns: string[];
	/** Optional reference answer, one entry per turn. */
	reference?: string[];
	/** Each system's responses, one per turn (same length as `turns`). */
	answers: Record<DemoSystem, string[]>;
}
