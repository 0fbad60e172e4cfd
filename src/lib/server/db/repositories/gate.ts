/**
 * Queries of the gate (services/gate.ts): calibration sets and their frozen snapshot rows, the
 * judge runs restricted to a set (evaluations), and certifications. Snapshot rows are only ever
 * inserted (a trigger refuses UPDATE); certifications are inserted and, at most, revoked. A
 * pointwise set's snapshot is one row per answer (calibration_set_item), a pairwise set's one row
 * per answer pair (calibration_set_pair).
 */
import type { Db } from '../client';
import type { JsonObject } from '../schema';

export interface SetRow {
	id: string;
	rubricId: string;
	datasetId: string;
	datasetName: string;
	name: string;
	mode: 'pointwise' | 'pairwise';
	contentHash: string;
	/** Answers of a pointwise set, pairs of a pairwise one. */
	answerCount: number;
	itemCount: number;
	goldCount: number;
	createdAt: Date;
	createdByName: string | null;
}

function setQuery(db: Db) {
	return db
		.selectFrom('calibration_set as s')
		.innerJoin('dataset as d', 'd.id', 's.dataset_id')
		.leftJoin('app_user as u', 'u.id', 's.created_by')
		.select([
			's.id',
			's.rubric_id as rubricId',
			's.dataset_id as datasetId',
			'd.name as datasetName',
			's.name',
			's.mode',
			's.content_hash as contentHash',
			's.answer_count as answerCount',
			's.item_count as itemCount',
			's.gold_count as goldCount',
			's.created_at as createdAt',
			'u.display_name as createdByName'
		]);
}

/** A rubric's sets, newest (the current one) first. */
export async function listSets(db: Db, projectId: string, rubricId: string): Promise<SetRow[]> {
	return setQuery(db)
		.where('s.project_id', '=', projectId)
		.where('s.rubric_id', '=', rubricId)
		.orderBy('s.created_at', 'desc')
		.orderBy('s.id', 'desc')
		.execute();
}

export async function findSet(db: Db, projectId: string, setId: string): Promise<SetRow | undefined> {
	return setQuery(db).where('s.project_id', '=', projectId).where('s.id', '=', setId).executeTakeFirst();
}

export interface NewSet {
	projectId: string;
	rubricId: string;
	datasetId: string;
	name: string;
	mode: 'pointwise' | 'pairwise';
	contentHash: string;
	answerCount: number;
	itemCount: number;
	goldCount: number;
	createdBy: string | null;
}

export async function insertSet(db: Db, s: NewSet): Promise<string> {
	const row = await db
		.insertInto('calibration_set')
		.values({
			project_id: s.projectId,
			rubric_id: s.rubricId,
			dataset_id: s.datasetId,
			name: s.name,
			mode: s.mode,
			content_hash: s.contentHash,
			answer_count: s.answerCount,
			item_count: s.itemCount,
			gold_count: s.goldCount,
			created_by: s.createdBy
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export interface SetItemRow {
	answerId: string;
	itemId: string;
	systemName: string;
	reference: 'gold' | 'consensus';
	labels: number;
	score: number | null;
	passes: Record<string, boolean> | null;
}

/** Snapshot rows go in batches of 1,000 (a statement's parameters stay well under PostgreSQL's 65,535). */
async function inBatches<T>(rows: readonly T[], insert: (batch: readonly T[]) => Promise<unknown>): Promise<void> {
	for (let k = 0; k < rows.length; k += 1000) await insert(rows.slice(k, k + 1000));
}

export async function insertSetItems(db: Db, setId: string, rows: readonly SetItemRow[]): Promise<void> {
	await inBatches(rows, (batch) =>
		db
			.insertInto('calibration_set_item')
			.values(
				batch.map((r) => ({
					set_id: setId,
					answer_id: r.answerId,
					item_id: r.itemId,
					system_name: r.systemName,
					reference: r.reference,
					labels: r.labels,
					score: r.score,
					passes: r.passes ? JSON.stringify(r.passes) : null
				}))
			)
			.execute()
	);
}

/** The snapshot, in answer order (the order its content hash is taken in). */
export async function listSetItems(db: Db, setId: string): Promise<SetItemRow[]> {
	return db
		.selectFrom('calibration_set_item')
		.select([
			'answer_id as answerId',
			'item_id as itemId',
			'system_name as systemName',
			'reference',
			'labels',
			'score',
			'passes'
		])
		.where('set_id', '=', setId)
		.orderBy('answer_id')
		.execute();
}

export interface SetPairRow {
	itemId: string;
	answerAId: string;
	answerBId: string;
	systemA: string;
	systemB: string;
	reference: 'gold' | 'consensus';
	labels: number;
	verdict: 'A' | 'B' | 'tie';
}

export async function insertSetPairs(db: Db, setId: string, rows: readonly SetPairRow[]): Promise<void> {
	await inBatches(rows, (batch) =>
		db
			.insertInto('calibration_set_pair')
			.values(
				batch.map((r) => ({
					set_id: setId,
					item_id: r.itemId,
					answer_a_id: r.answerAId,
					answer_b_id: r.answerBId,
					system_a: r.systemA,
					system_b: r.systemB,
					reference: r.reference,
					labels: r.labels,
					verdict: r.verdict
				}))
			)
			.execute()
	);
}

/** A pairwise snapshot, in (answer A, answer B) order (the order its content hash is taken in). */
export async function listSetPairs(db: Db, setId: string): Promise<SetPairRow[]> {
	return db
		.selectFrom('calibration_set_pair')
		.select([
			'item_id as itemId',
			'answer_a_id as answerAId',
			'answer_b_id as answerBId',
			'system_a as systemA',
			'system_b as systemB',
			'reference',
			'labels',
			'verdict'
		])
		.where('set_id', '=', setId)
		.orderBy('answer_a_id')
		.orderBy('answer_b_id')
		.execute();
}

export interface EvaluationRunRow {
	id: string;
	name: string;
	status: string | null;
	datasetId: string;
	rubricVersionId: string | null;
	version: number | null;
	rubricHash: string | null;
	content: JsonObject | null;
	providerId: string | null;
	providerSnapshot: JsonObject | null;
	createdAt: Date;
	finishedAt: Date | null;
}

function runQuery(db: Db) {
	return db
		.selectFrom('judge_run as r')
		.leftJoin('rubric_version as v', 'v.id', 'r.rubric_version_id')
		.select([
			'r.id',
			'r.name',
			'r.status',
			'r.dataset_id as datasetId',
			'r.rubric_version_id as rubricVersionId',
			'v.version',
			'v.content_hash as rubricHash',
			'v.content',
			'r.provider_id as providerId',
			'r.provider_snapshot as providerSnapshot',
			'r.created_at as createdAt',
			'r.finished_at as finishedAt'
		]);
}

/** Runs restricted to a set whose rubric version belongs to `rubricId`, oldest first. */
export async function listEvaluationRuns(db: Db, setId: string, rubricId: string): Promise<EvaluationRunRow[]> {
	return runQuery(db)
		.where('r.calibration_set_id', '=', setId)
		.where('v.rubric_id', '=', rubricId)
		.orderBy('v.version')
		.orderBy('r.created_at')
		.orderBy('r.id')
		.execute();
}

/** Live pointwise runs of a rubric's versions that are not gate evaluations (the runs whose pass rates get corrected). */
export async function listProductionRuns(db: Db, projectId: string, rubricId: string): Promise<EvaluationRunRow[]> {
	return runQuery(db)
		.where('r.project_id', '=', projectId)
		.where('v.rubric_id', '=', rubricId)
		.where('r.calibration_set_id', 'is', null)
		.where('r.mode', '=', 'pointwise')
		.orderBy('r.created_at', 'desc')
		.execute();
}

export async function findRunOfRubric(
	db: Db,
	projectId: string,
	rubricId: string,
	runId: string
): Promise<EvaluationRunRow | undefined> {
	return runQuery(db)
		.where('r.project_id', '=', projectId)
		.where('v.rubric_id', '=', rubricId)
		.where('r.id', '=', runId)
		.executeTakeFirst();
}

export interface NewCertification {
	projectId: string;
	rubricId: string;
	use: string;
	rubricVersionId: string;
	rubricHash: string;
	setId: string;
	setHash: string;
	runId: string;
	providerId: string | null;
	model: JsonObject;
	modelHash: string;
	thresholds: JsonObject;
	results: JsonObject;
	certifiedBy: string | null;
}

export async function insertCertification(db: Db, c: NewCertification): Promise<string> {
	const row = await db
		.insertInto('certification')
		.values({
			project_id: c.projectId,
			rubric_id: c.rubricId,
			use: c.use,
			rubric_version_id: c.rubricVersionId,
			rubric_hash: c.rubricHash,
			calibration_set_id: c.setId,
			calibration_set_hash: c.setHash,
			judge_run_id: c.runId,
			provider_id: c.providerId,
			model: JSON.stringify(c.model),
			model_hash: c.modelHash,
			thresholds: JSON.stringify(c.thresholds),
			results: JSON.stringify(c.results),
			certified_by: c.certifiedBy
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export interface CertificationRow {
	id: string;
	use: string;
	rubricVersionId: string;
	version: number;
	rubricHash: string;
	setId: string;
	setName: string;
	setHash: string;
	runId: string | null;
	providerId: string | null;
	model: JsonObject;
	modelHash: string;
	thresholds: JsonObject;
	results: JsonObject;
	certifiedByName: string | null;
	createdAt: Date;
	revokedAt: Date | null;
}

/** A rubric's certifications, newest first (revoked ones too: the list shows what existed). */
export async function listCertifications(db: Db, projectId: string, rubricId: string): Promise<CertificationRow[]> {
	return db
		.selectFrom('certification as c')
		.innerJoin('rubric_version as v', 'v.id', 'c.rubric_version_id')
		.innerJoin('calibration_set as s', 's.id', 'c.calibration_set_id')
		.leftJoin('app_user as u', 'u.id', 'c.certified_by')
		.select([
			'c.id',
			'c.use',
			'c.rubric_version_id as rubricVersionId',
			'v.version',
			'c.rubric_hash as rubricHash',
			'c.calibration_set_id as setId',
			's.name as setName',
			'c.calibration_set_hash as setHash',
			'c.judge_run_id as runId',
			'c.provider_id as providerId',
			'c.model',
			'c.model_hash as modelHash',
			'c.thresholds',
			'c.results',
			'u.display_name as certifiedByName',
			'c.created_at as createdAt',
			'c.revoked_at as revokedAt'
		])
		.where('c.project_id', '=', projectId)
		.where('c.rubric_id', '=', rubricId)
		.orderBy('c.created_at', 'desc')
		.orderBy('c.id', 'desc')
		.execute();
}

export async function revokeCertification(db: Db, projectId: string, id: string): Promise<boolean> {
	const r = await db
		.updateTable('certification')
		.set({ revoked_at: new Date() })
		.where('project_id', '=', projectId)
		.where('id', '=', id)
		.where('revoked_at', 'is', null)
		.executeTakeFirst();
	return r.numUpdatedRows > 0n;
}

/** The rubric ids of a project's certifications for a run's rubric version (the judge card). */
export async function rubricOfVersion(db: Db, versionId: string): Promise<string | undefined> {
	const row = await db.selectFrom('rubric_version').select('rubric_id').where('id', '=', versionId).executeTakeFirst();
	return row?.rubric_id;
}
