/**
 * Zod schemas of the annotation procedures, shared by the queue form, the annotator workspace
 * and the `annotation` router (trpc/routers/annotation.ts).
 */
import { z } from 'zod';

export const QUEUE_NAME_MAX = 120;
export const RATIONALE_MAX = 10_000;
export const REASON_MAX = 1_000;

export const SelectionSchema = z.discriminatedUnion('kind', [
	z.object({ kind: z.literal('all') }),
	z.object({ kind: z.literal('random'), n: z.int().min(1).max(10_000_000), seed: z.string().max(200).default('') }),
	z.object({
		kind: z.literal('stratified'),
		by: z.enum(['system', 'category']),
		n: z.int().min(1).max(10_000_000),
		seed: z.string().max(200).default('')
	}),
	/** Items a judge run was unsure on: order flips or samples that disagree. */
	z.object({ kind: z.literal('judge-unsure'), judgeRunId: z.uuid() })
]);
export type SelectionInput = z.infer<typeof SelectionSchema>;

export const PairingSchema = z.enum(['all-pairs', 'baseline']);

export const QueueStatusSchema = z.enum(['open', 'paused', 'closed']);

export const CreateQueueSchema = z.object({
	datasetId: z.uuid(),
	rubricVersionId: z.uuid(),
	name: z.string().trim().min(1).max(QUEUE_NAME_MAX),
	overlapK: z.int().min(1).max(100).default(1),
	/** Empty or absent: every annotator of the project (admins only when listed). */
	memberUserIds: z.array(z.uuid()).max(1000).optional(),
	selection: SelectionSchema.default({ kind: 'all' }),
	/** Pairwise rubrics: every pair of systems per item, or each system against a baseline. */
	pairing: PairingSchema.default('all-pairs'),
	baselineSystemId: z.uuid().optional(),
	revealAfterSubmit: z.boolean().default(false),
	reservationSeconds: z.int().min(10).max(604_800).default(1800),
	/** In [0, 1]: pairwise 1 − majority share; pointwise score range / scale span. */
	disagreementThreshold: z.number().min(0).max(1).default(0),
	/** Compare the annotators' majority with this run too (optional). */
	judgeRunId: z.uuid().optional(),
	judgeThreshold: z.number().min(0).max(1).optional()
});
export type CreateQueueInput = z.infer<typeof CreateQueueSchema>;

/** What a queue not created yet would hold: the create form's live count (annotation.previewQueue). */
export const PreviewQueueSchema = CreateQueueSchema.pick({
	datasetId: true,
	rubricVersionId: true,
	selection: true,
	pairing: true,
	baselineSystemId: true
});
export type PreviewQueueInput = z.infer<typeof PreviewQueueSchema>;

export const PairwiseLabelSchema = z.object({ verdict: z.enum(['left', 'right', 'tie']) }).strict();
export const PointwiseLabelSchema = z
	.object({
		/** Criterion id → score on its scale; a rubric without criteria uses `score` alone. */
		scores: z.record(z.string().max(100), z.number()).default({}),
		score: z.number().optional(),
		/** Category rubrics: one of the rubric's categories (stored as its index, the nominal scale's value). */
		category: z.string().max(500).optional(),
		/** Red-line criterion id → passed. */
		redLines: z.record(z.string().max(100), z.boolean()).default({})
	})
	.strict();
export const LabelInputSchema = z.union([PairwiseLabelSchema, PointwiseLabelSchema]);
export type LabelInput = z.infer<typeof LabelInputSchema>;

export const SubmitSchema = z.object({
	assignmentId: z.uuid(),
	label: LabelInputSchema,
	rationale: z.string().max(RATIONALE_MAX).default(''),
	activeSeconds: z
		.number()
		.min(0)
		.max(86_400 * 7),
	flag: z.object({ reason: z.string().trim().min(1).max(REASON_MAX) }).optional(),
	/** The label version this edit starts from; absent or 0 for a first submit. */
	expectedVersion: z.int().min(0).optional(),
	/** One per user action: a repeated request with the same key returns the same label. */
	idempotencyKey: z.string().min(8).max(100)
});
export type SubmitInput = z.infer<typeof SubmitSchema>;

/** A gold label in ANSWER terms (the admin sees systems and answers unblinded). */
export const GoldLabelSchema = z.union([
	z.object({ verdict: z.enum(['A', 'B', 'tie']) }).strict(),
	PointwiseLabelSchema
]);

export const AdjudicateSchema = z.object({
	queueId: z.uuid(),
	taskId: z.uuid(),
	label: GoldLabelSchema,
	rationale: z.string().trim().min(1).max(RATIONALE_MAX),
	expectedVersion: z.int().min(0).optional()
});
export type AdjudicateInput = z.infer<typeof AdjudicateSchema>;
