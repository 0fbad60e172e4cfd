import { sql, type Kysely } from 'kysely';

/**
 * Datasets, imports, and imported verdicts/labels.
 *
 * Model (see also the comment block in src/lib/server/db/schema.ts):
 * - A dataset holds items; items and candidate answers are IMMUTABLE, content-hashed rows.
 *   Every import that adds rows creates a dataset_revision; re-importing identical content
 *   adds nothing. The same external id (or item × system) with different content is a
 *   reported conflict, never an overwrite — judgments and labels reference these ids.
 *   One exception, because MT-Bench ships references in a separate file: a reference answer
 *   may be added to an item that has none.
 * - Row ids of items/answers/judgments/annotations written by imports are derived from their
 *   natural keys (uuid from sha256), so re-imports and concurrent workers agree on them.
 * - Uploads live in PostgreSQL (dataset_import_chunk) so any worker machine can read them.
 *
 * Frozen in time: migrations import only kysely, never app code.
 */
export async function up(db: Kysely<any>): Promise<void> {
	await db.schema
		.createTable('dataset')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('description', 'text', (c) => c.notNull().defaultTo(''))
		// The last format + field mapping used, offered again on the next import.
		.addColumn('field_mapping', 'jsonb')
		.addColumn('current_revision', 'integer', (c) => c.notNull().defaultTo(0))
		// Denormalised counts, maintained by the import transaction (cheap dataset lists).
		.addColumn('item_count', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('answer_count', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('judgment_count', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('annotation_count', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('created_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('dataset_project_name_key', ['project_id', 'name'])
		.execute();

	await db.schema
		.createTable('dataset_import')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		// Null until started; a new dataset is created inside the import transaction.
		.addColumn('dataset_id', 'uuid', (c) => c.references('dataset.id').onDelete('set null'))
		.addColumn('new_dataset_name', 'text')
		.addColumn('format', 'text')
		.addColumn('mapping', 'jsonb')
		.addColumn('status', 'text', (c) =>
			c
				.notNull()
				.defaultTo('uploading')
				.check(
					sql`status in ('uploading', 'uploaded', 'queued', 'validating', 'importing', 'succeeded', 'failed', 'cancelled')`
				)
		)
		.addColumn('file_name', 'text', (c) => c.notNull())
		.addColumn('byte_size', 'bigint', (c) => c.notNull().defaultTo(0))
		.addColumn('gzip', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('file_sha256', 'text')
		.addColumn('bytes_read', 'bigint', (c) => c.notNull().defaultTo(0))
		.addColumn('rows_processed', 'bigint', (c) => c.notNull().defaultTo(0))
		.addColumn('error_count', 'integer', (c) => c.notNull().defaultTo(0))
		// The first 100 errors: [{ line, field, reason }].
		.addColumn('errors', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
		.addColumn('stats', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('revision', 'integer')
		.addColumn('cancel_requested', 'boolean', (c) => c.notNull().defaultTo(false))
		.addColumn('created_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addColumn('uploaded_at', 'timestamptz')
		.addColumn('started_at', 'timestamptz')
		.addColumn('finished_at', 'timestamptz')
		.addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	await db.schema
		.createIndex('dataset_import_project_idx')
		.on('dataset_import')
		.columns(['project_id', 'created_at'])
		.execute();
	await db.schema.createIndex('dataset_import_dataset_idx').on('dataset_import').column('dataset_id').execute();

	await db.schema
		.createTable('dataset_import_chunk')
		.addColumn('import_id', 'uuid', (c) => c.notNull().references('dataset_import.id').onDelete('cascade'))
		.addColumn('seq', 'integer', (c) => c.notNull())
		.addColumn('data', 'bytea', (c) => c.notNull())
		.addPrimaryKeyConstraint('dataset_import_chunk_pkey', ['import_id', 'seq'])
		.execute();
	// Uploads are often compressed already and are read once: skip TOAST compression (CPU).
	await sql`alter table dataset_import_chunk alter column data set storage external`.execute(db);

	await db.schema
		.createTable('dataset_revision')
		.addColumn('dataset_id', 'uuid', (c) => c.notNull().references('dataset.id').onDelete('cascade'))
		.addColumn('revision', 'integer', (c) => c.notNull())
		// sha256 over the previous revision's hash and the sorted content hashes of the rows added.
		.addColumn('content_hash', 'text', (c) => c.notNull())
		.addColumn('import_id', 'uuid', (c) => c.references('dataset_import.id').onDelete('set null'))
		.addColumn('items_added', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('answers_added', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('judgments_added', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('annotations_added', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('references_added', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('created_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addPrimaryKeyConstraint('dataset_revision_pkey', ['dataset_id', 'revision'])
		.execute();

	await db.schema
		.createTable('dataset_item')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('dataset_id', 'uuid', (c) => c.notNull().references('dataset.id').onDelete('cascade'))
		.addColumn('external_id', 'text', (c) => c.notNull())
		// Exactly one of prompt_text / conversation, or neither when the source has no text.
		.addColumn('prompt_text', 'text')
		.addColumn('conversation', 'jsonb')
		.addColumn('prompt_available', 'boolean', (c) => c.notNull().defaultTo(true))
		// Number of user messages (1 for prompt_text); per-turn answers have this many entries.
		.addColumn('turn_count', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('reference_text', 'text')
		.addColumn('reference_turns', 'jsonb')
		.addColumn('category', 'text')
		.addColumn('tags', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
		.addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('content_hash', 'text', (c) => c.notNull())
		.addColumn('import_id', 'uuid', (c) => c.references('dataset_import.id').onDelete('set null'))
		.addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('dataset_item_external_key', ['dataset_id', 'external_id'])
		.addCheckConstraint(
			'dataset_item_prompt_check',
			sql`(prompt_available and num_nonnulls(prompt_text, conversation) = 1) or (not prompt_available and prompt_text is null and conversation is null)`
		)
		.addCheckConstraint('dataset_item_reference_check', sql`num_nonnulls(reference_text, reference_turns) <= 1`)
		.execute();
	await db.schema
		.createIndex('dataset_item_category_idx')
		.on('dataset_item')
		.columns(['dataset_id', 'category'])
		.execute();
	await sql`create index dataset_item_tags_idx on dataset_item using gin (tags)`.execute(db);

	await db.schema
		.createTable('system')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('system_project_name_key', ['project_id', 'name'])
		.execute();

	await db.schema
		.createTable('candidate_answer')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('item_id', 'uuid', (c) => c.notNull().references('dataset_item.id').onDelete('cascade'))
		// Denormalised from the item: "answers of dataset D by system S" without a join.
		.addColumn('dataset_id', 'uuid', (c) => c.notNull().references('dataset.id').onDelete('cascade'))
		.addColumn('system_id', 'uuid', (c) => c.notNull().references('system.id').onDelete('cascade'))
		// Exactly one of content / turns (one response per user turn), or neither when unavailable.
		.addColumn('content', 'text')
		.addColumn('turns', 'jsonb')
		.addColumn('available', 'boolean', (c) => c.notNull().defaultTo(true))
		.addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('content_hash', 'text', (c) => c.notNull())
		// Unicode code points over all turns.
		.addColumn('char_count', 'integer', (c) => c.notNull().defaultTo(0))
		// Heuristic, not a tokenizer: one token per CJK/kana/hangul character plus ceil(other characters / 4).
		.addColumn('approx_tokens', 'integer', (c) => c.notNull().defaultTo(0))
		.addColumn('import_id', 'uuid', (c) => c.references('dataset_import.id').onDelete('set null'))
		.addColumn('revision', 'integer', (c) => c.notNull().defaultTo(1))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addUniqueConstraint('candidate_answer_item_system_key', ['item_id', 'system_id'])
		.addCheckConstraint(
			'candidate_answer_content_check',
			sql`(available and num_nonnulls(content, turns) = 1) or (not available and content is null and turns is null)`
		)
		.execute();
	await db.schema
		.createIndex('candidate_answer_dataset_system_idx')
		.on('candidate_answer')
		.columns(['dataset_id', 'system_id'])
		.execute();
	await db.schema.createIndex('candidate_answer_system_idx').on('candidate_answer').column('system_id').execute();

	await db.schema
		.createTable('judge_run')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('dataset_id', 'uuid', (c) => c.notNull().references('dataset.id').onDelete('cascade'))
		.addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('imported', 'live')`))
		.addColumn('name', 'text', (c) => c.notNull())
		.addColumn('judge_model', 'text')
		.addColumn('mode', 'text', (c) => c.notNull().check(sql`mode in ('pairwise', 'pointwise')`))
		.addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('import_id', 'uuid', (c) => c.references('dataset_import.id').onDelete('set null'))
		.addColumn('created_by', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.execute();
	// Re-importing verdicts of the same judge adds to the same imported run.
	await sql`create unique index judge_run_imported_name_key on judge_run (dataset_id, name, mode) where source = 'imported'`.execute(
		db
	);
	await db.schema.createIndex('judge_run_project_idx').on('judge_run').column('project_id').execute();

	await db.schema
		.createTable('judgment')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('run_id', 'uuid', (c) => c.notNull().references('judge_run.id').onDelete('cascade'))
		.addColumn('item_id', 'uuid', (c) => c.notNull().references('dataset_item.id').onDelete('cascade'))
		.addColumn('answer_a_id', 'uuid', (c) => c.notNull().references('candidate_answer.id').onDelete('cascade'))
		.addColumn('answer_b_id', 'uuid', (c) => c.references('candidate_answer.id').onDelete('cascade'))
		// Which answer was shown first: 'ab' = answer_a first. Null for pointwise, or when the
		// source does not say (AlpacaEval randomises and un-swaps internally).
		.addColumn('presented_order', 'text', (c) => c.check(sql`presented_order in ('ab', 'ba')`))
		.addColumn('sample', 'integer', (c) => c.notNull().defaultTo(0))
		// In terms of answer_a / answer_b, never of screen positions.
		.addColumn('verdict', 'text', (c) => c.check(sql`verdict in ('A', 'B', 'tie')`))
		.addColumn('score', 'numeric')
		// Soft preference for answer_b in [0, 1]: 0 = A better, 0.5 = tie, 1 = B better.
		.addColumn('preference', 'numeric', (c) => c.check(sql`preference between 0 and 1`))
		.addColumn('raw', 'jsonb')
		.addColumn('import_id', 'uuid', (c) => c.references('dataset_import.id').onDelete('set null'))
		.addColumn('revision', 'integer')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint('judgment_pair_check', sql`answer_b_id is not null or presented_order is null`)
		.execute();
	await sql`create unique index judgment_unique_key on judgment (run_id, item_id, answer_a_id, answer_b_id, presented_order, sample) nulls not distinct`.execute(
		db
	);
	await db.schema.createIndex('judgment_item_idx').on('judgment').column('item_id').execute();

	await db.schema
		.createTable('annotation')
		.addColumn('id', 'uuid', (c) => c.primaryKey().defaultTo(sql`gen_random_uuid()`))
		.addColumn('project_id', 'uuid', (c) => c.notNull().references('project.id').onDelete('cascade'))
		.addColumn('dataset_id', 'uuid', (c) => c.notNull().references('dataset.id').onDelete('cascade'))
		.addColumn('item_id', 'uuid', (c) => c.notNull().references('dataset_item.id').onDelete('cascade'))
		.addColumn('answer_a_id', 'uuid', (c) => c.notNull().references('candidate_answer.id').onDelete('cascade'))
		.addColumn('answer_b_id', 'uuid', (c) => c.references('candidate_answer.id').onDelete('cascade'))
		.addColumn('presented_order', 'text', (c) => c.check(sql`presented_order in ('ab', 'ba')`))
		.addColumn('annotator_user_id', 'uuid', (c) => c.references('app_user.id').onDelete('set null'))
		// Imported humans: a name or pool ("chatbot-arena-crowd", "llmbar-expert").
		.addColumn('external_annotator', 'text')
		// Imported rows: the source's own key for this label (battle id, "gold"), for idempotent re-import.
		.addColumn('external_key', 'text')
		.addColumn('source', 'text', (c) => c.notNull().check(sql`source in ('imported', 'ui')`))
		.addColumn('verdict', 'text', (c) => c.check(sql`verdict in ('A', 'B', 'tie')`))
		.addColumn('score', 'numeric')
		.addColumn('metadata', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
		.addColumn('import_id', 'uuid', (c) => c.references('dataset_import.id').onDelete('set null'))
		.addColumn('revision', 'integer')
		.addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
		.addCheckConstraint(
			'annotation_imported_check',
			sql`source <> 'imported' or (external_annotator is not null and external_key is not null)`
		)
		.execute();
	await sql`create unique index annotation_imported_key on annotation (item_id, answer_a_id, answer_b_id, external_annotator, external_key) nulls not distinct where source = 'imported'`.execute(
		db
	);
	await db.schema.createIndex('annotation_dataset_idx').on('annotation').column('dataset_id').execute();
	await db.schema.createIndex('annotation_user_idx').on('annotation').column('annotator_user_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
	for (const t of [
		'annotation',
		'judgment',
		'judge_run',
		'candidate_answer',
		'system',
		'dataset_item',
		'dataset_revision',
		'dataset_import_chunk',
		'dataset_import',
		'dataset'
	]) {
		await db.schema.dropTable(t).ifExists().execute();
	}
}
