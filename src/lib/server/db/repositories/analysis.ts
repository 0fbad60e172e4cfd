/**
 * The inputs of the analysis pages (agreement, bias, leaderboard): a dataset's
 * pairwise judge verdicts (status 'ok' only) and human labels, the answers'
 * systems and lengths, and a fingerprint of those rows for the result cache.
 * Only services/analysis-*.ts call these, behind the readResults policy.
 */
import { sql, type Kysely } from 'kysely';
import type { Db } from '../client';
import { readOnOneSnapshot, type SnapshotRead } from '../snapshot-reads';
import type { Database, JudgeMode, JudgeRunSource, PresentedOrder, Verdict } from '../schema';

/** Where a human label came from. Gold: an expert key (imported as "…gold", or a future 'gold' source). */
export type LabelKind = 'imported' | 'ui' | 'gold';

export interface AnalysisRunRow {
	id: string;
	name: string;
	source: JudgeRunSource;
	judgeModel: string | null;
	mode: JudgeMode;
	/** Judgments with status 'ok'. */
	okCount: number;
	/** Share of them with both presented orders recorded. */
	bothOrders: boolean;
}

export async function listAnalysisRuns(db: Db, datasetId: string): Promise<AnalysisRunRow[]> {
	const rows = await db
		.selectFrom('judge_run as r')
		.leftJoin('judgment as j', (join) => join.onRef('j.run_id', '=', 'r.id').on('j.status', '=', 'ok'))
		.select([
			'r.id',
			'r.name',
			'r.source',
			'r.judge_model as judgeModel',
			'r.mode',
			(e) => e.fn.count<number>('j.id').as('okCount'),
			sql<boolean>`bool_or(j.presented_order = 'ba') and bool_or(j.presented_order = 'ab')`.as('bothOrders')
		])
		.where('r.dataset_id', '=', datasetId)
		.groupBy('r.id')
		.orderBy('r.created_at')
		.orderBy('r.id')
		.execute();
	return rows.map((r) => ({ ...r, okCount: Number(r.okCount), bothOrders: r.bothOrders === true }));
}

export interface PairJudgmentRow {
	itemId: string;
	answerAId: string;
	answerBId: string;
	presentedOrder: PresentedOrder | null;
	sample: number;
	verdict: Verdict | null;
	preference: string | null;
}

/** A run's usable pairwise verdicts: status 'ok', both answers present. */
export async function listPairJudgments(db: Db, runId: string): Promise<PairJudgmentRow[]> {
	const rows = await db
		.selectFrom('judgment')
		.select([
			'item_id as itemId',
			'answer_a_id as answerAId',
			'answer_b_id as answerBId',
			'presented_order as presentedOrder',
			'sample',
			'verdict',
			'preference'
		])
		.where('run_id', '=', runId)
		.where('status', '=', 'ok')
		.where('answer_b_id', 'is not', null)
		.orderBy('item_id')
		.orderBy('answer_a_id')
		.orderBy('answer_b_id')
		.orderBy('presented_order')
		.orderBy('sample')
		.execute();
	return rows as PairJudgmentRow[];
}

export interface PairLabelRow {
	itemId: string;
	answerAId: string;
	answerBId: string;
	presentedOrder: PresentedOrder | null;
	verdict: Verdict | null;
	/** A Concord user id, or the imported annotator's name. */
	annotator: string;
	kind: LabelKind;
}

export const labelKind = sql<LabelKind>`case when n.source = 'gold' or n.external_annotator ilike '%gold%' then 'gold' else n.source end`;

/** A dataset's pairwise human labels, optionally of one kind. */
export async function listPairLabels(db: Db, datasetId: string, kind: LabelKind | 'all'): Promise<PairLabelRow[]> {
	let q = db
		.selectFrom('annotation as n')
		.select([
			'n.item_id as itemId',
			'n.answer_a_id as answerAId',
			'n.answer_b_id as answerBId',
			'n.presented_order as presentedOrder',
			'n.verdict',
			sql<string>`coalesce(n.annotator_user_id::text, n.external_annotator, 'unknown')`.as('annotator'),
			labelKind.as('kind')
		])
		.where('n.dataset_id', '=', datasetId)
		.where('n.answer_b_id', 'is not', null)
		.where('n.verdict', 'is not', null);
	if (kind !== 'all') q = q.where(labelKind, '=', kind);
	const rows = await q.orderBy('n.item_id').orderBy('n.created_at').orderBy('n.id').execute();
	return rows as PairLabelRow[];
}

export interface LabelKindCount {
	kind: LabelKind;
	count: number;
}

export async function countLabelKinds(db: Kysely<Database>, datasetId: string): Promise<LabelKindCount[]> {
	// `labelKind` depends on the source and the external annotator only: counted per pair of them
	// first (a handful), it is worked out per pair instead of per label (its ilike, on 100,000 labels,
	// cost more than the scan).
	const { rows } = await sql<{ kind: LabelKind; count: number }>`
		select ${labelKind} as kind, sum(n.count)::int as count
		from (select source, external_annotator, count(*) as count from annotation where dataset_id = ${datasetId} group by 1, 2) n
		group by 1
		order by 1`.execute(db);
	return rows.map((r) => ({ kind: r.kind, count: Number(r.count) }));
}

export interface AnswerInfoRow {
	id: string;
	itemId: string;
	system: string;
	charCount: number;
	category: string | null;
	externalId: string;
}

export async function listAnswerInfo(db: Db, datasetId: string, ids?: readonly string[]): Promise<AnswerInfoRow[]> {
	let q = db
		.selectFrom('candidate_answer as a')
		.innerJoin('system as s', 's.id', 'a.system_id')
		.innerJoin('dataset_item as i', 'i.id', 'a.item_id')
		.select([
			'a.id',
			'a.item_id as itemId',
			's.name as system',
			'a.char_count as charCount',
			'i.category',
			'i.external_id as externalId'
		])
		.where('a.dataset_id', '=', datasetId);
	if (ids) q = q.where('a.id', '=', sql<string>`any(${ids}::uuid[])`);
	return q.execute();
}

/**
 * What the analysis of a dataset (and run) depends on: counts and the latest
 * write times of its answers, usable judgments and labels. Equal fingerprints
 * mean equal inputs, so a cached result can be served.
 */
export async function analysisFingerprint(db: Db, datasetId: string, runId: string | null): Promise<string> {
	// One statement on one connection: a cold page would otherwise open a connection per part.
	const { rows } = await sql<{ revision: string | null; labels: string | null; judged: string | null }>`
		select
			(select current_revision::text || '|' || answer_count || '|' || updated_at::text from dataset where id = ${datasetId}) as revision,
			-- Labels are edited in place (version, updated_at): count both.
			(select count(*) || '|' || coalesce(max(greatest(created_at, updated_at))::text || '/' || sum(version)::text, '')
				from annotation where dataset_id = ${datasetId}) as labels,
			(select count(*) || '|' || coalesce(greatest(max(created_at), max(finished_at))::text, '')
				from judgment where run_id = ${runId} and status = 'ok') as judged`.execute(db);
	const r = rows[0];
	return [datasetId, runId ?? '-', r.revision ?? '', r.labels, runId ? r.judged : '0|'].join('|');
}

/** A run of a dataset, or undefined. */
export async function findRun(db: Db, datasetId: string, runId: string) {
	return db
		.selectFrom('judge_run')
		.select(['id', 'name', 'source', 'judge_model as judgeModel', 'mode'])
		.where('dataset_id', '=', datasetId)
		.where('id', '=', runId)
		.executeTakeFirst();
}

/** A run anywhere in a project (the bias page is per run), with its dataset. */
export async function findProjectRun(db: Db, projectId: string, runId: string) {
	return db
		.selectFrom('judge_run')
		.select(['id', 'name', 'source', 'judge_model as judgeModel', 'mode', 'dataset_id as datasetId'])
		.where('project_id', '=', projectId)
		.where('id', '=', runId)
		.executeTakeFirst();
}

export interface ProjectRunRow {
	id: string;
	name: string;
	datasetId: string;
	datasetName: string;
}

/** Every judge run of a project with its dataset, for the run pickers. */
export async function listProjectRuns(db: Db, projectId: string): Promise<ProjectRunRow[]> {
	return db
		.selectFrom('judge_run as r')
		.innerJoin('dataset as d', 'd.id', 'r.dataset_id')
		.select(['r.id', 'r.name', 'r.dataset_id as datasetId', 'd.name as datasetName'])
		.where('r.project_id', '=', projectId)
		.orderBy('d.name')
		.orderBy('r.created_at')
		.execute();
}

export interface AnswerTextRow {
	id: string;
	/** The answer's text, its turns joined by blank lines; null when the import had no text. */
	text: string | null;
}

/** Answer texts of a dataset, for the Markdown style counts of the bias page. */
export async function listAnswerTexts(db: Db, datasetId: string): Promise<AnswerTextRow[]> {
	const { rows } = await sql<AnswerTextRow>`
		select a.id, coalesce(a.content, (select string_agg(t, E'\n\n') from jsonb_array_elements_text(a.turns) t)) as text
		from candidate_answer a
		where a.dataset_id = ${datasetId} and a.available`.execute(db);
	return rows;
}

/** Answers the run flagged (judgment.flags[i] non-empty: text aimed at the judge), in stored answer terms. */
export async function listFlaggedAnswerIds(db: Db, runId: string): Promise<string[]> {
	const { rows } = await sql<{ id: string }>`
		select answer_a_id as id from judgment
			where run_id = ${runId} and jsonb_array_length(coalesce(flags -> 0, '[]'::jsonb)) > 0
		union
		select answer_b_id from judgment
			where run_id = ${runId} and answer_b_id is not null and jsonb_array_length(coalesce(flags -> 1, '[]'::jsonb)) > 0`.execute(
		db
	);
	return rows.map((r) => r.id);
}

/**
 * The agreement page's inputs, packed: every list a comma-separated run of integers (PostgreSQL
 * numbers the answers, items and annotators), so 100,000 labels cost a string parse instead of
 * 100,000 row objects with three uuids each (bench:agreement). Answers are numbered 0 … in uuid
 * order and items 0 … in uuid order, so every statement that numbers them agrees;
 * `answerItem`/`answerSystem` index `items`/`systems`.
 *
 * - labels: 3 integers per pairwise label with a verdict (answer a, answer b, code), in the order
 *   of `listPairLabels` (item, created_at, id); code = verdict (A 0, tie 1, B 2) + 3 × gold + 6 ×
 *   annotator, where gold is `labelKind` = 'gold' and annotators (`listPairLabels`' annotator:
 *   coalesce(annotator_user_id, external_annotator, 'unknown')) are numbered per item range (see
 *   `LABEL_RANGES`): only whether two labels of one comparison share an annotator matters, and a
 *   comparison's labels all fall in one range. A label's item is its answers' item.
 * - judgments: 3 integers per 'ok' pairwise judgment of the run (answer a, answer b, code), in no
 *   particular order (a comparison's judge verdict depends only on its counts); code = verdict (A 0,
 *   tie 1, B 2, none 3) + 4 × presented order (ab 0, ba 1, none 2).
 */
export interface AgreementRows {
	answerItem: Int32Array;
	answerSystem: Int32Array;
	items: { id: string; externalId: string; category: string | null }[];
	systems: string[];
	labels: Int32Array;
	judgments: Int32Array;
	/** Every label of the dataset counted by kind (`countLabelKinds`), on the same snapshot. */
	labelKinds: LabelKindCount[];
}

function concatLists(lists: Int32Array[]): Int32Array {
	const out = new Int32Array(lists.reduce((s, l) => s + l.length, 0));
	let at = 0;
	for (const list of lists) {
		out.set(list, at);
		at += list.length;
	}
	return out;
}

/** Non-negative integers separated by single commas ('' = none) into an Int32Array. */
export function parseIntegerList(text: string | null): Int32Array {
	if (!text) return new Int32Array(0);
	let count = 1;
	for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 44) count++;
	const out = new Int32Array(count);
	let n = 0;
	let value = 0;
	for (let i = 0; i < text.length; i++) {
		const c = text.charCodeAt(i);
		if (c === 44) {
			out[n++] = value;
			value = 0;
		} else value = value * 10 + (c - 48);
	}
	out[n] = value;
	return out;
}

/**
 * Answers numbered in uuid order: the numbering every statement of `loadAgreementRows` shares.
 * `inline` lets the planner fold it into a statement that joins it to the labels or judgments:
 * it then knows its size and hashes the answers (30,000 small rows) instead of the labels
 * (50,000 wide ones). That took each label range from about 230 to 135 ms and the judgments
 * from 120 to 80 ms (bench:agreement data), though each join numbers the answers anew (about
 * 12 ms). The answers' own statement uses the numbering three times and keeps it materialized.
 */
const numberedAnswers = (
	datasetId: string,
	{ inline = false } = {}
) => sql`ans as ${sql.raw(inline ? 'not materialized' : 'materialized')} (
	select a.id, a.item_id, a.system_id, (row_number() over (order by a.id))::int - 1 as n
	from candidate_answer a where a.dataset_id = ${datasetId}
)`;

/**
 * Labels are read in item ranges, each on its own connection: the halves of the uuid space, split
 * where random (v4) ids split evenly; the ranges in order keep the labels in item order.
 */
const LABEL_RANGES: [string | null, string | null][] = [
	[null, '80000000-0000-0000-0000-000000000000'],
	['80000000-0000-0000-0000-000000000000', null]
];

export async function loadAgreementRows(
	db: Db,
	{ datasetId, runId, kind }: { datasetId: string; runId: string | null; kind: LabelKind | 'all' }
): Promise<AgreementRows> {
	const kindFilter = kind === 'all' ? sql`` : sql`and ${labelKind} = ${kind}`;
	const annotator = sql`coalesce(n.annotator_user_id::text, n.external_annotator, 'unknown')`;
	const answersRead: SnapshotRead<{
		answers: string | null;
		items: [string, string, string | null][] | null;
		systems: string[] | null;
	}> = async (trx) =>
		(
			await sql<{ answers: string | null; items: [string, string, string | null][] | null; systems: string[] | null }>`
			with ${numberedAnswers(datasetId)}, itm as materialized (
				select item_id, (row_number() over (order by item_id))::int - 1 as n from (select distinct item_id from ans) x
			), sys as materialized (
				select s.id, s.name, (dense_rank() over (order by s.name))::int - 1 as n
				from system s where s.id in (select system_id from ans)
			)
			select
				(select string_agg(itm.n || ',' || sys.n, ',' order by ans.n)
					from ans join itm on itm.item_id = ans.item_id join sys on sys.id = ans.system_id) as answers,
				(select json_agg(json_build_array(i.id, i.external_id, i.category) order by itm.n)
					from itm join dataset_item i on i.id = itm.item_id) as items,
				(select array_agg(distinct name order by name) from sys) as systems`.execute(trx)
		).rows[0];
	const labelsRead =
		([from, to]: [string | null, string | null]): SnapshotRead<string | null> =>
		async (trx) => {
			const range = sql`${from === null ? sql`` : sql`and n.item_id >= ${from}`} ${to === null ? sql`` : sql`and n.item_id < ${to}`}`;
			const where = sql`n.dataset_id = ${datasetId} and n.answer_b_id is not null and n.verdict is not null ${kindFilter} ${range}`;
			// Annotators are looked up in a short array (a handful per dataset), not joined: the
			// planner cannot know how few they are and would sort the labels to merge them. Gold is
			// `labelKind`'s test, its ilike made once per external annotator (gold_names) instead of
			// once per label.
			const { rows } = await sql<{ labels: string | null }>`
				with ${numberedAnswers(datasetId, { inline: true })}, who as (
					select array_agg(distinct annotator) as names,
						coalesce(array_agg(distinct external_annotator) filter (where external_annotator ilike '%gold%'), '{}') as gold_names
					from (select ${annotator} as annotator, n.external_annotator from annotation n where ${where} group by 1, 2) x
				)
				select (select string_agg(la.n || ',' || lb.n || ',' || (
							case n.verdict when 'A' then 0 when 'tie' then 1 else 2 end
							+ case when n.source = 'gold' or n.external_annotator = any((select gold_names from who)::text[]) then 3 else 0 end
							+ 6 * (array_position((select names from who), ${annotator}) - 1)),
						',' order by n.item_id, n.created_at, n.id)
					from annotation n
					join ans la on la.id = n.answer_a_id
					join ans lb on lb.id = n.answer_b_id
					where ${where}) as labels`.execute(trx);
			return rows[0].labels;
		};
	const judgmentsRead: SnapshotRead<string | null> = async (trx) =>
		(
			await sql<{ judgments: string | null }>`
			with ${numberedAnswers(datasetId, { inline: true })}
			select string_agg(ja.n || ',' || jb.n || ',' || (
					case j.verdict when 'A' then 0 when 'tie' then 1 when 'B' then 2 else 3 end
					+ 4 * case j.presented_order when 'ab' then 0 when 'ba' then 1 else 2 end), ',') as judgments
			from judgment j
			join ans ja on ja.id = j.answer_a_id
			join ans jb on jb.id = j.answer_b_id
			where j.run_id = ${runId} and j.status = 'ok' and j.answer_b_id is not null`.execute(trx)
		).rows[0].judgments;
	// Longest first: the lanes take them in turn (on two lanes, each a label range, then a share of
	// the rest each: the judgments, or the answers and the label kinds).
	const [labelsLow, labelsHigh, judgmentText, [answerRow, labelKinds]] = await readOnOneSnapshot(
		db,
		[
			labelsRead(LABEL_RANGES[0]),
			labelsRead(LABEL_RANGES[1]),
			judgmentsRead,
			async (trx) => [await answersRead(trx), await countLabelKinds(trx, datasetId)] as const
		],
		// JIT compiling these statements costs more than it saves; the labels' hashes fit in 32 MB.
		{ settings: { jit: 'off', work_mem: '32MB' } }
	);
	const answers = parseIntegerList(answerRow.answers);
	const count = answers.length / 2;
	const answerItem = new Int32Array(count);
	const answerSystem = new Int32Array(count);
	for (let i = 0; i < count; i++) {
		answerItem[i] = answers[2 * i];
		answerSystem[i] = answers[2 * i + 1];
	}
	return {
		answerItem,
		answerSystem,
		items: (answerRow.items ?? []).map(([id, externalId, category]) => ({ id, externalId, category })),
		systems: answerRow.systems ?? [],
		labels: concatLists([parseIntegerList(labelsLow), parseIntegerList(labelsHigh)]),
		judgments: parseIntegerList(judgmentText),
		labelKinds
	};
}
