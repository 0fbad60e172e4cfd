/**
 * Exports read big tables in keyset batches: each call returns up to `limit`
 * rows after the id `after`, in id order, through an index on (run or dataset,
 * id) (migration 0031). No connection or transaction is held between batches,
 * so a slow download never pins a pooled connection, and memory holds one
 * batch. Rows come back as positional arrays in the service's column order;
 * times are ISO text made by PostgreSQL (cheaper than building Date objects).
 */
import { sql } from 'kysely';
import type { Db } from '../client';
import type { AnnotationSource } from '../schema';

/** The smallest uuid: the first batch starts after it. A plain `id > x` keeps the (run, id) index range scan (an `x is null or …` would not). */
const NIL = '00000000-0000-0000-0000-000000000000';
const ISO = `'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'`;
const iso = (column: string) => sql.raw(`to_char(${column} at time zone 'UTC', ${ISO})`);

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

/** One run's judgments (every status, both orders, every sample). */
export function judgmentBatch(db: Db, runId: string, after: string | null, limit: number): Promise<Batch> {
	return arrays(
		db,
		sql`select j.id, json_build_array(
				j.id, j.run_id, j.item_id, i.external_id, i.category, j.turn,
				j.answer_a_id, sa.name, j.answer_b_id, sb.name, j.presented_order, j.sample, j.status,
				j.verdict, j.score::float8, j.preference::float8, j.criteria, j.flags, j.error,
				j.input_tokens, j.output_tokens, j.cost::float8, j.latency_ms, j.attempts, j.cached,
				j.prompt_hash, j.raw, ${iso('j.finished_at')}) as r
			from judgment j
			join dataset_item i on i.id = j.item_id
			join candidate_answer a on a.id = j.answer_a_id
			join system sa on sa.id = a.system_id
			left join candidate_answer b on b.id = j.answer_b_id
			left join system sb on sb.id = b.system_id
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

/**
 * One dataset's human labels. `annotator` is a pseudonym stable within the project
 * (md5 of project and user id) so agreement per annotator can be computed without names.
 */
export function labelBatch(db: Db, f: LabelFilter, after: string | null, limit: number): Promise<Batch> {
	return arrays(
		db,
		sql`select l.id, json_build_array(
				l.id, l.dataset_id, l.item_id, i.external_id, i.category, l.answer_a_id, sa.name, l.answer_b_id, sb.name,
				l.source,
				case when l.annotator_user_id is null then null
					else 'annotator-' || left(md5(l.project_id::text || ':' || l.annotator_user_id::text), 10) end,
				case when ${f.identities} then u.display_name end,
				case when ${f.identities} then u.email end,
				l.external_annotator, l.queue_id, l.presented_order, l.verdict, l.score::float8, l.criteria, l.red_lines,
				l.rationale, l.version, ${iso('l.created_at')}, ${iso('l.updated_at')}) as r
			from annotation l
			join dataset_item i on i.id = l.item_id
			join candidate_answer a on a.id = l.answer_a_id
			join system sa on sa.id = a.system_id
			left join candidate_answer b on b.id = l.answer_b_id
			left join system sb on sb.id = b.system_id
			left join app_user u on u.id = l.annotator_user_id
			where l.dataset_id = ${f.datasetId}
				and (${f.source}::text = 'all' or l.source = ${f.source})
				and l.id > coalesce(${after}::uuid, ${NIL}::uuid)
			order by l.id
			limit ${limit}`
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
