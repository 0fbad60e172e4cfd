/**
 * Rubrics and their immutable versions. Reading a rubric (its text, criteria and templates) needs
 * `readItems`: annotators label by the same text; the service leaves out its few-shot examples
 * for them, and nothing here says anything about runs. Everything that writes, and the preview
 * (an editing tool), is for admins.
 */
import * as rubrics from '../../services/rubrics';
import {
	AttachExamplesSchema,
	CreateRubricSchema,
	ListRubricsSchema,
	PreviewRubricSchema,
	RubricRefSchema,
	RubricVersionRefSchema,
	SaveRubricVersionSchema
} from '../../../schemas/rubric';
import { projectProcedure, router } from '../init';

export const rubricsRouter = router({
	/** The built-in judges (judges/), each with its languages. */
	builtins: projectProcedure('readItems').query(() => rubrics.listBuiltins()),

	list: projectProcedure('readItems')
		.input(ListRubricsSchema)
		.query(({ ctx, input }) => rubrics.listRubrics(ctx.db, ctx.membership, input)),

	/** One rubric: its current version's content and every version (hash, note, author). */
	get: projectProcedure('readItems')
		.input(RubricRefSchema)
		.query(({ ctx, input }) => rubrics.getRubric(ctx.db, ctx.membership, input.rubricId)),

	/** Every version of every rubric in use (not archived), newest first: the new-run form's choices. */
	versionChoices: projectProcedure('admin').query(({ ctx }) => rubrics.listVersionChoices(ctx.db, ctx.membership)),

	version: projectProcedure('readItems')
		.input(RubricVersionRefSchema)
		.query(({ ctx, input }) => rubrics.getVersion(ctx.db, ctx.membership, input.versionId)),

	create: projectProcedure('admin')
		.input(CreateRubricSchema)
		.mutation(({ ctx, input }) => rubrics.createRubric(ctx.db, ctx.membership, input)),

	/** A new immutable version on top of `baseVersion` (CONFLICT when someone saved since). */
	saveVersion: projectProcedure('admin')
		.input(SaveRubricVersionSchema)
		.mutation(({ ctx, input }) => rubrics.saveVersion(ctx.db, ctx.membership, input)),

	/** The rendered messages for a real item of a dataset. */
	preview: projectProcedure('admin')
		.input(PreviewRubricSchema)
		.query(({ ctx, input }) => rubrics.previewRubric(ctx.db, ctx.membership, input)),

	/** A new version with these labelled items added as few-shot examples. */
	attachExamples: projectProcedure('admin')
		.input(AttachExamplesSchema)
		.mutation(({ ctx, input }) => rubrics.attachExamples(ctx.db, ctx.membership, input)),

	archive: projectProcedure('admin')
		.input(RubricRefSchema)
		.mutation(({ ctx, input }) => rubrics.archiveRubric(ctx.db, ctx.membership, input.rubricId))
});
