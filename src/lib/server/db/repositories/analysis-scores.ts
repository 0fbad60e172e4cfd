/**
 * The pointwise inputs of the analysis pages (calibration, leaderboard, agreement):
 * a pointwise run's 'ok' scores aggregated over samples per answer and turn, and a
 * dataset's pointwise human labels. Aggregation runs in PostgreSQL (one grouped
 * statement per call), so k samples never travel to the server one by one.
 * Only services/analysis-*.ts call these, behind the readResults policy.
 */
import { sql } from 'kysely';
import type { Db } from '../client';
import type { LabelKind } from './analysis';

export interface CriterionSpread {
	mean: number;
	/** Sample standard deviation over the samples (0 for one sample). */
	sd: number;
	n: number;
	/**
	 * Categorical criteria only (asked for by `categoricalKeys`): how many samples gave each label
	 * index ("0", "1", …), so a majority can be taken; their `mean` and `sd` are meaningless.
	 */
	codes?: Record<string, number>;
}

export interface PointwiseJudgeRow {
	answerId: string;
	itemId: string;
	externalId: string;
	system: string;
	category: string | null;
	turn: number;
	/** 'ok' samples with a score. */
	samples: number;
	/** Mean of the samples' overall scores. */
	score: number;
	/** Sample standard deviation of the overall scores (0 for one sample). */
	sd: number;
	/** Criterion id → mean, sd and count over the samples; null when the judge gave no criteria. */
	criteria: Record<string, CriterionSpread> | null;
}

export interface JudgeScorePage {
	runId: string;
	/** Keyset: rows after this (answer id, turn), in that order. */
	after?: { answerId: string; turn: number };
	limit?: number;
	/**
	 * Only these answers, each with its item (the calibration fit reads the labelled ones, not
	 * the whole run): each is found through the (run, item, answer, …) unique index.
	 */
	only?: { answerIds: readonly string[]; itemIds: readonly string[] };
	/** Criterion ids whose values are label indexes (categorical criteria): their counts per code come back as `codes`. */
	categoricalKeys?: readonly string[];
}

/**
 * A pointwise run's scores per (answer, turn): mean and spread of the 'ok'
 * samples' overall score and of each criterion, with the answer's item,
 * system and category. Ordered by answer id and turn; `after` + `limit` page
 * through a large run (keyset, so a page costs the same wherever it starts).
 */
export async function listPointwiseJudgeScores(db: Db, page: JudgeScorePage): Promise<PointwiseJudgeRow[]> {
	const after = page.after
		? sql`and (j.answer_a_id, j.turn) > (${page.after.answerId}::uuid, ${page.after.turn}::int)`
		: sql``;
	const limit = page.limit ? sql`limit ${page.limit}` : sql``;
	const only = page.only
		? sql`join unnest(${page.only.answerIds}::uuid[], ${page.only.itemIds}::uuid[]) as u(answer_id, item_id)
				on j.item_id = u.item_id and j.answer_a_id = u.answer_id`
		: sql``;
	const { rows } = await sql<PointwiseJudgeRow>`
		with s as (
			select j.answer_a_id, j.turn, j.score::float8 as score, j.criteria
			from judgment j ${only}
			where j.run_id = ${page.runId} and j.status = 'ok' and j.answer_b_id is null and j.score is not null ${after}
		),
		overall as (
			select answer_a_id, turn, count(*)::int as samples, avg(score) as score,
				coalesce(stddev_samp(score), 0) as sd
			from s group by answer_a_id, turn
			order by answer_a_id, turn ${limit}
		),
		per as (
			select s.answer_a_id, s.turn, c.key, avg(c.value::float8) as m,
				coalesce(stddev_samp(c.value::float8), 0) as sd, count(*)::int as n
			from s cross join lateral jsonb_each_text(s.criteria) c
			where jsonb_typeof(s.criteria) = 'object'
			group by s.answer_a_id, s.turn, c.key
		),
		codes as (
			select answer_a_id, turn, key, jsonb_object_agg(code, votes) as codes
			from (
				select s.answer_a_id, s.turn, c.key, c.value as code, count(*)::int as votes
				from s cross join lateral jsonb_each_text(s.criteria) c
				where jsonb_typeof(s.criteria) = 'object' and c.key = any(${(page.categoricalKeys ?? []) as string[]}::text[])
				group by s.answer_a_id, s.turn, c.key, c.value
			) v
			group by answer_a_id, turn, key
		),
		crit as (
			select p.answer_a_id, p.turn, jsonb_object_agg(p.key, jsonb_build_object('mean', p.m, 'sd', p.sd, 'n', p.n)
				|| case when k.codes is null then '{}'::jsonb else jsonb_build_object('codes', k.codes) end) as criteria
			from per p left join codes k using (answer_a_id, turn, key)
			group by p.answer_a_id, p.turn
		)
		select o.answer_a_id as "answerId", a.item_id as "itemId", i.external_id as "externalId",
			sy.name as system, i.category, o.turn, o.samples, o.score, o.sd, c.criteria
		from overall o
		join candidate_answer a on a.id = o.answer_a_id
		join dataset_item i on i.id = a.item_id
		join system sy on sy.id = a.system_id
		left join crit c on c.answer_a_id = o.answer_a_id and c.turn = o.turn
		order by o.answer_a_id, o.turn`.execute(db);
	return rows;
}

/**
 * A category rubric's run as one row per answer: the majority category over the answer's 'ok'
 * samples (all its judged turns together), a split majority going to the category first in rubric
 * order, as aggregateSamples and the run summary break it. `score` is the category's index in
 * `categories` (0-based), the nominal code human labels of the same rubric are stored with
 * (annotation.score); `sd` is 0 (a nominal verdict has no spread) and `criteria` null. Categories
 * that are not the rubric's are ignored. Ordered by answer id.
 */
export async function listCategoricalJudgeVerdicts(
	db: Db,
	runId: string,
	categories: readonly string[]
): Promise<PointwiseJudgeRow[]> {
	const { rows } = await sql<PointwiseJudgeRow>`
		with votes as (
			select j.answer_a_id, j.category, count(*)::int as n, min(j.turn) as turn
			from judgment j
			where j.run_id = ${runId} and j.status = 'ok' and j.answer_b_id is null
				and j.category = any(${categories as string[]}::text[])
			group by j.answer_a_id, j.category
		), ranked as (
			select v.*, sum(n) over (partition by answer_a_id)::int as samples,
				min(turn) over (partition by answer_a_id) as first_turn,
				row_number() over (partition by answer_a_id
					order by n desc, array_position(${categories as string[]}::text[], category)) as r
			from votes v
		)
		select k.answer_a_id as "answerId", a.item_id as "itemId", i.external_id as "externalId",
			sy.name as system, i.category, k.first_turn as turn, k.samples,
			(array_position(${categories as string[]}::text[], k.category) - 1)::float8 as score, 0::float8 as sd,
			null::jsonb as criteria
		from ranked k
		join candidate_answer a on a.id = k.answer_a_id
		join dataset_item i on i.id = a.item_id
		join system sy on sy.id = a.system_id
		where k.r = 1
		order by k.answer_a_id`.execute(db);
	return rows;
}

export interface PointwiseLabelRow {
	answerId: string;
	itemId: string;
	/** A Concord user id, or the imported annotator's name. */
	annotator: string;
	kind: LabelKind;
	/** The overall score when the label has one (score rubrics, imports). */
	score: number | null;
	/** Criterion id → score. */
	criteria: Record<string, number> | null;
	/** Red-line criterion id → passed. */
	redLines: Record<string, boolean> | null;
}

const labelKind = sql<LabelKind>`case when n.source = 'gold' or n.external_annotator ilike '%gold%' then 'gold' else n.source end`;

/** A dataset's pointwise human labels (one answer, a score or criteria), optionally of one kind. */
export async function listPointwiseLabels(
	db: Db,
	datasetId: string,
	kind: LabelKind | 'all'
): Promise<PointwiseLabelRow[]> {
	let q = db
		.selectFrom('annotation as n')
		.select([
			'n.answer_a_id as answerId',
			'n.item_id as itemId',
			sql<string>`coalesce(n.annotator_user_id::text, n.external_annotator, 'unknown')`.as('annotator'),
			labelKind.as('kind'),
			sql<number | null>`n.score::float8`.as('score'),
			'n.criteria',
			'n.red_lines as redLines'
		])
		.where('n.dataset_id', '=', datasetId)
		.where('n.answer_b_id', 'is', null)
		.where((e) => e.or([e('n.score', 'is not', null), e('n.criteria', 'is not', null)]));
	if (kind !== 'all') q = q.where(labelKind, '=', kind);
	const rows = await q.orderBy('n.answer_a_id').orderBy('n.created_at').orderBy('n.id').execute();
	return rows as PointwiseLabelRow[];
}

/** The rubric version a run was judged with (live runs), or undefined (imported runs). */
export async function findRunRubric(db: Db, runId: string) {
	return db
		.selectFrom('judge_run as r')
		.innerJoin('rubric_version as v', 'v.id', 'r.rubric_version_id')
		.select(['v.id', 'v.rubric_id as rubricId', 'v.version', 'v.content', 'v.content_hash as contentHash'])
		.where('r.id', '=', runId)
		.executeTakeFirst();
}

export interface JudgedSet {
	/** Answers with at least one 'ok' scored sample. */
	answers: number;
	/** The systems and the categories (of the items) of those answers. */
	systems: string[];
	categories: (string | null)[];
}

const usable = sql`j.status = 'ok' and j.answer_b_id is null and j.score is not null`;

/**
 * What a pointwise run scored, without reading the answers: how many answers, and which
 * systems and categories they have (the calibration warnings name those its set lacks). A
 * system or category is probed for one judged answer (an index lookup that stops at the first
 * hit), so a million judged answers cost one count. A run's judgments are of its dataset's answers.
 */
export async function describeJudgedSet(db: Db, datasetId: string, runId: string): Promise<JudgedSet> {
	const [count, systems, categories] = await Promise.all([
		sql<{ n: number }>`select count(*)::int as n from (
				select 1 from judgment j where j.run_id = ${runId} and ${usable} group by j.answer_a_id
			) d`.execute(db),
		sql<{ name: string }>`select sy.name from system sy
			where exists (
				select 1 from candidate_answer a
				join judgment j on j.run_id = ${runId} and j.item_id = a.item_id and j.answer_a_id = a.id
				where a.dataset_id = ${datasetId} and a.system_id = sy.id and ${usable}
			)`.execute(db),
		sql<{
			category: string | null;
		}>`select c.category from (select distinct category from dataset_item where dataset_id = ${datasetId}) c
			where exists (
				select 1 from dataset_item i
				join judgment j on j.run_id = ${runId} and j.item_id = i.id
				where i.dataset_id = ${datasetId} and i.category is not distinct from c.category and ${usable}
			)`.execute(db)
	]);
	return {
		answers: count.rows[0].n,
		systems: systems.rows.map((r) => r.name),
		categories: categories.rows.map((r) => r.category)
	};
}
