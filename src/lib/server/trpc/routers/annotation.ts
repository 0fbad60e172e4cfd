/**
 * Annotation: queues (admin), annotator work (the annotate capability) and adjudication
 * (admin). Blinding is the services' job (annotation-work.ts asks `itemAccess`); the
 * blinding canary test walks every procedure here as an annotator who has not submitted.
 */
import { z } from 'zod';
import {
	AdjudicateSchema,
	CreateQueueSchema,
	PreviewQueueSchema,
	QueueStatusSchema,
	REASON_MAX,
	SelectionSchema,
	SubmitSchema
} from '../../../schemas/annotation';
import * as adjudication from '../../services/annotation-adjudication';
import * as queues from '../../services/annotation-queues';
import * as work from '../../services/annotation-work';
import { projectProcedure, router } from '../init';

const QueueRefSchema = z.object({ queueId: z.string().uuid() });
const AssignmentRefSchema = z.object({ assignmentId: z.string().uuid() });

export const annotationRouter = router({
	/* ---------------------------------------------------------------- admin: queues */

	/** Creates a queue and its tasks from the selection; the mode comes from the rubric version. */
	createQueue: projectProcedure('admin')
		.input(CreateQueueSchema)
		.mutation(({ ctx, input }) => queues.createQueue(ctx.db, ctx.membership, input)),

	/** Adds the tasks a selection picks that the queue lacks; finished labels are untouched. */
	addItems: projectProcedure('admin')
		.input(QueueRefSchema.extend({ selection: SelectionSchema }))
		.mutation(({ ctx, input }) => queues.addItems(ctx.db, ctx.membership, input.queueId, input.selection)),

	/** How many tasks addItems would add now for a selection (the form's preview). */
	previewItems: projectProcedure('admin')
		.input(QueueRefSchema.extend({ selection: SelectionSchema }))
		.query(({ ctx, input }) => queues.previewItems(ctx.db, ctx.membership, input.queueId, input.selection)),

	/** How many tasks createQueue would make for a selection (the create form's preview). */
	previewQueue: projectProcedure('admin')
		.input(PreviewQueueSchema)
		.query(({ ctx, input }) => queues.previewQueue(ctx.db, ctx.membership, input)),

	/** open ↔ paused, or closed for good. */
	setStatus: projectProcedure('admin')
		.input(QueueRefSchema.extend({ status: QueueStatusSchema }))
		.mutation(({ ctx, input }) => queues.setStatus(ctx.db, ctx.membership, input.queueId, input.status)),

	/** The project's queues with their totals (tasks, labels needed, done, skipped, in progress). */
	queues: projectProcedure('admin').query(({ ctx }) => queues.listQueues(ctx.db, ctx.membership)),

	/** Per annotator: done, skipped, in progress, median active seconds (last 500 labels); cheap to poll. */
	progress: projectProcedure('admin')
		.input(QueueRefSchema)
		.query(({ ctx, input }) => queues.progress(ctx.db, ctx.membership, input.queueId)),

	/* ---------------------------------------------------------------- admin: adjudication */

	/** A page of tasks over the disagreement thresholds, with every label and the judge's output. */
	adjudication: projectProcedure('admin')
		.input(QueueRefSchema.extend({ cursor: z.string().max(40).optional() }))
		.query(({ ctx, input }) => adjudication.listAdjudication(ctx.db, ctx.membership, input.queueId, input.cursor)),

	/** Sets the task's gold label (answer terms) with a rationale; versioned like any label. */
	adjudicate: projectProcedure('admin')
		.input(AdjudicateSchema)
		.mutation(({ ctx, input }) => adjudication.adjudicate(ctx.db, ctx.membership, input)),

	/* ---------------------------------------------------------------- annotators */

	/** Queues I may work on, with my own counts only. */
	myQueues: projectProcedure('annotate').query(({ ctx }) => work.myQueues(ctx.db, ctx.membership)),

	/** Reserves my next task (or returns my live reservation); null when none is left for me. */
	next: projectProcedure('annotate')
		.input(QueueRefSchema)
		.mutation(({ ctx, input }) => work.next(ctx.db, ctx.membership, input.queueId)),

	/** Reopens one of my assignments (to revise my label). */
	task: projectProcedure('annotate')
		.input(AssignmentRefSchema)
		.query(({ ctx, input }) => work.task(ctx.db, ctx.membership, input.assignmentId)),

	/** Submits or revises my label; CONFLICT on a stale expectedVersion; one label per idempotency key. */
	submit: projectProcedure('annotate')
		.input(SubmitSchema)
		.mutation(({ ctx, input }) => work.submit(ctx.db, ctx.membership, input)),

	/** Skips my task with a reason; I will not get it again. */
	skip: projectProcedure('annotate')
		.input(AssignmentRefSchema.extend({ reason: z.string().trim().min(1).max(REASON_MAX) }))
		.mutation(({ ctx, input }) => work.skip(ctx.db, ctx.membership, input.assignmentId, input.reason)),

	/** Gives my reservation back. */
	release: projectProcedure('annotate')
		.input(AssignmentRefSchema)
		.mutation(({ ctx, input }) => work.release(ctx.db, ctx.membership, input.assignmentId)),

	/** My finished tasks in a queue, newest first. */
	history: projectProcedure('annotate')
		.input(
			QueueRefSchema.extend({ cursor: z.string().max(200).optional(), limit: z.int().min(1).max(200).default(50) })
		)
		.query(({ ctx, input }) => work.history(ctx.db, ctx.membership, input.queueId, input.cursor, input.limit))
});
