/**
 * Inputs of the judge-run procedures, shared by the run pages' forms and the tRPC router.
 */
import { z } from 'zod';

export const JudgeRunOptionsSchema = z
	.object({
		/** Pairwise: judge each pair as A|B and B|A. */
		bothOrders: z.boolean().default(false),
		/** Samples per unit (temperature > 0 makes them differ). */
		samples: z.number().int().min(1).max(10).default(1),
		/** Pairwise: every pair of systems, or each system against the baseline. */
		pairing: z.enum(['all-pairs', 'baseline']).default('all-pairs'),
		baselineSystemId: z.string().uuid().optional(),
		systemIds: z.array(z.string().uuid()).max(200).optional(),
		categories: z.array(z.string().min(1).max(200)).max(200).optional(),
		/** Judge a seeded random sample of this many items. */
		sampleItems: z.number().int().min(1).max(1_000_000).optional(),
		sampleSeed: z
			.number()
			.int()
			.min(0)
			.max(2 ** 31 - 1)
			.optional(),
		/** Ask for json_schema output (default: when the provider supports it). */
		structured: z.boolean().optional()
	})
	.strict();
export type JudgeRunOptions = z.infer<typeof JudgeRunOptionsSchema>;

export const StartJudgeRunSchema = z.object({
	datasetId: z.string().uuid(),
	rubricVersionId: z.string().uuid(),
	providerId: z.string().uuid(),
	name: z.string().trim().min(1).max(200).optional(),
	options: JudgeRunOptionsSchema
});
export type StartJudgeRunInput = z.infer<typeof StartJudgeRunSchema>;

export const JudgeRunRefSchema = z.object({ runId: z.string().uuid() });

export const CloneJudgeRunSchema = JudgeRunRefSchema.extend({
	providerId: z.string().uuid().optional(),
	rubricVersionId: z.string().uuid().optional(),
	name: z.string().trim().min(1).max(200).optional()
});
export type CloneJudgeRunInput = z.infer<typeof CloneJudgeRunSchema>;

export const JudgmentStatusSchema = z.enum(['pending', 'running', 'ok', 'abstained', 'unparseable', 'failed']);

export const JudgmentPageSchema = JudgeRunRefSchema.extend({
	cursor: z.string().uuid().nullish(),
	limit: z.number().int().min(1).max(500).default(50),
	status: JudgmentStatusSchema.optional(),
	systemId: z.string().uuid().optional(),
	flaggedOnly: z.boolean().default(false)
});
export type JudgmentPageInput = z.infer<typeof JudgmentPageSchema>;
