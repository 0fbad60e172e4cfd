/**
 * Inputs of the gate procedures (calibration sets, evaluations, certification), shared by the
 * gate page's forms and the tRPC router.
 */
import { z } from 'zod';

/** Pointwise rubrics: κ quadratic/linear, exact, ±1; pairwise rubrics: κ, agreement with and without ties. */
export const AgreementStatisticSchema = z.enum([
	'kappaQuadratic',
	'kappaLinear',
	'exact',
	'withinOne',
	'kappaPairwise',
	'agreementWithTies',
	'agreementWithoutTies'
]);

export const GateThresholdsSchema = z
	.object({
		statistic: AgreementStatisticSchema.default('kappaQuadratic'),
		/** Lower 95% bound the agreement statistic must reach. */
		minAgreement: z.number().min(-1).max(1).default(0.6),
		/** Lower 95% bounds of each pass/fail criterion's TPR and TNR; null: not required. */
		minTpr: z.number().min(0).max(1).nullable().default(0.8),
		minTnr: z.number().min(0).max(1).nullable().default(0.8)
	})
	.strict();
export type GateThresholdsInput = z.infer<typeof GateThresholdsSchema>;

export const PinSetSchema = z.object({
	rubricId: z.string().uuid(),
	datasetId: z.string().uuid(),
	name: z.string().trim().min(1).max(200),
	/** gold: gold labels only; consensus: the other labels only; auto: gold where there is one. */
	reference: z.enum(['auto', 'gold', 'consensus']).default('auto'),
	/** A consensus needs at least this many labels on the answer. */
	minLabels: z.number().int().min(1).max(20).default(2)
});
export type PinSetInput = z.infer<typeof PinSetSchema>;

export const StartEvaluationSchema = z.object({
	setId: z.string().uuid(),
	rubricVersionId: z.string().uuid(),
	providerId: z.string().uuid(),
	samples: z.number().int().min(1).max(10).default(1),
	/** Pairwise rubrics: judge each pair in both orders (the verdicts are merged as on the analysis pages). */
	bothOrders: z.boolean().default(false)
});
export type StartEvaluationInput = z.infer<typeof StartEvaluationSchema>;

export const GateOverviewSchema = z.object({
	rubricId: z.string().uuid().optional(),
	setId: z.string().uuid().optional(),
	/** The (non-evaluation) run whose pass rates are corrected. */
	runId: z.string().uuid().optional(),
	thresholds: GateThresholdsSchema.default({
		statistic: 'kappaQuadratic',
		minAgreement: 0.6,
		minTpr: 0.8,
		minTnr: 0.8
	})
});

export const CertifySchema = z.object({
	setId: z.string().uuid(),
	runId: z.string().uuid(),
	use: z.string().trim().min(1).max(200),
	thresholds: GateThresholdsSchema
});
export type CertifyInput = z.infer<typeof CertifySchema>;
