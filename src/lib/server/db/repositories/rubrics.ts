/**
 * Queries on `rubric` and `rubric_version`. Versions are only ever inserted (a trigger refuses
 * updates); the next version number is taken under a lock on the rubric row (`lockRubric`), so two
 * concurrent saves cannot both become version n + 1. Also the item and answers a preview or a
 * few-shot example is rendered from.
 */
import type { Db } from '../client';
import type { JsonObject } from '../schema';

export interface RubricRow {
	id: string;
	name: string;
	description: string;
	createdAt: Date;
	archivedAt: Date | null;
}

const rubricColumns = [
	'rubric.id',
	'rubric.name',
	'rubric.description',
	'rubric.created_at as createdAt',
	'rubric.archived_at as archivedAt'
] as const;

export async function findRubric(db: Db, projectId: string, rubricId: string): Promise<RubricRow | undefined> {
	return db
		.selectFrom('rubric')
		.select(rubricColumns)
		.where('project_id', '=', projectId)
		.where('id', '=', rubricId)
		.executeTakeFirst();
}

/** Locks the rubric row until the transaction ends: saves of one rubric run one at a time. */
export async function lockRubric(db: Db, projectId: string, rubricId: string): Promise<RubricRow | undefined> {
	return db
		.selectFrom('rubric')
		.select(rubricColumns)
		.where('project_id', '=', projectId)
		.where('id', '=', rubricId)
		.forUpdate()
		.executeTakeFirst();
}

/** Creates the rubric unless the name is taken in the project (then undefined). */
export async function insertRubric(
	db: Db,
	row: { projectId: string; name: string; description: string; createdBy: string | null }
): Promise<{ id: string } | undefined> {
	return db
		.insertInto('rubric')
		.values({ project_id: row.projectId, name: row.name, description: row.description, created_by: row.createdBy })
		.onConflict((oc) => oc.columns(['project_id', 'name']).doNothing())
		.returning('id')
		.executeTakeFirst();
}

export async function archiveRubric(db: Db, projectId: string, rubricId: string): Promise<boolean> {
	const r = await db
		.updateTable('rubric')
		.set({ archived_at: new Date() })
		.where('project_id', '=', projectId)
		.where('id', '=', rubricId)
		.where('archived_at', 'is', null)
		.executeTakeFirst();
	return r.numUpdatedRows > 0n;
}

export interface RubricListRow extends RubricRow {
	versionCount: number;
	currentVersion: number;
	currentVersionId: string;
	mode: 'pairwise' | 'pointwise';
	contentHash: string;
	locale: string | null;
	judgeId: string | null;
	updatedAt: Date;
}

export async function listRubrics(db: Db, projectId: string, includeArchived: boolean): Promise<RubricListRow[]> {
	let q = db
		.selectFrom('rubric')
		.innerJoin(
			(eb) =>
				eb
					.selectFrom('rubric_version')
					.distinctOn('rubric_id')
					.select([
						'rubric_id',
						'id as currentVersionId',
						'version as currentVersion',
						'mode',
						'content_hash as contentHash',
						'created_at as updatedAt'
					])
					.select((e) => [
						e.ref('content', '->>').key('locale').as('locale'),
						e.ref('content', '->>').key('judgeId').as('judgeId')
					])
					.where('project_id', '=', projectId)
					.orderBy('rubric_id')
					.orderBy('version', 'desc')
					.as('cur'),
			(join) => join.onRef('cur.rubric_id', '=', 'rubric.id')
		)
		.select(rubricColumns)
		.select([
			'cur.currentVersionId',
			'cur.currentVersion',
			'cur.mode',
			'cur.contentHash',
			'cur.locale',
			'cur.judgeId',
			'cur.updatedAt'
		])
		.select((eb) =>
			eb
				.selectFrom('rubric_version as v')
				.select((e) => e.fn.countAll<string>().as('n'))
				.whereRef('v.rubric_id', '=', 'rubric.id')
				.as('versionCount')
		)
		.where('rubric.project_id', '=', projectId);
	if (!includeArchived) q = q.where('rubric.archived_at', 'is', null);
	const rows = await q.orderBy('rubric.name').execute();
	return rows.map((r) => ({
		...r,
		locale: (r.locale as string | null) ?? null,
		judgeId: (r.judgeId as string | null) ?? null,
		versionCount: Number(r.versionCount)
	}));
}

export interface VersionChoiceRow {
	rubricId: string;
	rubricName: string;
	id: string;
	version: number;
	contentHash: string;
	mode: 'pairwise' | 'pointwise';
	note: string;
	createdAt: Date;
}

/** Every version of the project's rubrics that are not archived: rubric by name, newest version first. */
export async function listVersionChoices(db: Db, projectId: string): Promise<VersionChoiceRow[]> {
	return db
		.selectFrom('rubric_version as v')
		.innerJoin('rubric as r', 'r.id', 'v.rubric_id')
		.select([
			'r.id as rubricId',
			'r.name as rubricName',
			'v.id',
			'v.version',
			'v.content_hash as contentHash',
			'v.mode',
			'v.note',
			'v.created_at as createdAt'
		])
		.where('r.project_id', '=', projectId)
		.where('r.archived_at', 'is', null)
		.orderBy('r.name')
		.orderBy('r.id')
		.orderBy('v.version', 'desc')
		.execute();
}

export interface VersionSummaryRow {
	id: string;
	version: number;
	contentHash: string;
	mode: 'pairwise' | 'pointwise';
	note: string;
	createdAt: Date;
	createdByName: string | null;
	exampleCount: number;
}

export async function listVersions(db: Db, rubricId: string): Promise<VersionSummaryRow[]> {
	const rows = await db
		.selectFrom('rubric_version as v')
		.leftJoin('app_user as u', 'u.id', 'v.created_by')
		.select([
			'v.id',
			'v.version',
			'v.content_hash as contentHash',
			'v.mode',
			'v.note',
			'v.created_at as createdAt',
			'u.display_name as createdByName'
		])
		.select((eb) => eb.fn<number>('jsonb_array_length', [eb.ref('v.content', '->').key('examples')]).as('exampleCount'))
		.where('v.rubric_id', '=', rubricId)
		.orderBy('v.version', 'desc')
		.execute();
	return rows.map((r) => ({ ...r, exampleCount: Number(r.exampleCount ?? 0) }));
}

export interface VersionRow {
	id: string;
	rubricId: string;
	version: number;
	content: JsonObject;
	contentHash: string;
	mode: 'pairwise' | 'pointwise';
	note: string;
	createdAt: Date;
}

const versionColumns = [
	'id',
	'rubric_id as rubricId',
	'version',
	'content',
	'content_hash as contentHash',
	'mode',
	'note',
	'created_at as createdAt'
] as const;

export async function findVersion(db: Db, projectId: string, versionId: string): Promise<VersionRow | undefined> {
	return db
		.selectFrom('rubric_version')
		.select(versionColumns)
		.where('project_id', '=', projectId)
		.where('id', '=', versionId)
		.executeTakeFirst();
}

export async function latestVersion(db: Db, rubricId: string): Promise<VersionRow | undefined> {
	return db
		.selectFrom('rubric_version')
		.select(versionColumns)
		.where('rubric_id', '=', rubricId)
		.orderBy('version', 'desc')
		.limit(1)
		.executeTakeFirst();
}

export async function insertVersion(
	db: Db,
	row: {
		rubricId: string;
		projectId: string;
		version: number;
		content: unknown;
		contentHash: string;
		mode: 'pairwise' | 'pointwise';
		note: string;
		createdBy: string | null;
	}
): Promise<VersionRow> {
	return db
		.insertInto('rubric_version')
		.values({
			rubric_id: row.rubricId,
			project_id: row.projectId,
			version: row.version,
			content: JSON.stringify(row.content),
			content_hash: row.contentHash,
			mode: row.mode,
			note: row.note,
			created_by: row.createdBy
		})
		.returning(versionColumns)
		.executeTakeFirstOrThrow();
}

/* ----------------------------------------------------------- items for previews and examples */

export interface JudgeItemRow {
	id: string;
	datasetId: string;
	externalId: string;
	promptText: string | null;
	conversation: { role: 'system' | 'user' | 'assistant'; content: string }[] | null;
	referenceText: string | null;
	referenceTurns: string[] | null;
}

/** An item of one of the project's datasets (undefined for another project's item). */
export async function findItemInProject(db: Db, projectId: string, itemId: string): Promise<JudgeItemRow | undefined> {
	return db
		.selectFrom('dataset_item as i')
		.innerJoin('dataset as d', 'd.id', 'i.dataset_id')
		.select([
			'i.id',
			'i.dataset_id as datasetId',
			'i.external_id as externalId',
			'i.prompt_text as promptText',
			'i.conversation',
			'i.reference_text as referenceText',
			'i.reference_turns as referenceTurns'
		])
		.where('d.project_id', '=', projectId)
		.where('i.id', '=', itemId)
		.executeTakeFirst();
}

export interface JudgeAnswerRow {
	id: string;
	systemName: string;
	content: string | null;
	turns: string[] | null;
	available: boolean;
}

/** The given answers of one item (others are left out). */
export async function findItemAnswers(db: Db, itemId: string, answerIds: string[]): Promise<JudgeAnswerRow[]> {
	if (answerIds.length === 0) return [];
	return db
		.selectFrom('candidate_answer as a')
		.innerJoin('system as s', 's.id', 'a.system_id')
		.select(['a.id', 's.name as systemName', 'a.content', 'a.turns', 'a.available'])
		.where('a.item_id', '=', itemId)
		.where('a.id', 'in', answerIds)
		.execute();
}
