/**
 * The judging core's data model. Everything here is plain JSON-able data: a rubric version row
 * stores a `RubricContent` as JSON beside its `contentHash()`, and a run can be replayed from it.
 *
 * Two shapes:
 * - `JudgeDefinition` — a built-in judge as shipped in `judges/<id>/` (all its languages);
 * - `RubricContent` — ONE language of a judge, flattened: what a rubric version stores and what
 *   rendering, parsing and aggregation take. `rubricFromJudge(def, locale)` maps one to the other,
 *   and a rubric made from scratch in the UI is a `RubricContent` from the start.
 * The stored shapes are zod schemas (rubric-schema.ts); these are their types.
 */
import type { z } from 'zod';
import type {
	CriterionSchema,
	FewShotExampleSchema,
	JudgeFileSchema,
	JudgeLocaleSchema,
	JudgeOutputSchema,
	JudgeSettingsSchema,
	PromptTemplatesSchema,
	RubricContentSchema,
	ScoreScaleSchema
} from './rubric-schema';

export type JudgeLocale = z.infer<typeof JudgeLocaleSchema>;
export type JudgeMode = 'pointwise' | 'pairwise';
/**
 * Which turn of a multi-turn item is judged: `last` judges the final assistant turn with the whole
 * conversation as context (MT-Bench's second-turn setting); `every` judges each assistant turn
 * separately, each with the conversation up to it as context.
 */
export type TurnMode = 'last' | 'every';
/** Pairwise outcomes, in presented positions (A = shown first) or in answer terms. */
export type PairwiseWinner = 'A' | 'B' | 'tie';
export type ScoreScale = z.infer<typeof ScoreScaleSchema>;
export type Criterion = z.infer<typeof CriterionSchema>;
export type JudgeOutput = z.infer<typeof JudgeOutputSchema>;
export type PromptTemplates = z.infer<typeof PromptTemplatesSchema>;
export type FewShotExample = z.infer<typeof FewShotExampleSchema>;
export type JudgeSettings = z.infer<typeof JudgeSettingsSchema>;
/** A rubric version's content (one language); store it as JSON with `contentHash(content)`. */
export type RubricContent = z.infer<typeof RubricContentSchema>;

/** Per-language texts of a built-in judge. */
export interface JudgeLocaleContent {
	name: string;
	templates: PromptTemplates;
	rubricText: string;
	examples: FewShotExample[];
	/** Criterion names and descriptions in this language, by criterion id. */
	criteria: Record<string, { name: string; description: string }>;
}

/** A built-in judge as loaded from `judges/<id>/` (see judges/README.md). */
export interface JudgeDefinition extends Omit<z.infer<typeof JudgeFileSchema>, 'locales'> {
	locales: Partial<Record<JudgeLocale, JudgeLocaleContent>>;
}

/* ---------------------------------------------------------------- inputs to rendering */

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant';
	content: string;
}

/**
 * The judged item: a single prompt, or a conversation of user turns (assistant messages in it are
 * ignored: the judged answer supplies the assistant turns). Mirrors dataset_item's columns.
 */
export interface JudgeItem {
	prompt?: string | null;
	conversation?: ChatMessage[] | null;
	/** Reference answer (single turn, or the last turn's) … */
	reference?: string | null;
	/** … or one per user turn (MT-Bench style). */
	referenceTurns?: string[] | null;
}

/** A candidate answer: one text, or one response per user turn. Mirrors candidate_answer. */
export interface JudgeAnswer {
	content?: string | null;
	turns?: string[] | null;
}

/** Presentation order of a pair: `ab` shows answer A first. Pointwise calls use `ab`. */
export type PresentedOrder = 'ab' | 'ba';

/* ---------------------------------------------------------------- outputs */

/** How a verdict was read from the reply, strongest first. */
export type ParseMethod = 'json' | 'json-in-text' | 'marker' | 'labelled' | 'words' | 'final-line';

/** One judge reply, parsed. Pairwise winners are in PRESENTED positions (A = shown first). */
export type ParsedVerdict =
	| { ok: true; kind: 'pairwise'; winner: PairwiseWinner; method: ParseMethod; reasoning: string | null }
	| {
			ok: true;
			kind: 'score';
			/** Overall score on the rubric scale (mean of criteria mapped onto it, when criteria exist). */
			score: number;
			/** Per-criterion scores, empty without criteria. */
			criteria: Record<string, number>;
			method: ParseMethod;
			reasoning: string | null;
	  }
	| { ok: true; kind: 'category'; category: string; method: ParseMethod; reasoning: string | null }
	/** The judge declined ("cannot judge"): its own outcome, not a parse failure. */
	| { ok: true; kind: 'abstain'; reason: string }
	/** Unparseable or off-scale: kept with the raw reply, never scored. */
	| { ok: false; reason: string; raw: string };

export type ParseSuccess = Extract<ParsedVerdict, { ok: true }>;
export type ParseFailure = Extract<ParsedVerdict, { ok: false }>;
