/**
 * The exports' SQL. CSV: one COPY statement per export (see "COPY statements" below), read on
 * a dedicated connection. JSONL and Parquet read big tables in keyset batches: each call
 * returns up to `limit` rows after the id `after`, in id order, through an index on (run or
 * dataset, id) (migration 0031). No connection or transaction is held between batches, so a
 * slow download never pins a pooled connection, and memory holds one batch. Rows come back as
 * positional arrays in the service's column order; times are ISO text made by PostgreSQL
 * (cheaper than building Date objects).
 */
import { sql, type RawBuilder } from 'kysely';
import type { Db } from '../client';
import type { AnnotationSource } from '../schema';

/** The export column types (exports/columns.ts), repeated here so this module imports nothing outside db/. */
export type CsvCellType = 'string' | 'int' | 'double' | 'bool' | 'timestamp' | 'json';

/** The smallest uuid: the first batch starts after it. A plain `id > x` keeps the (run, id) index range scan (an `x is null or …` would not). */
const NIL = '00000000-0000-0000-0000-000000000000';
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;

export interface Batch {
	rows: unknown[][];
	/** The id of the last row, for the next call (null when the batch is empty). */
	last: string | null;
}

async function arrays(db: Db, query: ReturnType<typeof sql>): Promise<Batch> {
	const { rows } = await query.execute(db);
	const list = rows as { id: string; r: unknown[] }[];
	return { rows: list.map((x) => x.r), last: list.length ? list[list.length - 1].id : null };
}

/**
 * A row's criteria with each categorical criterion's value as its label, as the pages show it:
 * stored, such a value is the label's index (0 …) in the rubric version's `criteria[i].categories`
 * (`rv`, joined by the FROM below). Rows of a rubric without categorical criteria, and rows with no
 * rubric (imported), keep their criteria as stored; an index outside the list stays a number.
 */
const labelledCriteria = (row: 'j' | 'l') => `case when ${row}.criteria is not null
			and rv.content -> 'criteria' @> '[{"categories": []}]'::jsonb
		then coalesce((select jsonb_object_agg(e.key, case when c.labels is not null and jsonb_typeof(e.value) = 'number'
				then coalesce(c.labels -> ((e.value #>> '{}')::numeric::int), e.value) else e.value end)
			from jsonb_each(${row}.criteria) e
			left join lateral (select x -> 'categories' as labels from jsonb_array_elements(rv.content -> 'criteria') x
				where x ->> 'id' = e.key and jsonb_typeof(x -> 'categories') = 'array' limit 1) c on true), ${row}.criteria)
		else ${row}.criteria end`;

/** A judgment row's values in export column order (services/exports.ts JUDGMENT_COLUMNS). */
const JUDGMENT_VALUES = [
	'j.id',
	'j.run_id',
	'j.item_id',
	'i.external_id',
	'i.category',
	'j.turn',
	'j.answer_a_id',
	'sa.name',
	'j.answer_b_id',
	'sb.name',
	'j.presented_order',
	'j.sample',
	'j.status',
	'j.verdict',
	'j.score::float8',
	'j.preference::float8',
	labelledCriteria('j'),
	'j.flags',
	'j.error',
	'j.input_tokens',
	'j.output_tokens',
	'j.cost::float8',
	'j.latency_ms',
	'j.attempts',
	'j.cached',
	'j.prompt_hash',
	'j.raw',
	'j.finished_at'
];

/**
 * The item, the answers and their systems of a judgment (`j`) or a label (`l`): the names the
 * value lists read (i, a, sa, b, sb). A fixed alias, never input: safe to write into the text.
 */
const answerJoins = (row: 'j' | 'l') => `join dataset_item i on i.id = ${row}.item_id
			join candidate_answer a on a.id = ${row}.answer_a_id
			join system sa on sa.id = a.system_id
			left join candidate_answer b on b.id = ${row}.answer_b_id
			left join system sb on sb.id = b.system_id`;

/** The tables of a judgment export, for the keyset batches and the COPY statement alike (rv: the run's rubric version). */
const JUDGMENT_FROM = `from judgment j
			${answerJoins('j')}
			left join judge_run r on r.id = j.run_id
			left join rubric_version rv on rv.id = r.rubric_version_id`;

/** Values as one JSON array per row; times as ISO text. */
function jsonArray(values: readonly string[]): RawBuilder<unknown> {
	return sql.raw(
		`json_build_array(${values.map((v) => (/_at$/.test(v) ? `to_char(${v} at time zone 'UTC', ${ISO})` : v)).join(', ')})`
	);
}

/** Values whose text is a uuid or a label the schema's checks limit to letters: no guard needed (see `copyValue`). */
const PLAIN_TEXT = new Set([
	'j.id',
	'j.run_id',
	'j.item_id',
	'j.answer_a_id',
	'j.answer_b_id',
	'j.presented_order',
	'j.status',
	'j.verdict',
	'l.id',
	'l.dataset_id',
	'l.item_id',
	'l.answer_a_id',
	'l.answer_b_id',
	'l.source',
	'l.queue_id',
	'l.presented_order',
	'l.verdict'
]);

/** One run's judgments (every status, both orders, every sample). */
export function judgmentBatch(db: Db, runId: string, after: string | null, limit: number): Promise<Batch> {
	return arrays(
		db,
		sql`select j.id, ${jsonArray(JUDGMENT_VALUES)} as r
			${sql.raw(JUDGMENT_FROM)}
			where j.run_id = ${runId} and j.id > coalesce(${after}::uuid, ${NIL}::uuid)
			order by j.id
			limit ${limit}`
	);
}

export async function countJudgments(db: Db, runId: string): Promise<number> {
	const row = await db
		.selectFrom('judgment')
		.select((eb) => eb.fn.countAll<string>().as('n'))
		.where('run_id', '=', runId)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

export interface LabelFilter {
	datasetId: string;
	source: AnnotationSource | 'all';
	/** Annotators' display names and e-mail addresses; otherwise only the per-project pseudonym. */
	identities: boolean;
}

/** A label row's values in export column order (services/exports.ts LABEL_COLUMNS); `identities` as in LabelFilter. */
const labelValues = (identities: boolean) => [
	'l.id',
	'l.dataset_id',
	'l.item_id',
	'i.external_id',
	'i.category',
	'l.answer_a_id',
	'sa.name',
	'l.answer_b_id',
	'sb.name',
	'l.source',
	`case when l.annotator_user_id is null then null
		else 'annotator-' || left(md5(l.project_id::text || ':' || l.annotator_user_id::text), 10) end`,
	identities ? 'u.display_name' : 'null::text',
	identities ? 'u.email' : 'null::text',
	'l.external_annotator',
	'l.queue_id',
	'l.presented_order',
	'l.verdict',
	'l.score::float8',
	labelledCriteria('l'),
	'l.red_lines',
	'l.rationale',
	'l.version',
	'l.created_at',
	'l.updated_at'
];

/** The tables of a label export (the annotator's name and e-mail address from app_user), as JUDGMENT_FROM. */
const LABEL_FROM = `from annotation l
			${answerJoins('l')}
			left join app_user u on u.id = l.annotator_user_id
			left join annotation_queue q on q.id = l.queue_id
			left join rubric_version rv on rv.id = q.rubric_version_id`;

const labelFromWhere = (f: LabelFilter, after: string | null) => sql`${sql.raw(LABEL_FROM)}
			where l.dataset_id = ${f.datasetId}
				and (${f.source}::text = 'all' or l.source = ${f.source})
				and l.id > coalesce(${after}::uuid, ${NIL}::uuid)
			order by l.id`;

/**
 * One dataset's human labels. `annotator` is a pseudonym stable within the project
 * (md5 of project and user id) so agreement per annotator can be computed without names.
 */
export function labelBatch(db: Db, f: LabelFilter, after: string | null, limit: number): Promise<Batch> {
	return arrays(
		db,
		sql`select l.id, ${jsonArray(labelValues(f.identities))} as r ${labelFromWhere(f, after)} limit ${limit}`
	);
}

export async function countLabels(db: Db, f: Pick<LabelFilter, 'datasetId' | 'source'>): Promise<number> {
	let q = db
		.selectFrom('annotation')
		.select((eb) => eb.fn.countAll<string>().as('n'))
		.where('dataset_id', '=', f.datasetId);
	if (f.source !== 'all') q = q.where('source', '=', f.source);
	return Number((await q.executeTakeFirstOrThrow()).n);
}

/** A dataset of the project (exports name it in the manifest), or undefined. */
export async function findProjectDataset(db: Db, projectId: string, datasetId: string) {
	return db
		.selectFrom('dataset')
		.select(['id', 'name', 'current_revision as revision'])
		.where('project_id', '=', projectId)
		.where('id', '=', datasetId)
		.executeTakeFirst();
}

/*
 * COPY statements for the CSV exports: one `COPY (select …) TO STDOUT (FORMAT csv, HEADER)` per
 * export, read on a dedicated connection (bulk/copy-to.ts `copyOutCsv`). PostgreSQL's CSV writer
 * quotes exactly the fields the rules of exports/csv.ts quote (a comma, a quote, CR or LF), so
 * each value only needs to arrive as the text those rules print (`copyValue`); the line ends
 * become CRLF as the rows are read. COPY takes no bind parameters: the only values written into
 * the statement are checked uuids, checked enum labels and finite numbers.
 */

export interface CsvCopyColumn {
	name: string;
	type: CsvCellType;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function uuidLiteral(id: string): string {
	if (!UUID.test(id)) throw new Error(`not a uuid: ${id}`);
	return `'${id}'::uuid`;
}

function floatLiteral(x: number): string {
	if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
	// String(x) is the shortest text that reads back as exactly x (ECMA-262 Number::toString).
	return `${String(x)}::float8`;
}

const floatArray = (xs: readonly number[]) => `array[${xs.map(floatLiteral).join(', ')}]::float8[]`;

/**
 * A value as PostgreSQL's CSV writer must get it to print the cell exports/csv.ts prints for it:
 * null for an empty cell (the writer quotes an empty string: `""`), numbers as float8/int text
 * (PostgreSQL's shortest exact text: 1e-05 where JS writes 0.00001, the same number), non-finite
 * doubles null, booleans true/false, times ISO-8601 UTC, text with the formula guard (a leading
 * `'` before = + - @ TAB CR or '). JSON is jsonb's text (`{"a": 1}`: the same value, other
 * spacing than JSON.stringify), always quoted (`force_quote`) and guarded when it starts with `-`.
 * The export tests read both writers' files back to the same values.
 */
function copyValue(value: string, type: CsvCellType): string {
	if (type === 'string' && PLAIN_TEXT.has(value)) return `nullif((${value})::text, '')`;
	switch (type) {
		case 'int':
			return `(${value})::int8`;
		case 'double':
			return `(case when (${value})::float8 in ('NaN', 'Infinity', '-Infinity') then null else (${value})::float8 end)`;
		case 'bool':
			return `(case when ${value} then 'true' when not ${value} then 'false' end)`;
		case 'timestamp':
			return `to_char(${value} at time zone 'UTC', ${ISO})`;
		case 'json': {
			const text = `(${value})::text`;
			// Only a JSON number can start with `-`; objects (nearly every value) skip the text test.
			return `(case when jsonb_typeof((${value})::jsonb) = 'number' and left(${text}, 1) = '-' then '''' || ${text} else ${text} end)`;
		}
		default: {
			const text = `(${value})::text`;
			return `nullif(case when left(${text}, 1) in ('=', '+', '-', '@', E'\\t', E'\\r', '''') then '''' || ${text} else ${text} end, '')`;
		}
	}
}

const NAME = /^[a-z_][a-z0-9_]*$/;

/** `select` list of `values` as `columns` (names become the header) and the COPY options. */
function copyCsv(values: readonly string[], columns: readonly CsvCopyColumn[], rest: string): string {
	if (values.length !== columns.length)
		throw new Error(`copyCsv: ${values.length} values for ${columns.length} columns`);
	for (const c of columns) if (!NAME.test(c.name)) throw new Error(`copyCsv: bad column name ${c.name}`);
	const list = values.map((v, i) => `${copyValue(v, columns[i].type)} as "${columns[i].name}"`).join(',\n\t\t');
	const json = columns.filter((c) => c.type === 'json').map((c) => `"${c.name}"`);
	const force = json.length ? `, force_quote (${json.join(', ')})` : '';
	return `copy (select ${list}\n\t${rest}) to stdout (format csv, header${force})`;
}

/** A run's judgments as CSV (the rows and order of `judgmentBatch`). */
export function judgmentCsvCopySql(runId: string, columns: readonly CsvCopyColumn[]): string {
	return copyCsv(
		JUDGMENT_VALUES,
		columns,
		`${JUDGMENT_FROM}
		where j.run_id = ${uuidLiteral(runId)}
		order by j.id`
	);
}

const SOURCES = new Set(['all', 'ui', 'imported', 'gold']);

/** A dataset's labels as CSV (the rows and order of `labelBatch`). */
export function labelCsvCopySql(f: LabelFilter, columns: readonly CsvCopyColumn[]): string {
	if (!SOURCES.has(f.source)) throw new Error(`bad label source ${f.source}`);
	return copyCsv(
		labelValues(f.identities),
		columns,
		`${LABEL_FROM}
		where l.dataset_id = ${uuidLiteral(f.datasetId)}${f.source === 'all' ? '' : ` and l.source = '${f.source}'`}
		order by l.id`
	);
}

/** A piecewise-linear map clipped at its ends: knots x (strictly increasing) and their values. */
export interface Knots {
	x: readonly number[];
	y: readonly number[];
}

/**
 * `t` mapped through `k` in SQL, with the arithmetic of lib/stats (`fitIsotonic`'s predict,
 * `isotonicCalibrationMap`'s interval), in the same order of operations, so each value is the
 * same double: the end values outside the knots, else y[b] + f·(y[b+1] − y[b]) with
 * f = (t − x[b]) / (x[b+1] − x[b]) and b the last knot ≤ t (`width_bucket` on the knots, a
 * binary search). `b` names the column holding that bucket.
 */
function interpolated(t: string, k: Knots, b: string, xs: string, ys: string): string {
	const last = k.x.length - 1;
	if (last < 0 || k.y.length !== k.x.length) throw new Error('interpolated: knots and values differ in length');
	return `(case when ${t} <= ${floatLiteral(k.x[0])} then ${floatLiteral(k.y[0])}
			when ${t} >= ${floatLiteral(k.x[last])} then ${floatLiteral(k.y[last])}
			else ${ys}[${b}] + ((${t} - ${xs}[${b}]) / (${xs}[${b} + 1] - ${xs}[${b}])) * (${ys}[${b} + 1] - ${ys}[${b}]) end)`;
}

export interface ScoreMap {
	/** The map's knots (`CalibrationMap.steps`). */
	predict: Knots;
	/** The interval's grid: x, lower and upper bounds (`CalibrationMap.grid`). */
	interval: { x: readonly number[]; low: readonly number[]; high: readonly number[] };
}

/**
 * The calibrated per-answer scores of a pointwise run (the rows of analysis-calibration.ts
 * `calibratedScores`, in its order): per answer and turn the mean and spread of the 'ok'
 * samples (as `listPointwiseJudgeScores`), per answer the mean over turns in turn order (as
 * `judgeAnswerScore`: float8 avg is a plain sum over a count), the largest turn spread and the
 * samples; then the map and its interval at that score. `map` null: no fit, empty cells.
 * `plain`: the select alone without the CSV rules (bench:export's COPY baseline).
 */
export function scoreCsvCopySql(
	runId: string,
	map: ScoreMap | null,
	columns: readonly CsvCopyColumn[],
	{ plain = false }: { plain?: boolean } = {}
): string {
	const values = [
		's.answer_id',
		'a.item_id',
		'i.external_id',
		'sy.name',
		'i.category',
		's.raw',
		map ? interpolated('s.raw', map.predict, 'm.b', 'm.px', 'm.py') : 'null::float8',
		map ? interpolated('s.raw', { x: map.interval.x, y: map.interval.low }, 'm.g', 'm.gx', 'm.gl') : 'null::float8',
		map ? interpolated('s.raw', { x: map.interval.x, y: map.interval.high }, 'm.g', 'm.gx', 'm.gh') : 'null::float8',
		's.samples',
		's.sd'
	];
	const lookup = map
		? `cross join lateral (select width_bucket(s.raw, ${floatArray(map.predict.x)}) as b,
				width_bucket(s.raw, ${floatArray(map.interval.x)}) as g,
				${floatArray(map.predict.x)} as px, ${floatArray(map.predict.y)} as py,
				${floatArray(map.interval.x)} as gx, ${floatArray(map.interval.low)} as gl,
				${floatArray(map.interval.high)} as gh) m`
		: '';
	const rest = `from (
			select answer_id, avg(score order by turn) as raw, sum(samples)::int as samples, max(sd) as sd
			from (
				select j.answer_a_id as answer_id, j.turn, count(*)::int as samples, avg(j.score::float8) as score,
					coalesce(stddev_samp(j.score::float8), 0) as sd
				from judgment j
				where j.run_id = ${uuidLiteral(runId)} and j.status = 'ok' and j.answer_b_id is null and j.score is not null
				group by j.answer_a_id, j.turn
			) t
			group by answer_id
		) s
		join candidate_answer a on a.id = s.answer_id
		join dataset_item i on i.id = a.item_id
		join system sy on sy.id = a.system_id
		${lookup}
		order by s.answer_id`;
	if (!plain) return copyCsv(values, columns, rest);
	return `copy (select ${values.map((v, i) => `${v} as "${columns[i].name}"`).join(', ')} ${rest}) to stdout (format csv, header)`;
}
