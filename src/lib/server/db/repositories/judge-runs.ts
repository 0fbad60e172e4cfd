/**
 * Live judge runs: the run row, its judgment units (set-based, in up to two steps), the claims
 * workers take with FOR UPDATE SKIP LOCKED, batched result writes (with the rendered prompts and
 * the reply cache in the same statement), and the reads behind progress, summary and pages.
 * Only services/judge-runs.ts and services/judge-executor.ts call these.
 */
import { sql, type RawBuilder } from 'kysely';
import { prepared, type Db } from '../client';
import type {
	ChatMessage,
	JsonObject,
	JudgeMode,
	JudgeRunSource,
	JudgeRunStatus,
	JudgmentStatus,
	LlmProvider,
	PresentedOrder,
	Verdict
} from '../schema';

/* ------------------------------------------------------------------ run rows */

export interface NewLiveRun {
	projectId: string;
	datasetId: string;
	name: string;
	judgeModel: string;
	mode: JudgeMode;
	rubricVersionId: string;
	providerId: string;
	providerSnapshot: JsonObject;
	options: JsonObject;
	clonedFrom?: string | null;
	createdBy: string | null;
	/** Set on a gate evaluation: the run judges only this calibration set's answers. */
	calibrationSetId?: string | null;
	/** False when only a first batch of its units goes in with it (migration 0034). */
	unitsPlanned?: boolean;
}

export async function insertLiveRun(db: Db, run: NewLiveRun): Promise<string> {
	const row = await db
		.insertInto('judge_run')
		.values({
			project_id: run.projectId,
			dataset_id: run.datasetId,
			source: 'live',
			name: run.name,
			judge_model: run.judgeModel,
			mode: run.mode,
			rubric_version_id: run.rubricVersionId,
			provider_id: run.providerId,
			provider_snapshot: JSON.stringify(run.providerSnapshot),
			options: JSON.stringify(run.options),
			status: 'queued',
			cloned_from: run.clonedFrom ?? null,
			created_by: run.createdBy,
			calibration_set_id: run.calibrationSetId ?? null,
			units_planned: run.unitsPlanned ?? true
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}

export async function findRun(db: Db, projectId: string, runId: string) {
	return db
		.selectFrom('judge_run')
		.selectAll()
		.where('id', '=', runId)
		.where('project_id', '=', projectId)
		.executeTakeFirst();
}

export async function findRunById(db: Db, runId: string) {
	return db.selectFrom('judge_run').selectAll().where('id', '=', runId).executeTakeFirst();
}

/** Merges keys into the run's metadata (e.g. how many jobs it was spread over). */
export async function setRunMetadata(db: Db, runId: string, fields: JsonObject): Promise<void> {
	await sql`update judge_run set metadata = metadata || ${JSON.stringify(fields)}::jsonb where id = ${runId}`.execute(
		db
	);
}

/** Serialises the jobs of one run around the work they share once (the null-model flags), for a transaction. */
export async function lockRunSetup(db: Db, runId: string): Promise<void> {
	await sql`select pg_advisory_xact_lock(hashtextextended(${`judge-run-setup:${runId}`}, 0))`.execute(db);
}

/** One key of the run's metadata (undefined when absent). */
export async function runMetadataKey(db: Db, runId: string, key: string): Promise<unknown> {
	const { rows } = await sql<{ value: unknown }>`
		select metadata -> ${key} as value from judge_run where id = ${runId}`.execute(db);
	return rows[0]?.value ?? undefined;
}

export async function setRunTotal(db: Db, runId: string, total: number): Promise<void> {
	await db.updateTable('judge_run').set({ total }).where('id', '=', runId).execute();
}

/** Moves a run from one of `from` to `to`; false when it was in none of them. */
export async function transitionRun(
	db: Db,
	runId: string,
	from: JudgeRunStatus[],
	to: JudgeRunStatus,
	fields: { startedAt?: boolean; finishedAt?: boolean | null; error?: string | null } = {}
): Promise<boolean> {
	const result = await db
		.updateTable('judge_run')
		.set((eb) => ({
			status: to,
			...(fields.startedAt ? { started_at: eb.fn.coalesce('started_at', sql<Date>`now()`) } : {}),
			...(fields.finishedAt === true ? { finished_at: sql<Date>`now()` } : {}),
			...(fields.finishedAt === null ? { finished_at: null } : {}),
			...(fields.error !== undefined ? { error: fields.error } : {})
		}))
		.where('id', '=', runId)
		.where('status', 'in', from)
		.executeTakeFirst();
	return Number(result.numUpdatedRows) > 0;
}

export async function runStatus(db: Db, runId: string): Promise<JudgeRunStatus | null> {
	const row = await db.selectFrom('judge_run').select('status').where('id', '=', runId).executeTakeFirst();
	return row?.status ?? null;
}

/**
 * Completes a running run when all its units are in and none of its judgments is pending or
 * running (the last worker out closes it).
 */
export async function completeRunIfDone(db: Db, runId: string): Promise<boolean> {
	const result = await sql`
		update judge_run set status = 'completed', finished_at = now()
		where id = ${runId} and status = 'running' and units_planned
			and not exists (select 1 from judgment where run_id = ${runId} and status in ('pending', 'running'))`.execute(db);
	return Number(result.numAffectedRows ?? 0) > 0;
}

/**
 * A `cancelling` run becomes `cancelled` once none of its judgments is held by a call any more
 * (every job has aborted its calls and handed its claims back). Safe to call from every job's
 * end, the release hook and reads: only the call that finds no claim left moves it.
 */
export async function settleCancel(db: Db, runId: string): Promise<boolean> {
	const result = await sql`
		update judge_run set status = 'cancelled', finished_at = now()
		where id = ${runId} and status = 'cancelling'
			and not exists (select 1 from judgment where run_id = ${runId} and status = 'running')`.execute(db);
	return Number(result.numAffectedRows ?? 0) > 0;
}

export async function findProvider(db: Db, projectId: string, providerId: string): Promise<LlmProvider | undefined> {
	return db
		.selectFrom('llm_provider')
		.selectAll()
		.where('id', '=', providerId)
		.where('project_id', '=', projectId)
		.executeTakeFirst();
}

export async function findRubricVersion(db: Db, projectId: string, versionId: string) {
	return db
		.selectFrom('rubric_version as v')
		.innerJoin('rubric as r', 'r.id', 'v.rubric_id')
		.select(['v.id', 'v.rubric_id', 'v.version', 'v.content', 'v.content_hash', 'v.mode', 'r.name as rubricName'])
		.where('v.id', '=', versionId)
		.where('v.project_id', '=', projectId)
		.executeTakeFirst();
}

export async function findDataset(db: Db, projectId: string, datasetId: string) {
	return db
		.selectFrom('dataset')
		.select(['id', 'name'])
		.where('id', '=', datasetId)
		.where('project_id', '=', projectId)
		.executeTakeFirst();
}

export async function systemIdsOfDataset(db: Db, datasetId: string, systemIds: string[]): Promise<string[]> {
	if (systemIds.length === 0) return [];
	const rows = await db
		.selectFrom('candidate_answer')
		.select('system_id')
		.distinct()
		.where('dataset_id', '=', datasetId)
		.where('system_id', 'in', systemIds)
		.execute();
	return rows.map((r) => r.system_id);
}

/* ------------------------------------------------------------------ units */

export interface UnitSelection {
	runId: string;
	datasetId: string;
	mode: JudgeMode;
	/** 'every': one unit per user turn; 'last': the last turn only. */
	turns: 'last' | 'every';
	samples: number;
	bothOrders: boolean;
	pairing: 'all-pairs' | 'baseline';
	baselineSystemId: string | null;
	systemIds: string[] | null;
	categories: string[] | null;
	sampleItems: number | null;
	sampleSeed: number;
	/** Only the answers of this calibration set (gate evaluations, services/gate.ts). */
	calibrationSetId?: string | null;
}

/** The run's units as rows of (run_id, item_id, answer_a_id, answer_b_id, presented_order, sample, turn, status). */
function unitRows(s: UnitSelection): RawBuilder<unknown> {
	const systems = s.systemIds && s.systemIds.length > 0 ? s.systemIds : null;
	const categories = s.categories && s.categories.length > 0 ? s.categories : null;
	// Items: prompt available, category filter, then a seeded sample (md5 of seed + id orders them).
	const items = sql`
		select i.id, i.turn_count from dataset_item i
		where i.dataset_id = ${s.datasetId} and i.prompt_available
			and (${categories}::text[] is null or i.category = any(${categories}::text[]))
		${s.sampleItems != null ? sql`order by md5(${String(s.sampleSeed)} || i.id::text) limit ${s.sampleItems}::bigint` : sql``}`;
	const setId = s.calibrationSetId ?? null;
	const answers = sql`
		select a.id, a.item_id, a.system_id, y.name as system_name from candidate_answer a
		join system y on y.id = a.system_id
		where a.dataset_id = ${s.datasetId} and a.available
			and (${systems}::uuid[] is null or a.system_id = any(${systems}::uuid[]))
			and (${setId}::uuid is null
				or exists (select 1 from calibration_set_item c where c.set_id = ${setId}::uuid and c.answer_id = a.id)
				or exists (select 1 from calibration_set_pair c
					where c.set_id = ${setId}::uuid and (c.answer_a_id = a.id or c.answer_b_id = a.id)))`;
	const turns =
		s.turns === 'every'
			? sql`generate_series(0, greatest(it.turn_count, 1) - 1)`
			: sql`(select greatest(it.turn_count, 1) - 1)`;
	const orders = s.bothOrders ? sql`(values ('ab'), ('ba'))` : sql`(values ('ab'))`;
	if (s.mode === 'pointwise')
		return sql`
			select ${s.runId}::uuid as run_id, it.id as item_id, a.id as answer_a_id, null::uuid as answer_b_id,
				null::text as presented_order, k.sample, t.turn, 'pending'::text as status
			from (${items}) it
			join (${answers}) a on a.item_id = it.id
			cross join lateral ${turns} as t(turn)
			cross join generate_series(0, ${s.samples - 1}) as k(sample)`;
	// Pairs in answer terms: answer A is the baseline, or the system whose name sorts first.
	// A pairwise calibration set names its pairs, in its own orientation.
	const pairFilter = setId
		? sql`exists (select 1 from calibration_set_pair c
				where c.set_id = ${setId}::uuid and c.answer_a_id = a.id and c.answer_b_id = b.id)`
		: s.pairing === 'baseline'
			? sql`a.system_id = ${s.baselineSystemId} and b.system_id <> a.system_id`
			: sql`(a.system_name, a.system_id) < (b.system_name, b.system_id)`;
	return sql`
		select ${s.runId}::uuid as run_id, it.id as item_id, a.id as answer_a_id, b.id as answer_b_id,
			o.ord::text as presented_order, k.sample, t.turn, 'pending'::text as status
		from (${items}) it
		join (${answers}) a on a.item_id = it.id
		join (${answers}) b on b.item_id = it.id and ${pairFilter}
		cross join lateral ${turns} as t(turn)
		cross join ${orders} as o(ord)
		cross join generate_series(0, ${s.samples - 1}) as k(sample)`;
}

/**
 * Inserts every judgment unit of a run as `pending`, in ONE set-based INSERT … SELECT (no rows
 * through the application). The unique key (run, item, answers, order, sample, turn) makes a
 * repeated call add nothing. Returns the run's unit count.
 */
export async function insertUnits(db: Db, s: UnitSelection): Promise<number> {
	await sql`
		insert into judgment (run_id, item_id, answer_a_id, answer_b_id, presented_order, sample, turn, status)
		${unitRows(s)}
		on conflict do nothing`.execute(db);
	return countUnits(db, s.runId);
}

/**
 * Counts a run's units and inserts the first `limit` of them (any ones), in one statement: a run
 * starts judging these while its jobs insert the rest (insertUnits). Returns the count.
 */
export async function insertFirstUnits(db: Db, s: UnitSelection, limit: number): Promise<number> {
	const { rows } = await sql<{ total: number }>`
		with u as materialized (${unitRows(s)}), first as (
			insert into judgment (run_id, item_id, answer_a_id, answer_b_id, presented_order, sample, turn, status)
			select * from u limit ${limit}::bigint
			on conflict do nothing
		)
		select count(*)::int as total from u`.execute(db);
	return rows[0].total;
}

/** Whether every unit of a run is in (migration 0034). */
export async function unitsPlanned(db: Db, runId: string): Promise<boolean> {
	const row = await db.selectFrom('judge_run').select('units_planned').where('id', '=', runId).executeTakeFirst();
	return row?.units_planned ?? true;
}

/**
 * Takes the lock of a run's unit planning for the current transaction: at once or not at all
 * (`wait` false), or once whoever holds it has committed or died (`wait` true).
 */
export async function lockRunPlanning(db: Db, runId: string, wait: boolean): Promise<boolean> {
	const key = `judge-run-plan:${runId}`;
	if (wait) {
		await sql`select pg_advisory_xact_lock(hashtextextended(${key}, 0))`.execute(db);
		return true;
	}
	const { rows } = await sql<{ ok: boolean }>`
		select pg_try_advisory_xact_lock(hashtextextended(${key}, 0)) as ok`.execute(db);
	return rows[0].ok;
}

/** Every unit is in: the run's total is its real count, and it may complete. */
export async function markUnitsPlanned(db: Db, runId: string, total: number): Promise<void> {
	await db.updateTable('judge_run').set({ units_planned: true, total }).where('id', '=', runId).execute();
}

export async function countUnits(db: Db, runId: string): Promise<number> {
	const row = await db
		.selectFrom('judgment')
		.select((eb) => eb.fn.countAll<number>().as('n'))
		.where('run_id', '=', runId)
		.executeTakeFirstOrThrow();
	return Number(row.n);
}

/** A clone judges exactly the units of its source run (with another provider or rubric version). */
export async function copyUnits(db: Db, fromRunId: string, toRunId: string): Promise<number> {
	await sql`
		insert into judgment (run_id, item_id, answer_a_id, answer_b_id, presented_order, sample, turn, status)
		select ${toRunId}, item_id, answer_a_id, answer_b_id, presented_order, sample, turn, 'pending'
		from judgment where run_id = ${fromRunId}
		on conflict do nothing`.execute(db);
	return countUnits(db, toRunId);
}

/* ------------------------------------------------------------------ claims */

/** A claimed unit with what rendering needs: the item and its answer(s). */
export interface ClaimedUnit {
	id: string;
	itemId: string;
	answerAId: string;
	answerBId: string | null;
	order: PresentedOrder | null;
	sample: number;
	turn: number;
	promptText: string | null;
	conversation: ChatMessage[] | null;
	referenceText: string | null;
	referenceTurns: string[] | null;
	aContent: string | null;
	aTurns: string[] | null;
	bContent: string | null;
	bTurns: string[] | null;
}

/**
 * Claims up to `limit` pending units of a run (and running ones whose claim is older than
 * `staleMs`: their worker is gone) for `claimant`, with FOR UPDATE SKIP LOCKED so concurrent
 * workers never take the same row, and returns them with their item and answers in one statement.
 *
 * Pending rows and stale ones are two scans, the second only when the first came up short: as one
 * OR the planner can only bitmap-scan every index entry of the run's pending and running rows
 * (claimed ones leave dead entries behind until a vacuum) at every claim, which grows with the run.
 * Alone, the pending scan walks judgment_run_status_idx and stops at `limit` rows.
 */
export async function claimUnits(
	db: Db,
	runId: string,
	claimant: string,
	limit: number,
	staleMs: number
): Promise<ClaimedUnit[]> {
	const { rows } = await sql<ClaimedUnit>`${prepared}
		with p as (
			select id from judgment
			where run_id = ${runId}::uuid and status = 'pending'
			limit ${limit}::int
			for update skip locked
		), s as (
			select id from judgment
			where run_id = ${runId}::uuid and status = 'running'
				and claimed_at < now() - make_interval(secs => ${staleMs / 1000}::float8)
			limit greatest(0, ${limit}::int - (select count(*) from p))
			for update skip locked
		), u as (
			update judgment j set status = 'running', claimed_by = ${claimant}::text, claimed_at = now()
			from (select id from p union all select id from s) c where j.id = c.id
			returning j.id, j.item_id, j.answer_a_id, j.answer_b_id, j.presented_order, j.sample, j.turn
		)
		select u.id, u.item_id as "itemId", u.answer_a_id as "answerAId", u.answer_b_id as "answerBId",
			u.presented_order as "order", u.sample, u.turn,
			i.prompt_text as "promptText", i.conversation, i.reference_text as "referenceText",
			i.reference_turns as "referenceTurns",
			a.content as "aContent", a.turns as "aTurns", b.content as "bContent", b.turns as "bTurns"
		from u
		join dataset_item i on i.id = u.item_id
		join candidate_answer a on a.id = u.answer_a_id
		left join candidate_answer b on b.id = u.answer_b_id`.execute(db);
	return rows;
}

/** Hands claims back (a cancelled run, a stopping worker): the rows are pending again. */
export async function releaseClaims(db: Db, runId: string, claimant: string, ids?: string[]): Promise<number> {
	let q = db
		.updateTable('judgment')
		.set({ status: 'pending', claimed_by: null, claimed_at: null })
		.where('run_id', '=', runId)
		.where('status', '=', 'running')
		.where('claimed_by', '=', claimant);
	if (ids) {
		if (ids.length === 0) return 0;
		q = q.where('id', 'in', ids);
	}
	const result = await q.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

/** Claims of one job on any worker (`job:<id>@…`) back to pending: that job's earlier attempt is dead. */
export async function releaseClaimsByPrefix(db: Db, runId: string, prefix: string): Promise<number> {
	const result = await db
		.updateTable('judgment')
		.set({ status: 'pending', claimed_by: null, claimed_at: null })
		.where('run_id', '=', runId)
		.where('status', '=', 'running')
		.where('claimed_by', 'like', `${prefix.replace(/[\\%_]/g, '\\$&')}%`)
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

/** Every running row of a run back to pending (cancel of a run whose workers are gone). */
export async function releaseAllClaims(db: Db, runId: string): Promise<number> {
	const result = await db
		.updateTable('judgment')
		.set({ status: 'pending', claimed_by: null, claimed_at: null })
		.where('run_id', '=', runId)
		.where('status', '=', 'running')
		.executeTakeFirst();
	return Number(result.numUpdatedRows);
}

/** Failed rows whose error a later try may cure (rate limits, timeouts …) go back to pending. */
export async function requeueRetryableFailures(db: Db, runId: string): Promise<number> {
	const result = await sql`
		update judgment set status = 'pending', error = null, claimed_by = null, claimed_at = null, finished_at = null
		where run_id = ${runId} and status = 'failed' and (raw -> 'error' ->> 'retryable')::boolean`.execute(db);
	return Number(result.numAffectedRows ?? 0);
}

/* ------------------------------------------------------------------ results */

export interface UnitResult {
	id: string;
	status: Exclude<JudgmentStatus, 'pending' | 'running'>;
	verdict: Verdict | null;
	score: number | null;
	preference: number | null;
	criteria: Record<string, number> | null;
	/** Category rubrics: the judge's category (the analysis reads it; `raw` keeps it too). */
	category: string | null;
	flags: unknown;
	raw: unknown;
	error: string | null;
	promptHash: string | null;
	replyKey: string | null;
	inputTokens: number | null;
	outputTokens: number | null;
	cost: number | null;
	latencyMs: number | null;
	attempts: number | null;
	cached: boolean;
}

export interface PromptRow {
	hash: string;
	messages: ChatMessage[];
	/** JSON of `messages` when the caller has it already (the renderer's canonical JSON): not serialised again. */
	messagesJson?: string;
}

/**
 * The prompt rows as one JSON array, reusing each row's messages JSON when it has one, as a
 * jsonb parameter in binary form (version byte 1, then the UTF-8 text: what jsonb_recv reads).
 *
 * Not one string: a batch of 64 bench prompts (3.4 KB each) is a string of ≈ 260 KB, past V8's
 * regular-object limit, and building it cost ≈ 50 us of worker CPU per prompt (large object
 * space) against < 1 us below that size. Here the pieces are written straight into one buffer
 * (off the V8 heap), sized first; pg sends a Buffer parameter as it is, in binary format.
 */
function promptsJsonb(prompts: PromptRow[]): Buffer {
	const heads: string[] = [];
	const bodies: string[] = [];
	let size = 3; // version byte, '[' and ']'
	for (let i = 0; i < prompts.length; i++) {
		const p = prompts[i];
		const head = `${i === 0 ? '' : ','}{"hash":${JSON.stringify(p.hash)},"messages":`;
		const body = p.messagesJson ?? JSON.stringify(p.messages);
		heads.push(head);
		bodies.push(body);
		size += Buffer.byteLength(head) + Buffer.byteLength(body) + 1; // + '}'
	}
	const out = Buffer.allocUnsafe(size);
	out[0] = 1;
	out[1] = 0x5b; // [
	let at = 2;
	for (let i = 0; i < heads.length; i++) {
		at += out.write(heads[i], at);
		at += out.write(bodies[i], at);
		out[at++] = 0x7d; // }
	}
	out[at++] = 0x5d; // ]
	return out;
}

export interface CacheRow {
	key: string;
	reply: string;
	inputTokens: number | null;
	outputTokens: number | null;
	cost: number | null;
	latencyMs: number | null;
	model: string | null;
	finishReason: string | null;
	structured: boolean;
}

/**
 * Writes a batch of results in ONE statement: new prompts and cache entries (insert … on conflict
 * do nothing) and the judgments, each only while still claimed by `claimant` (a claim taken over
 * after it went stale is not overwritten). Returns the judgments written.
 */
export async function writeResults(
	db: Db,
	projectId: string,
	datasetId: string,
	claimant: string,
	results: UnitResult[],
	prompts: PromptRow[],
	cache: CacheRow[]
): Promise<number> {
	const { rows } = await sql<{ n: number }>`${prepared}
		with p as (
			insert into judge_prompt (project_id, hash, messages)
			select ${projectId}, r.hash, r.messages from jsonb_to_recordset(${promptsJsonb(prompts)}::jsonb)
				as r(hash text, messages jsonb)
			on conflict do nothing
		), c as (
			insert into llm_reply_cache (project_id, key, reply, input_tokens, output_tokens, cost, latency_ms, model,
				finish_reason, structured)
			select ${projectId}, r.key, r.reply, r."inputTokens", r."outputTokens", r.cost, r."latencyMs", r.model,
				r."finishReason", r.structured
			from jsonb_to_recordset(${JSON.stringify(cache)}::jsonb) as r(key text, reply text, "inputTokens" int,
				"outputTokens" int, cost numeric, "latencyMs" int, model text, "finishReason" text, structured boolean)
			on conflict do nothing
		), w as (
			update judgment j set status = r.status, verdict = r.verdict, score = r.score, preference = r.preference,
				criteria = r.criteria, category = r.category, flags = r.flags, raw = r.raw, error = r.error, prompt_hash = r."promptHash",
				reply_key = r."replyKey", input_tokens = r."inputTokens", output_tokens = r."outputTokens", cost = r.cost,
				latency_ms = r."latencyMs", attempts = r.attempts, cached = r.cached, finished_at = now()
			from jsonb_to_recordset(${JSON.stringify(results)}::jsonb) as r(id uuid, status text, verdict text,
				score numeric, preference numeric, criteria jsonb, category text, flags jsonb, raw jsonb, error text, "promptHash" text,
				"replyKey" text, "inputTokens" int, "outputTokens" int, cost numeric, "latencyMs" int, attempts int,
				cached boolean)
			-- The claim is checked per row, found by its id: written as a plain "status = 'running'",
			-- the planner may instead scan every running row (judgment_run_status_idx, dead entries
			-- included) and join each to the whole batch, which grows with the slots of every job.
			where j.id = r.id and (j.status = 'running') is true and j.claimed_by = ${claimant}::text
			returning j.status
		), d as (
			-- The dataset's judgment count (its card) counts 'ok' verdicts, imported or live. It moves
			-- in the statement that makes them 'ok', from the rows this statement really changed: a row
			-- turns 'ok' only here, once (only from 'running' under this claim), and nothing turns an
			-- 'ok' row back (cancel and a dead worker's release touch 'running' rows, resume 'failed'
			-- ones, a clone inserts 'pending' ones). So concurrent jobs, cancel, resume and clone keep
			-- it exact, and a statement that rolls back takes its increment with it. Counting at read
			-- time instead would scan every judgment of a dataset for each card of the datasets list.
			update dataset set judgment_count = judgment_count + (select count(*) from w where status = 'ok')
			where id = ${datasetId} and exists (select 1 from w where status = 'ok')
		)
		select count(*)::int as n from w`.execute(db);
	return rows[0]?.n ?? 0;
}

/**
 * The cached replies among `keys`. One primary-key probe per key: the LIMIT 1 keeps each lateral
 * lookup a subquery of its own, so the planner cannot turn the batch into a scan of every cached
 * reply of the project filtered by key (which it picks when its statistics think the project has
 * few, e.g. while a run is filling the cache, and which then grows with the cache).
 */
export async function findCachedReplies(db: Db, projectId: string, keys: string[]): Promise<CacheRow[]> {
	if (keys.length === 0) return [];
	const { rows } = await sql<CacheRow>`${prepared}
		select c.key, c.reply, c.input_tokens as "inputTokens", c.output_tokens as "outputTokens",
			c.cost::float8 as cost, c.latency_ms as "latencyMs", c.model, c.finish_reason as "finishReason", c.structured
		from unnest(${keys}::text[]) as k(key)
		cross join lateral (
			select * from llm_reply_cache c where c.project_id = ${projectId}::uuid and c.key = k.key limit 1
		) c`.execute(db);
	return rows;
}

/**
 * Every character `\s` may match (ASCII and Unicode spaces, line and paragraph separators) and a
 * few invisible ones: removed entirely by the coarse key below. More than `\s` matches only makes
 * that key coarser, never wrong.
 */
const WHITESPACE =
	' \t\n\r\f\v\u0085\u00a0\u1680\u180e\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u200b\u2028\u2029\u202f\u205f\u3000\ufeff';
/** The part of WHITESPACE an ASCII-only text can contain. */
const ASCII_WHITESPACE = ' \t\n\r\f\v';

/** `expression` with every one of `chars` removed: nested replace(…, c, ''). */
function withoutChars(expression: RawBuilder<string>, chars: string): RawBuilder<string> {
	let out = expression;
	for (const c of chars) out = sql<string>`replace(${out}, ${c}, '')`;
	return out;
}

/**
 * Candidates for the null-model attack: answers of the dataset whose normalised text (NFKC,
 * lower case, collapsed whitespace, ≥ `minChars`) is shared by answers to ≥ `minItems` items.
 * The pure flagNullModel then words the flag; this only narrows the answers it has to read.
 *
 * NFKC and two regular expressions over every answer cost seconds on a large dataset, and every
 * job of a run asks at its start. So a cheap coarse key comes first: lower case of the NFKC form
 * (taken only for non-ASCII texts, which NFKC leaves alone otherwise) with all whitespace removed
 * rather than collapsed. Texts equal after the exact normalisation have equal keys, so only the
 * answers whose key is shared by ≥ `minItems` items (usually none) are normalised exactly.
 *
 * The whitespace goes by one `replace` per character: `translate` with this set walks the set
 * character by character for every character of the text (≈ 0.2 ms per 500-character answer, ten
 * times the replaces), and this runs while the run's first calls are out, on the same cores. An
 * ASCII text can hold only the six ASCII spaces, so it takes six replaces; the rest take them all.
 */
export async function nullModelCandidates(db: Db, datasetId: string, minItems: number, minChars: number) {
	const { rows } = await sql<{ id: string; itemId: string; text: string }>`
		with t as (
			select a.id, a.item_id,
				coalesce(a.content, array_to_string(array(select jsonb_array_elements_text(a.turns)), E'\n')) as text
			from candidate_answer a where a.dataset_id = ${datasetId} and a.available
		), k as (
			select id, item_id, text,
				md5(case when text ~ '[^\\x01-\\x7f]' then ${withoutChars(sql`lower(normalize(text, NFKC))`, WHITESPACE)}
					else ${withoutChars(sql`lower(text)`, ASCII_WHITESPACE)} end) as ck
			from t
		), kc as (
			select ck from k group by ck having count(distinct item_id) >= ${minItems}
		), n as (
			select id, item_id, text, md5(btrim(regexp_replace(lower(normalize(text, NFKC)), '\\s+', ' ', 'g'))) as h
			from k join kc using (ck) where length(btrim(regexp_replace(text, '\\s+', ' ', 'g'))) >= ${minChars}
		), g as (
			select h from n group by h having count(distinct item_id) >= ${minItems}
		)
		select n.id, n.item_id as "itemId", n.text from n join g using (h)`.execute(db);
	return rows;
}

/* ------------------------------------------------------------------ reads */

export interface ProgressRow {
	total: number;
	pending: number;
	running: number;
	ok: number;
	abstained: number;
	unparseable: number;
	failed: number;
	inputTokens: number;
	outputTokens: number;
	cost: number;
	latencyMs: number;
	timed: number;
}

/** Counts by status and token/cost sums of one run (index judgment_run_status_idx). */
export async function runProgress(db: Db, runId: string): Promise<ProgressRow> {
	const { rows } = await sql<ProgressRow>`
		select count(*)::int as total,
			count(*) filter (where status = 'pending')::int as pending,
			count(*) filter (where status = 'running')::int as running,
			count(*) filter (where status = 'ok')::int as ok,
			count(*) filter (where status = 'abstained')::int as abstained,
			count(*) filter (where status = 'unparseable')::int as unparseable,
			count(*) filter (where status = 'failed')::int as failed,
			coalesce(sum(input_tokens), 0)::float8 as "inputTokens",
			coalesce(sum(output_tokens), 0)::float8 as "outputTokens",
			coalesce(sum(cost), 0)::float8 as cost,
			coalesce(sum(latency_ms) filter (where not coalesce(cached, false)), 0)::float8 as "latencyMs",
			count(latency_ms) filter (where not coalesce(cached, false))::int as timed
		from judgment where run_id = ${runId}`.execute(db);
	return rows[0];
}

export interface RunListRow {
	id: string;
	name: string;
	source: JudgeRunSource;
	mode: JudgeMode;
	status: JudgeRunStatus | null;
	judgeModel: string | null;
	datasetId: string;
	datasetName: string;
	total: number;
	judgments: number;
	done: number;
	failed: number;
	/** Sum of the judgments' costs; null when none has a price. */
	cost: number | null;
	rubricName: string | null;
	rubricVersion: number | null;
	providerSnapshot: JsonObject | null;
	createdAt: Date;
	startedAt: Date | null;
	finishedAt: Date | null;
}

export async function listRuns(db: Db, projectId: string, datasetId?: string): Promise<RunListRow[]> {
	const { rows } = await sql<RunListRow>`
		select r.id, r.name, r.source, r.mode, r.status, r.judge_model as "judgeModel", r.dataset_id as "datasetId",
			d.name as "datasetName", r.total, c.judgments, c.done, c.failed, c.cost,
			rb.name as "rubricName", v.version as "rubricVersion", r.provider_snapshot as "providerSnapshot",
			r.created_at as "createdAt", r.started_at as "startedAt", r.finished_at as "finishedAt"
		from judge_run r
		join dataset d on d.id = r.dataset_id
		left join rubric_version v on v.id = r.rubric_version_id
		left join rubric rb on rb.id = v.rubric_id
		cross join lateral (
			select count(*)::int as judgments,
				count(*) filter (where status not in ('pending', 'running'))::int as done,
				count(*) filter (where status in ('failed', 'unparseable'))::int as failed,
				sum(cost)::float8 as cost
			from judgment j where j.run_id = r.id
		) c
		where r.project_id = ${projectId} and (${datasetId ?? null}::uuid is null or r.dataset_id = ${datasetId ?? null})
		order by r.created_at desc, r.id`.execute(db);
	return rows;
}

/** What the summary needs to know of the rubric to aggregate samples the way lib/judging does. */
export interface SummarySpec {
	pairwise: boolean;
	/** Category rubrics: the categories in rubric order (the tie-break of a split majority). */
	categories: string[];
	/** Criteria with their scales and red lines (overall score from criterion means, red-line failures). */
	criteria: { id: string; min: number; max: number; redLine: boolean; passMin: number | null }[];
	/** The overall scale of a score rubric; [0, 1] otherwise (as overallFromCriteria maps). */
	scale: { min: number; max: number };
	/** Score after a failed red line: the scale minimum on score rubrics, else null (the score stands). */
	redLineFloor: number | null;
}

/** Per system: counts, tokens, time, and the aggregated outcomes; run-level figures repeated on each row. */
export interface SummarySystemRow {
	systemId: string | null;
	systemName: string | null;
	judgments: number;
	ok: number;
	abstained: number;
	unparseable: number;
	failed: number;
	pending: number;
	inputTokens: number;
	outputTokens: number;
	cost: number;
	latencyMs: number | null;
	timedItems: number;
	meanScore: number | null;
	redLineFailures: number;
	categories: Record<string, number> | null;
	wins: number;
	losses: number;
	ties: number;
	inconsistentPairs: number;
	/** Run level: ok units with k ≥ 2 samples, and those whose samples all agree. */
	sampledUnits: number;
	unanimousUnits: number;
	runInconsistentPairs: number;
	pairsBothOrders: number;
}

/**
 * The run summary computed in PostgreSQL (GROUP BY, nothing per judgment leaves the database), with
 * the semantics of lib/judging's aggregateSamples and combineOrders, which services/judge-summary.ts
 * applies to the same rows in memory (the integration test holds the two equal):
 *
 *   unit = (item, answers, order, turn); its samples are the run's terminal rows of that unit. A
 *   sample is valid when 'ok' with a verdict, else a score, else a category. A unit is ok when it
 *   has a valid sample and no more abstentions than valid samples.
 *   score units: raw = overall from the criterion means (all criteria present: mean over criteria
 *   of the mean mapped onto the overall scale) or the mean score; a red-line criterion whose mean
 *   is below passMin fails the unit (score → the scale minimum); unanimous when min = max.
 *   label units: the majority label; a split is a tie (pairwise) or the first in rubric order;
 *   unanimous when one label only.
 *   pairs: the ab and ba labels of one (item, answers, turn); agreeing stand, disagreeing are a tie
 *   marked inconsistent, one alone stands.
 */
export async function summaryAggregates(db: Db, runId: string, spec: SummarySpec): Promise<SummarySystemRow[]> {
	const NIL = '00000000-0000-0000-0000-000000000000';
	const { rows } = await sql<SummarySystemRow>`
		with crit as (
			select * from jsonb_to_recordset(${JSON.stringify(spec.criteria)}::jsonb)
				as c(id text, min float8, max float8, "redLine" boolean, "passMin" float8)
		), r as materialized (
			select j.item_id, j.answer_a_id, coalesce(j.answer_b_id, ${NIL}::uuid) as answer_b_id,
				coalesce(j.presented_order, 'ab') as ord, j.turn, j.status, j.verdict, j.score::float8 as score, j.criteria,
				case when j.status = 'ok' and j.verdict is null and j.score is null then j.category end as category,
				case when j.status <> 'ok' then null when j.verdict is not null then 'v' when j.score is not null then 's'
					when j.category is not null then 'c' end as kind
			from judgment j
			where j.run_id = ${runId} and j.status not in ('pending', 'running')
		), u as (
			select item_id, answer_a_id, answer_b_id, ord, turn,
				count(*) as n, count(kind) as valid, count(*) filter (where status = 'abstained') as abstained,
				count(*) filter (where kind = 's') as nscores,
				avg(score) filter (where kind = 's') as mean_score,
				min(score) filter (where kind = 's') = max(score) filter (where kind = 's') as scores_agree
			from r group by item_id, answer_a_id, answer_b_id, ord, turn
		), uok as (
			select * from u where valid > 0 and abstained <= valid
		), cm as (
			select r.item_id, r.answer_a_id, r.answer_b_id, r.ord, r.turn, c.id, c.min, c.max, c."redLine", c."passMin",
				avg((r.criteria ->> c.id)::float8) as mean
			from r join crit c on r.criteria ? c.id
			where r.kind = 's'
			group by r.item_id, r.answer_a_id, r.answer_b_id, r.ord, r.turn, c.id, c.min, c.max, c."redLine", c."passMin"
		), cu as (
			select item_id, answer_a_id, answer_b_id, ord, turn, count(*) as ncrit,
				avg(${spec.scale.min}::float8 + (mean - min) / (max - min) * (${spec.scale.max}::float8 - ${spec.scale.min}::float8))
					as overall,
				bool_or("redLine" and "passMin" is not null and mean < "passMin") as red_fail
			from cm group by item_id, answer_a_id, answer_b_id, ord, turn
		), su as (
			select uok.answer_a_id, uok.n, uok.scores_agree as unanimous, coalesce(cu.red_fail, false) as red_fail,
				case when ${spec.criteria.length}::int > 0 and coalesce(cu.ncrit, 0) = ${spec.criteria.length}::int
					then cu.overall else uok.mean_score end as raw_score
			from uok left join cu using (item_id, answer_a_id, answer_b_id, ord, turn)
			where uok.nscores > 0
		), v as (
			select item_id, answer_a_id, answer_b_id, ord, turn, coalesce(verdict, category) as label, count(*) as votes
			from r where kind in ('v', 'c')
			group by item_id, answer_a_id, answer_b_id, ord, turn, coalesce(verdict, category)
		), vr as (
			select v.*, max(votes) over w as top, count(*) over w as nlabels
			from v window w as (partition by item_id, answer_a_id, answer_b_id, ord, turn)
		), lu as (
			select vr.item_id, vr.answer_a_id, vr.answer_b_id, vr.ord, vr.turn, max(uok.n) as n,
				case when count(*) = 1 then min(vr.label) when ${spec.pairwise} then 'tie'
					else (array_agg(vr.label order by coalesce(array_position(${spec.categories}::text[], vr.label), 0)))[1]
				end as label,
				count(*) = 1 and max(vr.nlabels) = 1 as unanimous
			from vr join uok using (item_id, answer_a_id, answer_b_id, ord, turn)
			where vr.votes = vr.top and uok.nscores = 0
			group by vr.item_id, vr.answer_a_id, vr.answer_b_id, vr.ord, vr.turn
		), pairs as (
			select item_id, answer_a_id, answer_b_id, turn,
				max(label) filter (where ord = 'ab') as f, max(label) filter (where ord = 'ba') as b
			from lu where ${spec.pairwise} and answer_b_id <> ${NIL}::uuid
			group by item_id, answer_a_id, answer_b_id, turn
		), pv as (
			select answer_a_id, answer_b_id,
				case when f is not null and b is not null and f <> b then 'tie' else coalesce(f, b) end as verdict,
				(f is not null and b is not null and f <> b) as inconsistent,
				(f is not null and b is not null) as both_orders
			from pairs
		), pt as (
			select s.system_id,
				count(*) filter (where s.side = pv.verdict) as wins,
				count(*) filter (where pv.verdict in ('A', 'B') and s.side <> pv.verdict) as losses,
				count(*) filter (where pv.verdict = 'tie') as ties,
				count(*) filter (where pv.inconsistent) as inconsistent
			from pv
			join candidate_answer a on a.id = pv.answer_a_id
			join candidate_answer b on b.id = pv.answer_b_id
			cross join lateral (values (a.system_id, 'A'), (b.system_id, 'B')) as s(system_id, side)
			where pv.verdict is not null
			group by s.system_id
		), ps as (
			select a.system_id,
				avg(case when su.red_fail then coalesce(${spec.redLineFloor}::float8, su.raw_score) else su.raw_score end)
					as mean_score,
				count(*) filter (where su.red_fail) as red_line_failures
			from su join candidate_answer a on a.id = su.answer_a_id
			where not ${spec.pairwise}
			group by a.system_id
		), pc as (
			select system_id, jsonb_object_agg(label, n) as categories from (
				select a.system_id, lu.label, count(*) as n
				from lu join candidate_answer a on a.id = lu.answer_a_id
				where not ${spec.pairwise}
				group by a.system_id, lu.label
			) x group by system_id
		), sc as (
			select s.system_id, count(*) as judgments,
				count(*) filter (where j.status = 'ok') as ok,
				count(*) filter (where j.status = 'abstained') as abstained,
				count(*) filter (where j.status = 'unparseable') as unparseable,
				count(*) filter (where j.status = 'failed') as failed,
				count(*) filter (where j.status in ('pending', 'running')) as pending,
				coalesce(sum(j.input_tokens), 0) as input_tokens, coalesce(sum(j.output_tokens), 0) as output_tokens,
				coalesce(sum(j.cost), 0) as cost, sum(j.latency_ms) as latency_ms,
				count(distinct j.item_id) filter (where j.latency_ms is not null) as timed_items
			from judgment j
			join candidate_answer a on a.id = j.answer_a_id
			left join candidate_answer b on b.id = j.answer_b_id
			cross join lateral (values (a.system_id), (b.system_id)) as s(system_id)
			where j.run_id = ${runId} and s.system_id is not null
			group by s.system_id
		), rl as (
			select
				(select count(*) from su where n >= 2) + (select count(*) from lu where n >= 2) as sampled,
				(select count(*) from su where n >= 2 and unanimous) + (select count(*) from lu where n >= 2 and unanimous)
					as unanimous,
				(select count(*) from pv where inconsistent) as inconsistent,
				(select count(*) from pv where both_orders) as both_orders
		)
		select sc.system_id as "systemId", y.name as "systemName",
			coalesce(sc.judgments, 0)::int as judgments, coalesce(sc.ok, 0)::int as ok,
			coalesce(sc.abstained, 0)::int as abstained, coalesce(sc.unparseable, 0)::int as unparseable,
			coalesce(sc.failed, 0)::int as failed, coalesce(sc.pending, 0)::int as pending,
			coalesce(sc.input_tokens, 0)::float8 as "inputTokens", coalesce(sc.output_tokens, 0)::float8 as "outputTokens",
			coalesce(sc.cost, 0)::float8 as cost, sc.latency_ms::float8 as "latencyMs",
			coalesce(sc.timed_items, 0)::int as "timedItems",
			ps.mean_score::float8 as "meanScore", coalesce(ps.red_line_failures, 0)::int as "redLineFailures",
			pc.categories, coalesce(pt.wins, 0)::int as wins, coalesce(pt.losses, 0)::int as losses,
			coalesce(pt.ties, 0)::int as ties, coalesce(pt.inconsistent, 0)::int as "inconsistentPairs",
			rl.sampled::int as "sampledUnits", rl.unanimous::int as "unanimousUnits",
			rl.inconsistent::int as "runInconsistentPairs", rl.both_orders::int as "pairsBothOrders"
		from rl
		left join sc on true
		left join system y on y.id = sc.system_id
		left join ps on ps.system_id = sc.system_id
		left join pc on pc.system_id = sc.system_id
		left join pt on pt.system_id = sc.system_id`.execute(db);
	return rows;
}

export async function flaggedAnswerCount(db: Db, runId: string): Promise<number> {
	const { rows } = await sql<{ n: number }>`
		select count(distinct x.answer_id)::int as n from (
			select answer_a_id as answer_id from judgment
				where run_id = ${runId} and jsonb_array_length(coalesce(flags -> 0, '[]'::jsonb)) > 0
			union
			select answer_b_id from judgment
				where run_id = ${runId} and answer_b_id is not null and jsonb_array_length(coalesce(flags -> 1, '[]'::jsonb)) > 0
		) x`.execute(db);
	return rows[0]?.n ?? 0;
}

export interface JudgmentPageRow {
	id: string;
	itemId: string;
	itemExternalId: string;
	promptExcerpt: string | null;
	answerAId: string;
	answerBId: string | null;
	systemAId: string;
	systemAName: string;
	systemBId: string | null;
	systemBName: string | null;
	order: PresentedOrder | null;
	sample: number;
	turn: number;
	status: JudgmentStatus;
	verdict: Verdict | null;
	score: number | null;
	preference: number | null;
	criteria: Record<string, number> | null;
	error: string | null;
	flags: unknown;
	raw: unknown;
	inputTokens: number | null;
	outputTokens: number | null;
	cost: number | null;
	latencyMs: number | null;
	attempts: number | null;
	cached: boolean | null;
	promptHash: string | null;
	finishedAt: Date | null;
}

export interface JudgmentPageQuery {
	runId: string;
	after: string | null;
	limit: number;
	status: JudgmentStatus | null;
	systemId: string | null;
	flaggedOnly: boolean;
}

/** A keyset page (by judgment id) of one run's judgments. */
export async function judgmentPage(db: Db, q: JudgmentPageQuery): Promise<JudgmentPageRow[]> {
	const { rows } = await sql<JudgmentPageRow>`
		select j.id, j.item_id as "itemId", i.external_id as "itemExternalId",
			left(coalesce(i.prompt_text, (select m ->> 'content' from jsonb_array_elements(i.conversation) m
				where m ->> 'role' = 'user' limit 1)), 200) as "promptExcerpt",
			j.answer_a_id as "answerAId", j.answer_b_id as "answerBId",
			a.system_id as "systemAId", sa.name as "systemAName", b.system_id as "systemBId", sb.name as "systemBName",
			j.presented_order as "order", j.sample, j.turn, j.status, j.verdict, j.score::float8 as score,
			j.preference::float8 as preference, j.criteria, j.error, j.flags, j.raw,
			j.input_tokens as "inputTokens", j.output_tokens as "outputTokens", j.cost::float8 as cost,
			j.latency_ms as "latencyMs", j.attempts, j.cached, j.prompt_hash as "promptHash", j.finished_at as "finishedAt"
		from judgment j
		join dataset_item i on i.id = j.item_id
		join candidate_answer a on a.id = j.answer_a_id
		join system sa on sa.id = a.system_id
		left join candidate_answer b on b.id = j.answer_b_id
		left join system sb on sb.id = b.system_id
		where j.run_id = ${q.runId}
			and (${q.after}::uuid is null or j.id > ${q.after}::uuid)
			and (${q.status}::text is null or j.status = ${q.status})
			and (${q.systemId}::uuid is null or a.system_id = ${q.systemId}::uuid or b.system_id = ${q.systemId}::uuid)
			and (not ${q.flaggedOnly} or j.flags is not null)
		order by j.id
		limit ${q.limit}`.execute(db);
	return rows;
}

export async function findJudgmentPrompt(db: Db, projectId: string, runId: string, judgmentId: string) {
	const { rows } = await sql<{
		id: string;
		promptHash: string | null;
		messages: ChatMessage[] | null;
		raw: unknown;
		status: JudgmentStatus;
		error: string | null;
	}>`
		select j.id, j.prompt_hash as "promptHash", p.messages, j.raw, j.status, j.error
		from judgment j
		left join judge_prompt p on p.project_id = ${projectId} and p.hash = j.prompt_hash
		where j.id = ${judgmentId} and j.run_id = ${runId}`.execute(db);
	return rows[0];
}

/** Live pools (recent heartbeat): how many worker processes a new run can spread over. */
export async function liveWorkerPools(db: Db, aliveWithinMs: number): Promise<number> {
	const { rows } = await sql<{ n: number }>`
		select count(*)::int as n from worker_heartbeat
		where beat_at > now() - make_interval(secs => ${aliveWithinMs / 1000})`.execute(db);
	return rows[0]?.n ?? 0;
}
