/**
 * Zod schemas for the stored shapes: a rubric version's content and the files of a built-in judge.
 * They check structure (types, required fields); `validateRubric` adds the rules that span fields
 * (placeholders, scales of examples, duplicate categories). Shared by the loader, the rubric
 * editor's procedures and the tests.
 */
import { z } from 'zod';

export const JUDGE_LOCALES = ['en', 'zh-CN'] as const;
export const JudgeLocaleSchema = z.enum(JUDGE_LOCALES);
export const JudgeModeSchema = z.enum(['pointwise', 'pairwise']);
export const TurnModeSchema = z.enum(['last', 'every']);
export const PairwiseWinnerSchema = z.enum(['A', 'B', 'tie']);

/** A numeric scale with integer steps, both ends included (1–10, 1–5). */
export const ScoreScaleSchema = z.object({ min: z.int(), max: z.int() }).strict();

const criterionShape = {
	/** Stable key: it names the criterion in JSON output. */
	id: z.string().regex(/^[a-z][a-z0-9_-]*$/, 'lowercase letters, digits, _ or -, starting with a letter'),
	scale: ScoreScaleSchema,
	/** Must-pass: an answer scoring below `passMin` here fails whatever its other scores. */
	redLine: z.boolean(),
	/** Lowest passing score; required when `redLine` is true. */
	passMin: z.int().optional(),
	/**
	 * A categorical criterion (tone: formal / casual) is answered with one of these labels. Its
	 * scale is always 0 … n − 1 and a score on it is the label's index: judgments and labels keep
	 * one numeric criteria map, and this list is what tells that a criterion's number is a code
	 * (nominal: no order, no mean). Written without `scale`, the scale is filled in.
	 */
	categories: z.array(z.string()).optional()
};

/** A categorical criterion may leave out `scale`: it is 0 … n − 1 by definition. */
function withCategoryScale(input: unknown): unknown {
	if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
	const c = input as Record<string, unknown>;
	if (!Array.isArray(c.categories) || c.scale !== undefined) return input;
	return { ...c, scale: { min: 0, max: c.categories.length - 1 } };
}

export const CriterionSchema = z.preprocess(
	withCategoryScale,
	z.object({ ...criterionShape, name: z.string().min(1), description: z.string() }).strict()
);

/**
 * What the judge outputs: one score on a scale (with criteria: one per criterion, the overall
 * score being their mean mapped onto this scale), or one label from a fixed list. Pairwise judges
 * use categories drawn from A, B, tie.
 */
export const JudgeOutputSchema = z.discriminatedUnion('kind', [
	z.object({ kind: z.literal('score'), scale: ScoreScaleSchema }).strict(),
	z.object({ kind: z.literal('categories'), categories: z.array(z.string()) }).strict()
]);

export const PromptTemplatesSchema = z.object({ system: z.string(), user: z.string() }).strict();

/**
 * A worked example rendered into `{{examples}}`. Pointwise: `answer` plus `score`, `scores` (per
 * criterion) or `category`. Pairwise: `answerA`, `answerB`, `winner`.
 */
export const FewShotExampleSchema = z
	.object({
		id: z.string().min(1),
		question: z.string().min(1),
		reference: z.string().optional(),
		answer: z.string().optional(),
		answerA: z.string().optional(),
		answerB: z.string().optional(),
		score: z.number().optional(),
		/** Per criterion: a number, or for a categorical criterion one of its labels. */
		scores: z.record(z.string(), z.union([z.number(), z.string()])).optional(),
		category: z.string().optional(),
		winner: PairwiseWinnerSchema.optional(),
		explanation: z.string()
	})
	.strict();

/** Default model settings a run starts from. */
export const JudgeSettingsSchema = z
	.object({ temperature: z.number().min(0).max(2), maxTokens: z.int().min(1).max(32768) })
	.strict();

/** A rubric version's content: one language, everything needed to render, parse and aggregate. */
export const RubricContentSchema = z
	.object({
		/** Format version of this object, so stored rows can be migrated by code later. */
		format: z.literal(1),
		/** Built-in judge it came from, or null for a rubric made from scratch. */
		judgeId: z.string().nullable(),
		judgeVersion: z.int().nullable(),
		name: z.string().min(1),
		locale: JudgeLocaleSchema,
		mode: JudgeModeSchema,
		output: JudgeOutputSchema,
		criteria: z.array(CriterionSchema),
		usesReference: z.boolean(),
		turns: TurnModeSchema,
		templates: PromptTemplatesSchema,
		/** Shown to annotators verbatim and rendered into `{{rubric}}`. Markdown. */
		rubricText: z.string().min(1),
		examples: z.array(FewShotExampleSchema),
		settings: JudgeSettingsSchema
	})
	.strict();

/* ------------------------------------------------------------ files of judges/<id>/ */

/** judges/<id>/judge.json: the language-independent part. */
export const JudgeFileSchema = z
	.object({
		id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'lowercase letters, digits and -'),
		version: z.int().min(1),
		mode: JudgeModeSchema,
		output: JudgeOutputSchema,
		criteria: z.array(z.preprocess(withCategoryScale, z.object(criterionShape).strict())),
		usesReference: z.boolean(),
		turns: TurnModeSchema,
		settings: JudgeSettingsSchema,
		locales: z.array(JudgeLocaleSchema).min(1)
	})
	.strict();

/** judges/<id>/<locale>/strings.json: the judge's name and criterion texts in one language. */
export const JudgeStringsFileSchema = z
	.object({
		name: z.string().min(1),
		criteria: z.record(z.string(), z.object({ name: z.string().min(1), description: z.string() }).strict())
	})
	.strict();

/** judges/<id>/<locale>/examples.json (optional). */
export const JudgeExamplesFileSchema = z.array(FewShotExampleSchema);
