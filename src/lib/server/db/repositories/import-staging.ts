/**
 * Bulk SQL of the import writer, run on ONE connection inside ONE transaction:
 * a temporary staging table is loaded by COPY, checked (duplicates and conflicts
 * inside the file and against the dataset), then merged into the real tables
 * (only rows that are not there yet: identical rows are skipped and nothing is ever
 * overwritten; see mergeStage). Any problem → the caller rolls back: nothing is written.
 * Raw SQL (not Kysely) because these are set-based statements over a temp table.
 */
import type pg from 'pg';
import type { ImportIssue } from '../../importers/issues';

/**
 * The staging table's columns, in COPY order. One table with a `kind` column
 * ('i' item, 'a' answer, 'r' reference, 'j' judgment, 'n' annotation) lets one
 * COPY stream carry a whole file; the encoder (importers/stage-rows.ts) writes
 * its rows in exactly this order.
 */
const STAGE_TABLE = [
	['kind', 'text not null'],
	['line', 'int not null'],
	['dup_key', 'text'],
	['dup_field', 'text'],
	['dup_label', 'text'],
	['dup_hash', 'text'],
	['id_field', 'text'],
	['src_field', 'text'],
	['item_key', 'text'],
	['sys_a', 'text'],
	['sys_b', 'text'],
	['hash', 'text'],
	['prompt_text', 'text'],
	['conversation', 'jsonb'],
	['prompt_available', 'boolean'],
	['turn_count', 'int'],
	['ref_text', 'text'],
	['ref_turns', 'jsonb'],
	['category', 'text'],
	['tags', 'text[]'],
	['metadata', 'jsonb'],
	['content', 'text'],
	['turns', 'jsonb'],
	['available', 'boolean'],
	['per_turn', 'boolean'],
	['char_count', 'int'],
	['approx_tokens', 'int'],
	['run_name', 'text'],
	['run_model', 'text'],
	['run_mode', 'text'],
	['presented_order', 'text'],
	['sample', 'int'],
	['verdict', 'text'],
	['score', 'numeric'],
	['preference', 'numeric'],
	['raw', 'jsonb'],
	['annotator', 'text'],
	['external_key', 'text']
] as const;

export const STAGE_COLUMNS = STAGE_TABLE.map(([name]) => name);
export type StageColumn = (typeof STAGE_TABLE)[number][0];

/** The staged kinds; each has its own partition of the staging table. */
const STAGE_KINDS = ['i', 'a', 'r', 'j', 'n'] as const;

/**
 * The staging table is partitioned by `kind`: every check and merge statement reads rows of
 * one or two kinds, so partition pruning makes it scan only those (a vote file stages an item,
 * two answers and the vote per line; scanning all four kinds for each statement dominated).
 */
export async function createStage(client: pg.ClientBase): Promise<void> {
	// The checks and the merge sort and hash a whole file's rows: in memory rather than spilled to disk.
	await client.query(`set local work_mem = '64MB'`);
	await client.query(
		`create temp table import_stage (${STAGE_TABLE.map(([c, t]) => `${c} ${t}`).join(', ')}) partition by list (kind) on commit drop`
	);
	for (const kind of STAGE_KINDS)
		await client.query(
			`create temp table import_stage_${kind} partition of import_stage for values in ('${kind}') on commit drop`
		);
}

/**
 * Statistics of the staged rows, per partition (the statements filter by kind, so the
 * planner reads the partitions' statistics; the parent's would cost a second sample).
 */
export async function analyzeStage(client: pg.ClientBase): Promise<void> {
	await analyzeSmall(client, STAGE_KINDS.map((k) => `import_stage_${k}`).join(', '));
}

export const stageCopySql = `copy import_stage (${STAGE_COLUMNS.join(', ')}) from stdin`;

/**
 * A record repeated identically (same key, same content) is skipped, as the README promises:
 * every staged row of its later lines is removed before the checks and the merge, so the
 * merge never sees it and the import counts it among the skipped duplicates. The same key
 * with different content stays staged and is reported by the duplicate check.
 */
export async function dropIdenticalRepeats(client: pg.ClientBase): Promise<number> {
	const res = await client.query(`
		with repeats as (
		  select line from (
		    select line, dup_hash, first_value(dup_hash) over (partition by dup_key order by line) as first_hash,
		           min(line) over (partition by dup_key) as first_line
		    from import_stage where dup_key is not null) x
		  where line > first_line and dup_hash = first_hash)
		delete from import_stage s using repeats r where s.line = r.line`);
	return res.rowCount ?? 0;
}

/**
 * Imported verdicts without an explicit sample: the k-th repeat of a key in the file is sample k.
 * Only the repeats (k ≥ 1) are written; a verdict whose sample stays null is sample 0, so every
 * reader of the staged sample says `coalesce(sample, 0)` (rewriting every staged verdict cost
 * as much as staging it).
 */
export async function assignJudgmentSamples(client: pg.ClientBase): Promise<void> {
	await client.query(`
		update import_stage_j s set sample = x.rn - 1
		from (select ctid, row_number() over (partition by run_name, run_mode, item_key, sys_a, sys_b, presented_order order by line) as rn
		      from import_stage_j where sample is null) x
		where s.ctid = x.ctid and x.rn > 1`);
}

/**
 * Each check selects (line, field, reason, params): the English reason, and the parameters of
 * its i18n message `key` (`import_err_*`), so the import pages word it in the reader's language.
 * $1 dataset id (null for a new dataset), $2 project id.
 * Window functions and LEFT JOIN anti-joins keep every check a hash join over the stage.
 */
const CHECKS: { key: string; sql: string }[] = [
	// The same record key twice in the file.
	// (Identical repeats were dropped by dropIdenticalRepeats: what remains differs from the first.)
	{
		key: 'import_err_duplicate_record',
		sql: `select line, dup_field as field, format('Duplicate %s with different content: first seen at line %s.', dup_label, first_line) as reason,
		        jsonb_build_object('record', dup_label, 'first', first_line)
	 from (select line, dup_field, dup_label, min(line) over (partition by dup_key) as first_line from import_stage where dup_key is not null) x
	 where line > first_line`
	},
	// An item repeated with different content inside the file.
	{
		key: 'import_err_item_differs',
		sql: `select line, src_field, format('Item "%s" differs from the same item at line %s (prompt, category or tags).', item_key, first_line),
		        jsonb_build_object('item', item_key, 'first', first_line)
	 from (select line, src_field, item_key, hash, first_value(hash) over w as first_hash, first_value(line) over w as first_line
	       from import_stage where kind = 'i' window w as (partition by item_key order by line)) x
	 where hash <> first_hash`
	},
	{
		key: 'import_err_answer_differs',
		sql: `select line, src_field, format('The answer of "%s" to item "%s" differs from the one at line %s.', sys_a, item_key, first_line),
		        jsonb_build_object('system', sys_a, 'item', item_key, 'first', first_line)
	 from (select line, src_field, item_key, sys_a, hash, first_value(hash) over w as first_hash, first_value(line) over w as first_line
	       from import_stage where kind = 'a' window w as (partition by item_key, sys_a order by line)) x
	 where hash <> first_hash`
	},
	{
		key: 'import_err_reference_differs',
		sql: `select line, src_field, format('The reference answer of item "%s" differs from the one at line %s.', item_key, first_line),
		        jsonb_build_object('item', item_key, 'first', first_line)
	 from (select line, src_field, item_key, coalesce(ref_text, ref_turns::text) as ref,
	              first_value(coalesce(ref_text, ref_turns::text)) over w as first_ref, first_value(line) over w as first_line
	       from import_stage where kind in ('i', 'r') and (ref_text is not null or ref_turns is not null)
	       window w as (partition by item_key order by line)) x
	 where ref <> first_ref`
	},
	// Conflicts with what the dataset already holds (rows are immutable).
	{
		key: 'import_err_item_exists',
		sql: `select s.line, s.src_field, format('Item "%s" already exists in this dataset with a different prompt, category or tags (revision %s). Items are immutable: give a changed item a new id.', s.item_key, d.revision),
		        jsonb_build_object('item', s.item_key, 'revision', d.revision)
	 from import_stage s join dataset_item d on d.dataset_id = $1 and d.external_id = s.item_key
	 where s.kind = 'i' and d.content_hash <> s.hash`
	},
	{
		key: 'import_err_answer_exists',
		sql: `select s.line, s.src_field, format('The answer of "%s" to item "%s" already exists with different content (revision %s). Answers are immutable: import a new version under another system name.', s.sys_a, s.item_key, c.revision),
		        jsonb_build_object('system', s.sys_a, 'item', s.item_key, 'revision', c.revision)
	 from import_stage s
	 join dataset_item d on d.dataset_id = $1 and d.external_id = s.item_key
	 join system y on y.project_id = $2 and y.name = s.sys_a
	 join candidate_answer c on c.item_id = d.id and c.system_id = y.id
	 where s.kind = 'a' and c.content_hash <> s.hash`
	},
	{
		key: 'import_err_reference_exists',
		sql: `select s.line, s.src_field, format('Item "%s" already has a different reference answer.', s.item_key),
		        jsonb_build_object('item', s.item_key)
	 from import_stage s join dataset_item d on d.dataset_id = $1 and d.external_id = s.item_key
	 where s.kind in ('i', 'r') and (s.ref_text is not null or s.ref_turns is not null)
	   and (d.reference_text is not null or d.reference_turns is not null)
	   and (d.reference_text is distinct from s.ref_text or d.reference_turns is distinct from s.ref_turns)`
	},
	// References to items / answers that exist neither in the file nor in the dataset.
	{
		key: 'import_err_unknown_item',
		sql: `select s.line, s.id_field, format('Unknown item "%s": it is neither in this file nor in the dataset (import the questions first).', s.item_key),
		        jsonb_build_object('item', s.item_key)
	 from import_stage s
	 left join (select distinct item_key from import_stage where kind = 'i') i on i.item_key = s.item_key
	 left join dataset_item d on d.dataset_id = $1 and d.external_id = s.item_key
	 where s.kind <> 'i' and i.item_key is null and d.id is null`
	},
	{
		key: 'import_err_unknown_answer',
		sql: `with sides as (
	   select s.line, s.src_field, s.item_key, x.sys from import_stage s cross join lateral (values (s.sys_a), (s.sys_b)) x(sys)
	   where s.kind in ('j', 'n') and x.sys is not null),
	 staged as (select distinct item_key, sys_a from import_stage where kind = 'a')
	 select sides.line, sides.src_field, format('There is no answer of "%s" to item "%s" in this file or the dataset.', sides.sys, sides.item_key),
		        jsonb_build_object('system', sides.sys, 'item', sides.item_key)
	 from sides
	 left join staged on staged.item_key = sides.item_key and staged.sys_a = sides.sys
	 left join dataset_item d on d.dataset_id = $1 and d.external_id = sides.item_key
	 left join system y on y.project_id = $2 and y.name = sides.sys
	 left join candidate_answer c on c.item_id = d.id and c.system_id = y.id
	 where staged.item_key is null and c.id is null`
	},
	// Per-turn answers (one response per user turn) must match the item's number of user turns.
	{
		key: 'import_err_turn_mismatch',
		sql: `with it as (select item_key, min(turn_count) as turn_count from import_stage where kind = 'i' group by item_key)
	 select a.line, a.src_field, format('Item "%s" has %s user turn(s) but this answer has %s response(s).', a.item_key, coalesce(it.turn_count, d.turn_count), coalesce(jsonb_array_length(a.turns), 1)),
		        jsonb_build_object('item', a.item_key, 'turns', coalesce(it.turn_count, d.turn_count), 'responses', coalesce(jsonb_array_length(a.turns), 1))
	 from import_stage a
	 left join it on it.item_key = a.item_key
	 left join dataset_item d on d.dataset_id = $1 and d.external_id = a.item_key
	 where a.kind = 'a' and a.per_turn and coalesce(it.turn_count, d.turn_count) <> coalesce(jsonb_array_length(a.turns), 1)`
	},
	// The same verdict / label key twice in the file. Every adapter keys its records so that this
	// implies a duplicate record (reported above); these two only run as a safety net when nothing else was found.
	{
		key: 'import_err_duplicate_verdict',
		sql: `select line, src_field, format('Duplicate verdict of judge "%s" on item "%s" (same answers, order and sample as line %s).', run_name, item_key, first_line),
		        jsonb_build_object('judge', run_name, 'item', item_key, 'first', first_line)
	 from (select line, src_field, run_name, item_key, min(line) over (partition by run_name, run_mode, item_key, sys_a, sys_b, presented_order, coalesce(sample, 0)) as first_line
	       from import_stage where kind = 'j') x
	 where line > first_line`
	},
	{
		key: 'import_err_duplicate_label',
		sql: `select line, src_field, format('Duplicate label of "%s" on item "%s" (same answers and key as line %s).', annotator, item_key, first_line),
		        jsonb_build_object('annotator', annotator, 'item', item_key, 'first', first_line)
	 from (select line, src_field, annotator, item_key, min(line) over (partition by item_key, sys_a, sys_b, annotator, external_key) as first_line
	       from import_stage where kind = 'n') x
	 where line > first_line`
	},
	// Verdicts and labels already imported with a different value.
	{
		key: 'import_err_verdict_exists',
		sql: `select s.line, s.src_field, format('The verdict of judge "%s" on item "%s" was already imported with a different value.', s.run_name, s.item_key),
		        jsonb_build_object('judge', s.run_name, 'item', s.item_key)
	 from import_stage s
	 join judge_run r on r.dataset_id = $1 and r.source = 'imported' and r.name = s.run_name and r.mode = s.run_mode
	 join dataset_item d on d.dataset_id = $1 and d.external_id = s.item_key
	 join system ya on ya.project_id = $2 and ya.name = s.sys_a
	 join candidate_answer ca on ca.item_id = d.id and ca.system_id = ya.id
	 left join system yb on yb.project_id = $2 and yb.name = s.sys_b
	 left join candidate_answer cb on cb.item_id = d.id and cb.system_id = yb.id
	 join judgment j on j.run_id = r.id and j.item_id = d.id and j.answer_a_id = ca.id
	   and j.answer_b_id is not distinct from cb.id and j.presented_order is not distinct from s.presented_order and j.sample = coalesce(s.sample, 0)
	 where s.kind = 'j' and (j.verdict is distinct from s.verdict or j.score is distinct from s.score or j.preference is distinct from s.preference)`
	},
	{
		key: 'import_err_label_exists',
		sql: `select s.line, s.src_field, format('The label of "%s" on item "%s" was already imported with a different value.', s.annotator, s.item_key),
		        jsonb_build_object('annotator', s.annotator, 'item', s.item_key)
	 from import_stage s
	 join dataset_item d on d.dataset_id = $1 and d.external_id = s.item_key
	 join system ya on ya.project_id = $2 and ya.name = s.sys_a
	 join candidate_answer ca on ca.item_id = d.id and ca.system_id = ya.id
	 left join system yb on yb.project_id = $2 and yb.name = s.sys_b
	 left join candidate_answer cb on cb.item_id = d.id and cb.system_id = yb.id
	 join annotation n on n.source = 'imported' and n.item_id = d.id and n.answer_a_id = ca.id and n.answer_b_id is not distinct from cb.id
	   and n.external_annotator = s.annotator and n.external_key = s.external_key
	 where s.kind = 'n' and (n.verdict is distinct from s.verdict or n.score is distinct from s.score)`
	}
];

/** The duplicate-verdict / duplicate-label checks in CHECKS. */
const SAFETY_NET = new Set(['import_err_duplicate_verdict', 'import_err_duplicate_label']);

export async function findStageProblems(
	client: pg.ClientBase,
	ctx: {
		datasetId: string | null;
		projectId: string;
		cap: number;
		onlyDuplicates?: boolean;
		/** False: no record key is staged twice, so the duplicate-record check has nothing to find. */
		keysRepeated?: boolean;
		/** False: no verdict or label identity is staged twice, so the safety nets have nothing to find. */
		votesRepeated?: boolean;
	}
): Promise<{ issues: ImportIssue[]; total: number }> {
	const issues: ImportIssue[] = [];
	let total = 0;
	// With rows already rejected by the parser, only the duplicate check is meaningful:
	// the others would report follow-on errors (e.g. answers of an item whose row was bad).
	const checks = ctx.onlyDuplicates ? CHECKS.slice(0, 1) : CHECKS;
	for (const check of checks) {
		if (check.key === 'import_err_duplicate_record' && ctx.keysRepeated === false) continue;
		if (SAFETY_NET.has(check.key) && (total > 0 || ctx.votesRepeated === false)) continue;
		const res = await client.query<{
			line: number;
			field: string | null;
			reason: string;
			params: Record<string, string | number>;
			total: number;
		}>(
			// The unused CTE gives $1/$2 a type even in checks that do not use them.
			`with _params as (select $1::uuid, $2::uuid)
			 select line, field, reason, params, count(*) over ()::int as total
			 from (${check.sql}) c(line, field, reason, params) order by line limit $3`,
			[ctx.datasetId, ctx.projectId, ctx.cap]
		);
		if (res.rows.length > 0) total += res.rows[0].total;
		for (const r of res.rows)
			issues.push({ line: r.line, field: r.field, reason: r.reason, key: check.key, params: r.params });
	}
	return { issues, total };
}

export interface MergeCounts {
	systemsAdded: number;
	itemsAdded: number;
	itemsDigest: string;
	answersAdded: number;
	answersDigest: string;
	referencesAdded: number;
	judgeRunsAdded: number;
	judgmentsAdded: number;
	annotationsAdded: number;
}

/**
 * The id of the n-th row (n ≥ 1, below 2^32) a merge statement inserts: the layout of a
 * UUIDv7 (RFC 9562 §5.7): the statement's start in ms, the version, n where the
 * standard puts a counter (§6.2, method 2), the variant, 42 random bits. A statement's new rows
 * take ids in the order they are inserted, after every id already there, so every index that
 * leads with an id (the primary key; the item, answer and run columns of the children) is
 * appended to at its right edge instead of into random leaves: random (v4) ids made the
 * inserts and their foreign-key probes cost about a third more than the same rows
 * written in id order. The random bits keep two imports that start a statement in the same
 * ms apart. `n` is an SQL bigint expression.
 */
function orderedId(n: string): string {
	// PostgreSQL gives <<, >>, & and | one precedence, left to right: hence every parenthesis.
	const hi = `(((extract(epoch from statement_timestamp()) * 1000)::bigint << 16) | 28672 | (((${n}) >> 20) & 4095))`;
	const lo = `((-9223372036854775808)::bigint | (((${n}) & 1048575) << 42) | floor(random() * 4398046511104)::bigint)`;
	return `encode(int8send(${hi}) || int8send(${lo}), 'hex')::uuid`;
}

/** Order-independent digest of added rows: count + sum of 60-bit prefixes of their content hashes. */
const DIGEST = `count(*)::int as n, coalesce(sum(('x' || substr(content_hash, 1, 15))::bit(60)::bigint), 0)::text as digest`;

/**
 * Rows added to a table in this transaction after which its statistics are refreshed
 * before the next statement joins it. The planner otherwise plans with the statistics of
 * before the import: a new dataset's (or project's) rows look like one row, so it picks
 * nested loops over scans of them, and the merge grows with the square of the file
 * (26,919 Arena votes: minutes). ANALYZE counts and samples the rows this transaction
 * wrote. It holds a lock that makes another import's ANALYZE of the same table wait until
 * this one commits, hence only for bulk imports.
 */
const REFRESH_STATS_AFTER = 1000;

/**
 * The merge resolves names to row ids once, into small analyzed temp tables (systems of the
 * project, the items and answers the staged rows name, the imported judge runs), and every
 * insert hash-joins the staged rows with them. Joining the shared tables directly made each
 * verdict and label a chain of index probes planned on stale estimates (a judge run or system
 * inserted a moment ago counts as one row), several times the cost of writing the row.
 *
 * Rows that cannot exist yet are inserted plainly, the others with ON CONFLICT DO NOTHING
 * (a speculative insertion that checks every unique index first, about a third more per row):
 * the answers of items created by this import, the labels of a dataset created by it, the
 * verdicts of judge runs created by it. Nobody else can see those parents before the commit,
 * and the checks left no duplicate key among the staged rows. The ids of the new items and
 * answers come from the inserts themselves (RETURNING), not from looking them up again.
 * `stagedOnce`: the stage kept no repeated answer (importers/seen-rows.ts never filled up), so
 * the answers of new items need no ON CONFLICT either (a 1,000,000-answer file fills it: the
 * repeats of identical answers then fall to ON CONFLICT, as before).
 */
export async function mergeStage(
	client: pg.ClientBase,
	ctx: {
		datasetId: string;
		/** The dataset existed before this import (else it was created in this transaction). */
		datasetExisted: boolean;
		projectId: string;
		importId: string;
		revision: number;
		userId: string | null;
		stagedOnce: boolean;
		hasVotes: boolean;
	}
): Promise<MergeCounts> {
	const { datasetId: ds, projectId: pj, importId: imp, revision: rev } = ctx;
	// Every system a verdict or label names has an answer in the file or the dataset (checked), so the answers name them all.
	const systems = await client.query(
		`insert into system (project_id, name)
		 select distinct $1::uuid, sys_a from import_stage where kind = 'a'
		 on conflict (project_id, name) do nothing`,
		[pj]
	);
	await client.query(
		`create temp table import_system on commit drop as select name, id from system where project_id = $1`,
		[pj]
	);
	await client.query(
		`create temp table import_item (item_key text not null, id uuid not null, is_new boolean not null) on commit drop`
	);
	if (ctx.datasetExisted)
		await client.query(
			`insert into import_item (item_key, id, is_new)
			 select d.external_id, d.id, false from dataset_item d
			 where d.dataset_id = $1 and d.external_id in (select item_key from import_stage)`,
			[ds]
		);
	const items = await client.query<{ n: number; digest: string; refs: number }>(
		`with ins as (
		   insert into dataset_item (id, dataset_id, external_id, prompt_text, conversation, prompt_available, turn_count,
		                             reference_text, reference_turns, category, tags, metadata, content_hash, import_id, revision, position)
		   select ${orderedId('n')}, $1::uuid, item_key, prompt_text, conversation, prompt_available, turn_count, ref_text, ref_turns,
		          category, coalesce(tags, '{}'), coalesce(metadata, '{}'), hash, $2::uuid, $3::int,
		          -- File order: the new items follow the dataset's existing ones, by their first line (migration 0009).
		          (select coalesce(max(position), 0) from dataset_item where dataset_id = $1) + n
		   from (select first_rows.*, row_number() over (order by line) as n
		         from (select distinct on (item_key) * from import_stage s
		               where kind = 'i' and not exists (select 1 from import_item d where d.item_key = s.item_key)
		               order by item_key, line) first_rows) numbered
		   order by n
		   returning external_id, id, content_hash, (reference_text is not null or reference_turns is not null) as has_ref),
		 kept as (insert into import_item (item_key, id, is_new) select external_id, id, true from ins)
		 select ${DIGEST}, (count(*) filter (where has_ref))::int as refs from ins`,
		[ds, imp, rev]
	);
	// A reference only fills an item that has none (conflicts were rejected before).
	const refs = ctx.datasetExisted
		? await client.query(
				`with refs as (
				   select distinct on (item_key) item_key, ref_text, ref_turns from import_stage
				   where kind in ('i', 'r') and (ref_text is not null or ref_turns is not null) order by item_key, line)
				 update dataset_item d set reference_text = refs.ref_text, reference_turns = refs.ref_turns
				 from refs where d.dataset_id = $1 and d.external_id = refs.item_key and d.reference_text is null and d.reference_turns is null`,
				[ds]
			)
		: { rowCount: 0 };
	if (items.rows[0].n >= REFRESH_STATS_AFTER) await analyzeSmall(client, 'dataset_item');
	await analyzeSmall(client, 'import_system, import_item');
	await client.query(
		`create temp table import_answer (item_key text not null, sys text not null, item_id uuid not null, id uuid not null) on commit drop`
	);
	// Every answer of the items that existed, by item key and system name.
	if (ctx.datasetExisted)
		await client.query(
			`insert into import_answer (item_key, sys, item_id, id)
			 select i.item_key, y.name, i.id, a.id
			 from import_item i join candidate_answer a on a.item_id = i.id join import_system y on y.id = a.system_id
			 where not i.is_new`
		);
	const answerCols = `(id, item_id, dataset_id, system_id, content, turns, available, metadata, content_hash, char_count, approx_tokens, import_id, revision)`;
	// In id order by item; within an item in random order, so an answer's id says nothing of its system (blinding).
	const answerNumber = `row_number() over (order by i.id, random())`;
	const answerValues = `${orderedId('n')}, item_id, $1::uuid, system_id, content, turns, available, coalesce(metadata, '{}'), hash, char_count, approx_tokens, $2::uuid, $3::int`;
	// Answers of new items: plain inserts; the ids go to import_answer for the verdicts and labels.
	const newAnswers = await client.query<{ n: number; digest: string }>(
		`with ins as (
		   insert into candidate_answer ${answerCols}
		   select ${answerValues}
		   from (select s.*, i.id as item_id, y.id as system_id, ${answerNumber} as n
		         from import_stage_a s
		         join import_item i on i.item_key = s.item_key and i.is_new
		         join import_system y on y.name = s.sys_a) s
		   order by n
		   ${ctx.stagedOnce ? '' : 'on conflict (item_id, system_id) do nothing'}
		   returning item_id, system_id, id, content_hash),
		 kept as (
		   insert into import_answer (item_key, sys, item_id, id)
		   select i.item_key, y.name, ins.item_id, ins.id from ins join import_item i on i.id = ins.item_id join import_system y on y.id = ins.system_id
		   where $4)
		 select ${DIGEST} from ins`,
		[ds, imp, rev, ctx.hasVotes]
	);
	// Answers that items which existed do not have yet (identical ones are skipped).
	const oldAnswers = ctx.datasetExisted
		? await client.query<{ n: number; digest: string }>(
				`with ins as (
				   insert into candidate_answer ${answerCols}
				   select ${answerValues}
				   from (select s.*, i.id as item_id, y.id as system_id, ${answerNumber} as n
				         from import_stage_a s
				         join import_item i on i.item_key = s.item_key and not i.is_new
				         join import_system y on y.name = s.sys_a
				         where not exists (select 1 from import_answer x where x.item_key = s.item_key and x.sys = s.sys_a)) s
				   order by n
				   on conflict (item_id, system_id) do nothing
				   returning item_id, system_id, id, content_hash),
				 kept as (
				   insert into import_answer (item_key, sys, item_id, id)
				   select i.item_key, y.name, ins.item_id, ins.id from ins join import_item i on i.id = ins.item_id join import_system y on y.id = ins.system_id)
				 select ${DIGEST} from ins`,
				[ds, imp, rev]
			)
		: { rows: [{ n: 0, digest: '0' }] };
	const answersAdded = newAnswers.rows[0].n + oldAnswers.rows[0].n;
	if (answersAdded >= REFRESH_STATS_AFTER) await analyzeSmall(client, 'candidate_answer');
	if (ctx.datasetExisted) await analyzeSmall(client, 'import_answer');
	let runsAdded = 0;
	let judgmentsAdded = 0;
	let annotationsAdded = 0;
	if (ctx.hasVotes) {
		const runs = await client.query(
			`insert into judge_run (project_id, dataset_id, source, name, judge_model, mode, import_id, created_by)
			 select distinct on (run_name, run_mode) $2, $1, 'imported', run_name, run_model, run_mode, $3, $4
			 from import_stage where kind = 'j' order by run_name, run_mode, line
			 on conflict (dataset_id, name, mode) where source = 'imported' do nothing`,
			[ds, pj, imp, ctx.userId]
		);
		runsAdded = runs.rowCount ?? 0;
		await client.query(
			`create temp table import_run on commit drop as
			 select name, mode, id, coalesce(import_id = $2, false) as is_new from judge_run where dataset_id = $1 and source = 'imported'`,
			[ds, imp]
		);
		await analyzeSmall(client, ctx.datasetExisted ? 'import_run' : 'import_run, import_answer');
		const answerJoins = `
			 join import_answer ca on ca.item_key = s.item_key and ca.sys = s.sys_a
			 left join import_answer cb on cb.item_key = s.item_key and cb.sys = s.sys_b`;
		for (const fresh of [true, false]) {
			const judgments = await client.query(
				`insert into judgment (id, run_id, item_id, answer_a_id, answer_b_id, presented_order, sample, verdict, score, preference, raw, import_id, revision)
				 select ${orderedId('n')}, run_id, item_id, answer_a_id, answer_b_id, presented_order, sample, verdict, score, preference, raw, $1, $2
				 from (select r.id as run_id, ca.item_id, ca.id as answer_a_id, cb.id as answer_b_id, s.presented_order,
				              coalesce(s.sample, 0) as sample, s.verdict, s.score, s.preference, s.raw,
				              row_number() over (order by r.id, ca.item_id) as n
				       from import_stage_j s
				       join import_run r on r.name = s.run_name and r.mode = s.run_mode and ${fresh ? '' : 'not'} r.is_new
				       ${answerJoins}) v
				 order by n
				 ${fresh ? '' : 'on conflict do nothing'}`,
				[imp, rev]
			);
			judgmentsAdded += judgments.rowCount ?? 0;
		}
		const annotations = await client.query(
			`insert into annotation (id, project_id, dataset_id, item_id, answer_a_id, answer_b_id, presented_order, external_annotator,
			                         external_key, source, verdict, score, metadata, import_id, revision)
			 select ${orderedId('n')}, $2, $1, item_id, answer_a_id, answer_b_id, presented_order, annotator, external_key, 'imported',
			        verdict, score, metadata, $3, $4
			 from (select ca.item_id, ca.id as answer_a_id, cb.id as answer_b_id, s.presented_order, s.annotator, s.external_key,
			              s.verdict, s.score, coalesce(s.metadata, '{}') as metadata, row_number() over (order by ca.item_id) as n
			       from import_stage_n s
			       ${answerJoins}) v
			 order by n
			 ${ctx.datasetExisted ? 'on conflict do nothing' : ''}`,
			[ds, pj, imp, rev]
		);
		annotationsAdded = annotations.rowCount ?? 0;
	}
	return {
		systemsAdded: systems.rowCount ?? 0,
		itemsAdded: items.rows[0].n,
		itemsDigest: items.rows[0].digest,
		answersAdded,
		answersDigest: (BigInt(newAnswers.rows[0].digest) + BigInt(oldAnswers.rows[0].digest)).toString(),
		referencesAdded: items.rows[0].refs + (refs.rowCount ?? 0),
		judgeRunsAdded: runsAdded,
		judgmentsAdded,
		annotationsAdded
	};
}

/**
 * ANALYZE with a small sample (3,000 rows rather than 30,000): the merge's plans only need
 * the row counts and rough distinct counts (hash join or not), and the full sample of the
 * staging table cost seconds per million staged rows.
 */
async function analyzeSmall(client: pg.ClientBase, tables: string): Promise<void> {
	await client.query(`set local default_statistics_target = 10`);
	await client.query(`analyze ${tables}`);
	await client.query(`reset default_statistics_target`);
}
