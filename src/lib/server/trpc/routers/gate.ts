/**
 * Gate and certification: calibration sets pinned to a rubric, evaluations (judge runs restricted
 * to a set), certifications. Reading is readResults (the figures are judge output against human
 * labels: annotators get none of it, policy.test.ts and the blinding canary walk these); every
 * write is admin.
 */
import { z } from 'zod';
import { CertifySchema, GateOverviewSchema, PinSetSchema, StartEvaluationSchema } from '../../../schemas/gate';
import * as gate from '../../services/gate';
import { projectProcedure, router } from '../init';

export const gateRouter = router({
	/** Sets, evaluations with intervals and checks, certifications with status, corrected pass rates. */
	overview: projectProcedure('readResults')
		.input(GateOverviewSchema)
		.query(({ ctx, input }) => gate.gateOverview(ctx.db, ctx.membership, input)),

	/** Certification status of one run's judge (rubric version × model), for the judge card. */
	runCertification: projectProcedure('readResults')
		.input(z.object({ runId: z.string().uuid() }))
		.query(({ ctx, input }) => gate.runCertification(ctx.db, ctx.membership, input.runId)),

	pinSet: projectProcedure('admin')
		.input(PinSetSchema)
		.mutation(({ ctx, input }) => gate.pinSet(ctx.db, ctx.membership, ctx.user.id, input)),

	/** A judge run of a rubric version × provider on the set's answers only. */
	evaluate: projectProcedure('admin')
		.input(StartEvaluationSchema)
		.mutation(({ ctx, input }) => gate.startEvaluation(ctx.db, ctx.queue, ctx.membership, ctx.user.id, input)),

	/** Refused unless every lower 95% bound clears the thresholds. */
	certify: projectProcedure('admin')
		.input(CertifySchema)
		.mutation(({ ctx, input }) => gate.certify(ctx.db, ctx.membership, ctx.user.id, input)),

	revoke: projectProcedure('admin')
		.input(z.object({ certificationId: z.string().uuid() }))
		.mutation(({ ctx, input }) => gate.revoke(ctx.db, ctx.membership, input.certificationId))
});
