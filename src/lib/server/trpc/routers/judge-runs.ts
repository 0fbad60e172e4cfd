/**
 * Live judge runs: reads for anyone who may see results (never annotators: blinding), and start,
 * cancel, resume, clone for admins. Provider settings come back key-free (provider_snapshot).
 */
import { z } from 'zod';
import {
	CloneJudgeRunSchema,
	JudgeRunRefSchema,
	JudgmentPageSchema,
	StartJudgeRunSchema
} from '../../../schemas/judge-run';
import * as runs from '../../services/judge-runs';
import { projectProcedure, router } from '../init';

export const judgeRunsRouter = router({
	/** Live and imported runs of the project (or one dataset), newest first. */
	list: projectProcedure('readResults')
		.input(z.object({ datasetId: z.string().uuid().optional() }))
		.query(({ ctx, input }) => runs.listRuns(ctx.db, input.projectId, input.datasetId)),

	get: projectProcedure('readResults')
		.input(JudgeRunRefSchema)
		.query(({ ctx, input }) => runs.getRun(ctx.db, input.projectId, input.runId)),

	/** Counts, tokens, cost, elapsed and ETA: cheap enough to poll every second. */
	progress: projectProcedure('readResults')
		.input(JudgeRunRefSchema)
		.query(({ ctx, input }) => runs.runProgress(ctx.db, input.projectId, input.runId)),

	summary: projectProcedure('readResults')
		.input(JudgeRunRefSchema)
		.query(({ ctx, input }) => runs.runSummary(ctx.db, input.projectId, input.runId)),

	judgments: projectProcedure('readResults')
		.input(JudgmentPageSchema)
		.query(({ ctx, input }) => runs.judgmentPage(ctx.db, input.projectId, input)),

	/** The exact rendered messages and the raw reply of one judgment. */
	prompt: projectProcedure('readResults')
		.input(JudgeRunRefSchema.extend({ judgmentId: z.string().uuid() }))
		.query(({ ctx, input }) => runs.judgmentPrompt(ctx.db, input.projectId, input.runId, input.judgmentId)),

	start: projectProcedure('admin')
		.input(StartJudgeRunSchema)
		.mutation(({ ctx, input }) => runs.startRun(ctx.db, ctx.queue, input.projectId, ctx.user.id, input)),

	cancel: projectProcedure('admin')
		.input(JudgeRunRefSchema)
		.mutation(({ ctx, input }) => runs.cancelRun(ctx.db, input.projectId, input.runId)),

	resume: projectProcedure('admin')
		.input(JudgeRunRefSchema)
		.mutation(({ ctx, input }) => runs.resumeRun(ctx.db, ctx.queue, input.projectId, input.runId)),

	clone: projectProcedure('admin')
		.input(CloneJudgeRunSchema)
		.mutation(({ ctx, input }) => runs.cloneRun(ctx.db, ctx.queue, input.projectId, ctx.user.id, input))
});
