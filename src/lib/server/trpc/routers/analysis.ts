/**
 * Analysis: judge ↔ human agreement, judge bias and system leaderboards. These
 * are results and statistics, so every procedure needs readResults (annotators
 * get none of it; policy.test.ts walks them).
 */
import { z } from 'zod';
import * as agreement from '../../services/analysis-agreement';
import * as bias from '../../services/analysis-bias';
import * as calibration from '../../services/analysis-calibration';
import * as leaderboard from '../../services/analysis-leaderboard';
import * as quality from '../../services/analysis-quality';
import * as card from '../../services/judge-card';
import * as scoreAgreement from '../../services/analysis-score-agreement';
import { projectProcedure, router } from '../init';

const HumanSourceSchema = z.enum(['all', 'imported', 'ui', 'gold']).default('all');
const DatasetRunSchema = z.object({
	datasetId: z.string().uuid(),
	judgeRunId: z.string().uuid().optional(),
	humanSource: HumanSourceSchema
});

export const analysisRouter = router({
	/** Judge ↔ human and human ↔ human agreement with 95% cluster-bootstrap intervals and breakdowns. */
	agreement: projectProcedure('readResults')
		.input(DatasetRunSchema)
		.query(({ ctx, input }) => agreement.getAgreement(ctx.db, ctx.membership, input)),

	/** Pointwise runs: judge ↔ human and human ↔ human score agreement per criterion, with the statistics of the scale. */
	scoreAgreement: projectProcedure('readResults')
		.input(DatasetRunSchema)
		.query(({ ctx, input }) => scoreAgreement.getScoreAgreement(ctx.db, ctx.membership, input)),

	/** Position and length bias of one judge run, with plain-language verdicts. */
	bias: projectProcedure('readResults')
		.input(z.object({ judgeRunId: z.string().uuid() }))
		.query(({ ctx, input }) => bias.getBias(ctx.db, ctx.membership, input)),

	/** The project's judge runs with their datasets (pickers on the analysis pages). */
	runs: projectProcedure('readResults').query(({ ctx }) => bias.listRuns(ctx.db, ctx.membership)),

	/** Pointwise runs: the isotonic judge → human map (gold, else consensus), reliability points, CV error before/after. */
	calibration: projectProcedure('readResults')
		.input(
			z.object({
				datasetId: z.string().uuid(),
				judgeRunId: z.string().uuid().optional(),
				target: z.enum(['auto', 'gold', 'consensus']).default('auto')
			})
		)
		.query(({ ctx, input }) => calibration.getCalibration(ctx.db, ctx.membership, input)),

	/** Per-system human, judge and PPI++ win rates; Bradley–Terry with rank intervals. */
	leaderboard: projectProcedure('readResults')
		.input(DatasetRunSchema)
		.query(({ ctx, input }) => leaderboard.getLeaderboard(ctx.db, ctx.membership, input)),

	/** Per-item separation, human disagreement, skips/flags and judge–human split; the questions to fix or drop. */
	quality: projectProcedure('readResults')
		.input(DatasetRunSchema)
		.query(({ ctx, input }) => quality.getQuality(ctx.db, ctx.membership, input)),

	/** Admins: for the listed items (a page's worth), the newest queue with a task on each — the adjudication links. */
	itemQueues: projectProcedure('admin')
		.input(z.object({ datasetId: z.string().uuid(), itemIds: z.array(z.string().uuid()).max(500) }))
		.query(({ ctx, input }) => quality.itemQueues(ctx.db, ctx.membership, input)),

	/** The judge card of one run (rubric version × model): rubric, model, bias, agreement vs the human ceiling, cost, data. */
	judgeCard: projectProcedure('readResults')
		.input(z.object({ judgeRunId: z.string().uuid(), humanSource: HumanSourceSchema }))
		.query(({ ctx, input }) => card.judgeCard(ctx.db, ctx.membership, input))
});
