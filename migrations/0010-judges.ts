import { sql, type Kysely } from 'kysely';

/**
 * Live judging: rubrics with immutable versions, LLM providers, rendered prompts stored once by
 * hash, a reply cache shared across runs, and the columns a live run and its judgments need.
 *
 * - `rubric` is the editable name; every save is a new `rubric_version` row whose `content` (a
 *   RubricContent, src/lib/judging/rubric-schema.ts) never changes: a trigger refuses updates, so
 *   "a version in use can't change" holds for every writer, not only the service.
 * - `llm_provider` holds an endpoint and its defaults. The key is an env var NAME or an
 *   AES-256-GCM ciphertext (llm/secrets.ts), never clear text. A run copies the provider's
 *   settings (without the key) into `judge_run.provider_snapshot`, so editing a provider later
 *   does not rewrite history.
 * - `judge_prompt` stores each distinct rendered message list once per project; judgments point
 *   at it by `prompt_hash`.
 * - `llm_reply_cache` keys a finished reply by (base URL, model, messages, parameters, sample
 *   index), hashed; a re-run, a resume or a clone hits it instead of calling the model again.
 * - `judgment.status` makes every judgment terminal-or-not: live runs insert `pending` rows up
 *   front (one per run × item × answers × order × sample × turn, under the unique key, so nothing
 *   is judged twice) and workers claim them. Imported rows are `ok`.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('rubric')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('created_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('archived_at', 'timestamptz')
		.addUniqueConstraint('rubric_project_name_key', ['project_id', 'name'])
		.execute();

	await db.schema
		.createTable('rubric_version')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('rubric_id', 'uuid', (c) => c.notNull().references('rubric.id').onDelete('cascade'))
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('version', 'integer', (c) => c.notNull().check(sql`version >= 1`))
		.addColumn('content', 'jsonb', (c) => c.notNull())
		// sha256 of the canonical JSON of `content` (src/lib/judging/content-hash.ts).
		.addColumn('content_hash', 'text', (c) => c.notNull())
		.addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('pairwise', 'pointwise')`))
		.addColumn('note', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('created_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('rubric_version_number_key', ['rubric_id', 'version'])
		.execute();
	await db.schema
		.createIndex('rubric_version_hash_idx')
		.on('rubric_version')
		.columns(['project_id', 'content_hash'])
		.execute();
	await sql`
		create function rubric_version_immutable() returns trigger language plpgsql as $$
		begin
			raise exception 'rubric_version % is immutable: save a new version instead', old.id
				using errcode = 'check_violation';
		end $$`.execute(db);
	await sql`
		create trigger rubric_version_no_update before update on rubric_version
		for each row execute function rubric_version_immutable()`.execute(db);

	await db.schema
		.createTable('llm_provider')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('name', 'text', (c) => c.notNull())
		// `simulated` is the built-in judge that needs no model (judging/simulate.ts).
		.addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('openai-compatible', 'azure', 'simulated')`))
		.addColumn('base_url', 'text', (c) => c.notNull().defaultTo(''))
		.addColumn('model', 'text', (c) => c.notNull())
		.addColumn('azure_api_version', 'text')
		// At most one source for the key; both null = a local server that needs none.
		.addColumn('api_key_env', 'text')
		.addColumn('api_key_encrypted', 'text')
		.addColumn('supports_json_schema', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('stream', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('temperature', 'double precision')
		.addColumn('max_tokens', 'integer')
		.addColumn('seed', 'integer')
		.addColumn('concurrency', 'integer', (c) =>
			c
				.notNull()
				.defaultTo(4)
				.check(sql`concurrency between 1 and 1024`)
		)
		.addColumn('requests_per_minute', 'integer')
		.addColumn('tokens_per_minute', 'integer')
		.addColumn('price_input_per_million', 'numeric')
		.addColumn('price_output_per_million', 'numeric')
		.addColumn('timeout_ms', 'integer', (c) => c.notNull().defaultTo(120000))
		// Simulated provider: position bias, length bias, noise, seed (SimulatedJudgeConfig).
		.addColumn('simulation', 'jsonb')
		.addColumn('created_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('archived_at', 'timestamptz')
		.addUniqueConstraint('llm_provider_project_name_key', ['project_id', 'name'])
		.addCheckConstraint('llm_provider_one_key_source', sql`api_key_env is null or api_key_encrypted is null`)
		.execute();

	await db.schema
		.createTable('judge_prompt')
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('hash', 'text', (c) => c.notNull())
		.addColumn('messages', 'jsonb', (c) => c.notNull())
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('judge_prompt_pkey', ['project_id', 'hash'])
		.execute();

	await db.schema
		.createTable('llm_reply_cache')
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('key', 'text', (c) => c.notNull())
		.addColumn('reply', 'text', (c) => c.notNull())
		.addColumn('input_tokens', 'integer')
		.addColumn('output_tokens', 'integer')
		.addColumn('cost', 'numeric')
		.addColumn('latency_ms', 'integer')
		.addColumn('model', 'text')
		.addColumn('finish_reason', 'text')
		.addColumn('structured', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('llm_reply_cache_pkey', ['project_id', 'key'])
		.execute();

	await db.schema
		.alterTable('judge_run')
		.addColumn('rubric_version_id', 'uuid', (c) => c.references('rubric_version.id').onDelete('restrict'))
		.addColumn('provider_id', 'uuid', (c) => c.references('llm_provider.id').onDelete('set null'))
		// The provider's settings when the run was made, without any key.
		.addColumn('provider_snapshot', 'jsonb')
		// Both orders, samples, pairing, baseline, filters, sample size (JudgeRunOptions).
		.addColumn('options', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('status', 'text', (c) =>
			c.check(sql`status in ('queued', 'running', 'cancelling', 'cancelled', 'completed', 'failed')`)
		)
		.addColumn('total', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('error', 'text')
		.addColumn('cloned_from', 'uuid', (c) => c.references('judge_run.id').onDelete('set null'))
		.addColumn('started_at', 'timestamptz')
		.addColumn('finished_at', 'timestamptz')
		.execute();
	await sql`alter table judge_run add constraint judge_run_live_check
		check (source <> 'live' or (rubric_version_id is not null and status is not null))`.execute(db);
	await db.schema.createIndex('judge_run_rubric_version_idx').on('judge_run').column('rubric_version_id').execute();

	await db.schema
		.alterTable('judgment')
		.addColumn('status', 'text', (c) =>
			c
				.notNull()
				.defaultTo('ok')
				.check(sql`status in ('pending', 'running', 'ok', 'abstained', 'unparseable', 'failed')`)
		)
		// Which assistant turn was judged (0-based); 0 for single-turn items and imports.
		.addColumn('turn', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('prompt_hash', 'text')
		.addColumn('reply_key', 'text')
		.addColumn('criteria', 'jsonb')
		// Flags per answer of the unit (text aimed at the judge), in answer terms.
		.addColumn('flags', 'jsonb')
		.addColumn('error', 'text')
		.addColumn('input_tokens', 'integer')
		.addColumn('output_tokens', 'integer')
		.addColumn('cost', 'numeric')
		.addColumn('latency_ms', 'integer')
		.addColumn('attempts', 'integer')
		.addColumn('cached', 'boolean')
		.addColumn('claimed_by', 'text')
		.addColumn('claimed_at', 'timestamptz')
		.addColumn('finished_at', 'timestamptz')
		.execute();
	// The unique key now includes the turn: a multi-turn rubric judging every turn makes one
	// judgment per turn of the same answers.
	await sql`drop index judgment_unique_key`.execute(db);
	await sql`create unique index judgment_unique_key on judgment
		(run_id, item_id, answer_a_id, answer_b_id, presented_order, sample, turn) nulls not distinct`.execute(db);
	// Workers claim pending rows of a run; progress counts rows by status.
	await sql`create index judgment_run_status_idx on judgment (run_id, status)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
	await sql`drop index judgment_run_status_idx`.execute(db);
	await sql`drop index judgment_unique_key`.execute(db);
	await sql`create unique index judgment_unique_key on judgment
		(run_id, item_id, answer_a_id, answer_b_id, presented_order, sample) nulls not distinct`.execute(db);
	for (const column of [
		'status',
		'turn',
		'prompt_hash',
		'reply_key',
		'criteria',
		'flags',
		'error',
		'input_tokens',
		'output_tokens',
		'cost',
		'latency_ms',
		'attempts',
		'cached',
		'claimed_by',
		'claimed_at',
		'finished_at'
	])
		await db.schema.alterTable('judgment').dropColumn(column).execute();
	await sql`alter table judge_run drop constraint judge_run_live_check`.execute(db);
	for (const column of [
		'rubric_version_id',
		'provider_id',
		'provider_snapshot',
		'options',
		'status',
		'total',
		'error',
		'cloned_from',
		'started_at',
		'finished_at'
	])
		await db.schema.alterTable('judge_run').dropColumn(column).execute();
	for (const table of ['llm_reply_cache', 'judge_prompt', 'llm_provider', 'rubric_version', 'rubric'])
		await db.schema.dropTable(table).execute();
	await sql`drop function rubric_version_immutable()`.execute(db);
}
