/**
 * Inputs of the rubric procedures, shared with the rubric pages. A rubric's content is checked by
 * the judging core (`validateRubric`) in the service, not here, so its problems come back named by
 * field (`templates.user`, `examples[2].score`) rather than as one zod error.
 */
import { z } from 'zod';
import { JudgeLocaleSchema, PairwiseWinnerSchema } from '../judging/rubric-schema';

export const RUBRIC_NAME_MAX = 120;
export const RUBRIC_NOTE_MAX = 500;
export const RUBRIC_EXAMPLES_MAX = 20;

export const RubricNameSchema = z
	.string()
	.trim()
	.min(1, 'Name is required.')
	.max(RUBRIC_NAME_MAX, `Name is at most ${RUBRIC_NAME_MAX} characters.`);

/** Content as sent by the editor; its shape and rules are checked by validateRubric. */
export const RubricContentInputSchema = z.record(z.string(), z.unknown());

const RubricRef = { rubricId: z.string().uuid() };

export const CreateRubricSchema = z.union([
	z.object({
		name: RubricNameSchema.optional(),
		description: z.string().trim().max(2000).default(''),
		fromBuiltin: z.object({ judgeId: z.string().min(1).max(100), locale: JudgeLocaleSchema })
	}),
	z.object({
		name: RubricNameSchema.optional(),
		description: z.string().trim().max(2000).default(''),
		fromScratch: RubricContentInputSchema
	})
]);
export type CreateRubric = z.infer<typeof CreateRubricSchema>;

export const SaveRubricVersionSchema = z.object({
	...RubricRef,
	content: RubricContentInputSchema,
	note: z.string().trim().max(RUBRIC_NOTE_MAX).default(''),
	/** The version the editor started from: a save on top of a newer one is refused (CONFLICT). */
	baseVersion: z.number().int().min(1)
});
export type SaveRubricVersion = z.infer<typeof SaveRubricVersionSchema>;

export const RubricVersionRefSchema = z.object({ versionId: z.string().uuid() });
export const RubricRefSchema = z.object(RubricRef);

export const PreviewRubricSchema = z
	.object({
		versionId: z.string().uuid().optional(),
		/** Unsaved editor content; checked by validateRubric first. */
		content: RubricContentInputSchema.optional(),
		itemId: z.string().uuid(),
		/** One answer (pointwise) or two in answer terms [A, B] (pairwise). */
		answerIds: z.array(z.string().uuid()).min(1).max(2),
		order: z.enum(['ab', 'ba']).default('ab'),
		/** 0-based user turn; default the last. */
		turn: z.number().int().min(0).max(1000).optional()
	})
	.refine((v) => (v.versionId === undefined) !== (v.content === undefined), {
		message: 'Give either versionId or content.',
		path: ['versionId']
	});
export type PreviewRubric = z.infer<typeof PreviewRubricSchema>;

/** One labelled item to turn into a few-shot example. */
export const ExampleFromItemSchema = z.object({
	itemId: z.string().uuid(),
	/** One answer (pointwise) or two in answer terms [A, B] (pairwise). */
	answerIds: z.array(z.string().uuid()).min(1).max(2),
	score: z.number().optional(),
	/** Per criterion: a score, or a categorical criterion's label (as the rubric's examples give it). */
	scores: z.record(z.string(), z.union([z.number(), z.string().max(200)])).optional(),
	winner: PairwiseWinnerSchema.optional(),
	category: z.string().max(200).optional(),
	explanation: z.string().trim().max(5000).default('')
});
export type ExampleFromItem = z.infer<typeof ExampleFromItemSchema>;

export const AttachExamplesSchema = z.object({
	...RubricRef,
	baseVersion: z.number().int().min(1),
	examples: z.array(ExampleFromItemSchema).min(1).max(RUBRIC_EXAMPLES_MAX),
	note: z.string().trim().max(RUBRIC_NOTE_MAX).default('')
});
export type AttachExamples = z.infer<typeof AttachExamplesSchema>;

export const ListRubricsSchema = z.object({ includeArchived: z.boolean().default(false) });
