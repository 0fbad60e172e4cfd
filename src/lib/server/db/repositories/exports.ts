/**
 * Exports read big tables in keyset batches: each call returns up to `limit`
 * rows after the id `after`, in id order, through an index on (run or dataset,
 * id) (migration 0031). No connection or transaction is held between batches,
 * so a slow download never pins a pooled connection, and memory holds one
 * batch. Rows come back as positional arrays in the service's column order;
 * times are ISO text made by PostgreSQL (cheaper than building Date objects).
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
	'j.criteria',
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

const JUDGMENT_FROM = sql`from judgment j
			join dataset_item i on i.id = j.item_id
			join candidate_answer a on a.id = j.answer_a_id
			join system sa on sa.id = a.system_id
			left join candidate_answer b on b.id = j.answer_b_id
			left join system sb on sb.id = b.system_id`;

/** Values as one JSON array per row; times as ISO text. */
function jsonArray(values: readonly string[]): RawBuilder<unknown> {
	return sql.raw(
		`json_build_array(${values.map((v) => (/_at$/.test(v) ? `to_char(${v} at time zone 'UTC', ${ISO})` : v)).join(', ')})`
	);
}

export interface CsvBatch {
	/** The rows' CSV lines, each ending in CRLF, concatenated. */
	text: string;
	rows: number;
	last: string | null;
}

async function csvLines(db: Db, query: ReturnType<typeof sql>): Promise<CsvBatch> {
	const { rows } = await query.execute(db);
	const list = rows as { id: string; line: string }[];
	let text = '';
	for (const r of list) text += r.line;
	return { text, rows: list.length, last: list.length ? list[list.length - 1].id : null };
}

/**
 * One CSV cell written by PostgreSQL under the rules of exports/csv.ts, so the big exports skip
 * parsing and re-writing every value in the server (a million-row file then costs about what
 * COPY costs). Empty for null; numbers as PostgreSQL's shortest exact text (1e-05 where JS
 * writes 0.00001: the same number; non-finite: empty); booleans true/false; times ISO-8601 UTC;
 * text gets the formula guard (a leading `'` before = + - @ TAB CR or ') and RFC 4180 quotes
 * when it holds a comma, a quote, CR or LF. JSON is jsonb's text (`{"a": 1}`: the same value,
 * other spacing than JSON.stringify), always quoted, and guarded when it starts with `-` (the
 * only formula starter valid JSON can begin with). The export tests read both writers' files
 * back to the same values.
 */
function csvCell(value: string, type: CsvCellType): string {
	// Ids and checked labels can hold no comma, quote, line break or formula starter: as they are.
	if (type === 'string' && PLAIN_TEXT.has(value)) return `coalesce((${value})::text, '')`;
	switch (type) {
		case 'int':
			return `coalesce((${value})::text, '')`;
		case 'double':
			return `coalesce(case when (${value})::float8 in ('NaN', 'Infinity', '-Infinity') then '' else (${value})::float8::text end, '')`;
		case 'bool':
			return `(case when ${value} then 'true' when not ${value} then 'false' else '' end)`;
		case 'timestamp':
			return `coalesce(to_char(${value} at time zone 'UTC', ${ISO}), '')`;
		case 'json': {
			// JSON text nearly always holds a comma or a quote: always quoted (RFC 4180 allows it), one cast less.
			const text = `(${value})::text`;
			return `coalesce('"' || replace(case when left(${text}, 1) = '-' then '''' || ${text} else ${text} end, '"', '""') || '"', '')`;
		}
		default: {
			const text = `(${value})::text`;
			const guarded = `(case when left(${text}, 1) in ('=', '+', '-', '@', E'\\t', E'\\r', '''') then '''' || ${text} else ${text} end)`;
			return `coalesce(case when ${text} ~ '[",\\r\\n]' then '"' || replace(${guarded}, '"', '""') || '"' else ${guarded} end, '')`;
		}
	}
}

/** Values whose text is a uuid or a label the schema's checks limit to letters (see `csvCell`). */
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

/** A whole CSV line (CRLF at the end) of `values` typed as `types`, for one row. */
function csvLine(values: readonly string[], types: readonly CsvCellType[]): RawBuilder<string> {
	if (values.length !== types.length) throw new Error(`csvLine: ${values.length} values for ${types.length} columns`);
	return sql.raw(`(${values.map((v, i) => csvCell(v, types[i])).join(` || ',' || `)} || E'\\r\\n')`);
}

/** One run's judgments (every status, both orders, every sample). */
export function judgmentBatch(db: Db, runId: string, after: string | null, limit: number): Promise<Batch> {
	return arrays(
		db,
		sql`select j.id, ${jsonArray(JUDGMENT_VALUES)} as r
			${JUDGMENT_FROM}
			where j.run_id = ${runId} and j.id > coalesce(${after}::uuid, ${NIL}::uuid)
			order by j.id
			limit ${limit}`
	);
}

/** The same rows as `judgmentBatch`, each already a CSV line (see `csvLine`). */
export function judgmentCsvBatch(
	db: Db,
	runId: string,
	after: string | null,
	limit: number,
	types: readonly CsvCellType[]
): Promise<CsvBatch> {
	return csvLines(
		db,
		sql`select j.id, ${csvLine(JUDGMENT_VALUES, types)} as line
			${JUDGMENT_FROM}
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
	'l.criteria',
	'l.red_lines',
	'l.rationale',
	'l.version',
	'l.created_at',
	'l.updated_at'
];

const labelFromWhere = (f: LabelFilter, after: string | null) => sql`from annotation l
			join dataset_item i on i.id = l.item_id
			join candidate_answer a on a.id = l.answer_a_id
			join system sa on sa.id = a.system_id
			left join candidate_answer b on b.id = l.answer_b_id
			left join system sb on sb.id = b.system_id
			left join app_user u on u.id = l.annotator_user_id
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

/** The same rows as `labelBatch`, each already a CSV line (see `csvLine`). */
export function labelCsvBatch(
	db: Db,
	f: LabelFilter,
	after: string | null,
	limit: number,
	types: readonly CsvCellType[]
): Promise<CsvBatch> {
	return csvLines(
		db,
		sql`select l.id, ${csvLine(labelValues(f.identities), types)} as line ${labelFromWhere(f, after)} limit ${limit}`
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

/** The COPY statement for the same judgment rows `judgmentBatch` reads (bench:export compares against it). */
export function judgmentCopySql(runId: string): string {
	if (!/^[0-9a-f-]{36}$/i.test(runId)) throw new Error('run id must be a uuid');
	return `copy (select j.id, j.run_id, j.item_id, i.external_id, i.category, j.turn,
			j.answer_a_id, sa.name, j.answer_b_id, sb.name, j.presented_order, j.sample, j.status,
			j.verdict, j.score::float8, j.preference::float8, j.criteria, j.flags, j.error,
			j.input_tokens, j.output_tokens, j.cost::float8, j.latency_ms, j.attempts, j.cached,
			j.prompt_hash, j.raw, j.finished_at
		from judgment j
		join dataset_item i on i.id = j.item_id
		join candidate_answer a on a.id = j.answer_a_id
		join system sa on sa.id = a.system_id
		left join candidate_answer b on b.id = j.answer_b_id
		left join system sb on sb.id = b.system_id
		where j.run_id = '${runId}'
		order by j.id) to stdout with (format csv, header)`;
}
