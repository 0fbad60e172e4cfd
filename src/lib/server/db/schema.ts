/**
 * Table types for Kysely, declared by hand beside the migrations that create them.
 * `Generated<T>` marks columns with a database default.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

export type Timestamp = ColumnType<Date, Date | string, Date | string>;
/** A timestamp with a database default. Not `GeneratedTimestamp`: that nests ColumnType and selects as ColumnType instead of Date. */
export type GeneratedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
// Declared with its zod schema (lib/schemas/project.ts); re-exported for the table types and repositories.
import type { ProjectRole } from '../../schemas/project';
export type { ProjectRole };

export interface AppUserTable {
	id: Generated<string>;
	email: string;
	display_name: string;
	password_hash: string;
	is_instance_admin: Generated<boolean>;
	locale: string | null;
	created_at: GeneratedTimestamp;
}

export interface AuthSessionTable {
	id: string;
	secret_hash: Uint8Array;
	user_id: string;
	created_at: Timestamp;
	last_verified_at: Timestamp;
	user_agent: string | null;
	client_address: string | null;
}

export interface LoginThrottleTable {
	key: string;
	failures: Generated<number>;
	window_started_at: Timestamp;
	locked_until: Timestamp | null;
}

export interface ProjectTable {
	id: Generated<string>;
	name: string;
	description: Generated<string>;
	created_by: string | null;
	created_at: GeneratedTimestamp;
}

export interface ProjectMemberTable {
	project_id: string;
	user_id: string;
	role: ProjectRole;
	created_at: GeneratedTimestamp;
}

export interface InvitationTable {
	id: Generated<string>;
	token_hash: Uint8Array;
	email: string | null;
	project_id: string | null;
	role: ProjectRole | null;
	created_by: string | null;
	created_at: GeneratedTimestamp;
	expires_at: Timestamp;
	accepted_at: Timestamp | null;
	accepted_by: string | null;
	revoked_at: Timestamp | null;
}

export interface ProjectStatsTable {
	project_id: string;
	member_count: number;
	counts: ColumnType<Record<string, number>, string | Record<string, number>, string | Record<string, number>>;
	refreshed_at: Timestamp;
	refreshed_by_worker: string | null;
}

export interface Database {
	app_user: AppUserTable;
	auth_session: AuthSessionTable;
	login_throttle: LoginThrottleTable;
	project: ProjectTable;
	project_member: ProjectMemberTable;
	invitation: InvitationTable;
	project_stats: ProjectStatsTable;
	dataset: DatasetTable;
	dataset_import: DatasetImportTable;
	dataset_import_chunk: DatasetImportChunkTable;
	dataset_revision: DatasetRevisionTable;
	dataset_item: DatasetItemTable;
	system: SystemTable;
	candidate_answer: CandidateAnswerTable;
	judge_run: JudgeRunTable;
	judgment: JudgmentTable;
	annotation: AnnotationTable;
	worker_heartbeat: WorkerHeartbeatTable;
	llm_rate_bucket: LlmRateBucketTable;
	rubric: RubricTable;
	rubric_version: RubricVersionTable;
	llm_provider: LlmProviderTable;
	judge_prompt: JudgePromptTable;
	llm_reply_cache: LlmReplyCacheTable;
	annotation_queue: AnnotationQueueTable;
	annotation_queue_member: AnnotationQueueMemberTable;
	annotation_task: AnnotationTaskTable;
	annotation_assignment: AnnotationAssignmentTable;
	annotation_worker_stats: AnnotationWorkerStatsTable;
	annotation_audit: AnnotationAuditTable;
	api_token: ApiTokenTable;
	calibration_set: CalibrationSetTable;
	calibration_set_item: CalibrationSetItemTable;
	calibration_set_pair: CalibrationSetPairTable;
	certification: CertificationTable;
}

export type AppUser = Selectable<AppUserTable>;
export type NewAppUser = Insertable<AppUserTable>;
export type AppUserUpdate = Updateable<AppUserTable>;
export type Project = Selectable<ProjectTable>;

/* ------------------------------------------------------------------------------------------------
 * Datasets (migration 0003-datasets). The model, in short:
 *
 * project ─< dataset ─< dataset_item ─< candidate_answer >─ system (per project: a model, prompt
 * or checkpoint). A dataset is versioned by content: items and answers are immutable rows with a
 * content_hash; each import that adds rows creates a dataset_revision (items carry the revision
 * that added them). Re-importing identical content adds nothing; the same external_id, or the same
 * (item, system), with DIFFERENT content is reported as a conflict, never overwritten, so
 * judgments and annotations that point at answer ids stay valid. Only a missing reference answer
 * may be filled in later (MT-Bench ships references separately).
 *
 * An item's prompt is `prompt_text` OR `conversation` ({role, content}[]); formats without texts
 * (Chatbot Arena votes) store `prompt_available = false` and neither. An answer is `content` OR
 * `turns` (string[], one response per user message of the conversation, MT-Bench style), or
 * `available = false` with neither. char_count counts Unicode code points; approx_tokens is a
 * heuristic (1 per CJK/kana/hangul character + ceil(other characters / 4)), not a tokenizer.
 *
 * judge_run ─< judgment: verdicts from a judge ('imported' from files, 'live' later). A pairwise
 * judgment compares answer_a with answer_b; `verdict` is in terms of answer_a/answer_b, NOT screen
 * positions — `presented_order` ('ab' = answer_a shown first) records the positions. `preference`
 * is a soft preference for answer_b in [0, 1] (AlpacaEval's preference − 1). Unique per
 * (run, item, answer_a, answer_b, order, sample).
 * annotation: human labels, from the UI (annotator_user_id) or imported (external_annotator +
 * external_key, unique per item/pair/annotator/key so re-imports add nothing).
 *
 * Imports: dataset_import tracks one uploaded file from upload to result (status, progress,
 * first 100 errors, stats); its bytes live in dataset_import_chunk (~1 MiB rows) so every worker
 * machine can read them; chunks are deleted after a successful import. `import_id` and
 * `revision` on rows are provenance; `import_id` and the denormalised dataset/project ids of
 * answers and annotations carry no foreign key (migration 0005: bulk-insert speed).
 * Writers: src/lib/server/importers/README.md.
 * ---------------------------------------------------------------------------------------------- */

/** A JSON column: selected as parsed JSON, written as a JSON string (pg would turn JS arrays into SQL arrays). */
export type JsonColumn<T> = ColumnType<T, string, string>;
export type NullableJsonColumn<T> = ColumnType<T | null, string | null | undefined, string | null>;
export type JsonObject = Record<string, unknown>;

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant';
	content: string;
}

export type ImportStatus =
	'uploading' | 'uploaded' | 'queued' | 'validating' | 'importing' | 'succeeded' | 'failed' | 'cancelled';

/** One reported problem in an uploaded file. `line` is 1-based (0: the file as a whole). */
export interface ImportErrorEntry {
	line: number;
	field: string | null;
	reason: string;
	/** JSON array files: the element's position, 1-based (several elements may share one line). */
	element?: number;
	/**
	 * The message as an i18n key (`import_err_*` in lib/i18n/messages) with its parameters, so
	 * pages show it in the reader's language; `reason` keeps the English text for logs and APIs.
	 */
	key?: string;
	params?: Record<string, string | number>;
}

export interface ImportStats {
	rows?: number;
	itemsAdded?: number;
	answersAdded?: number;
	judgmentsAdded?: number;
	annotationsAdded?: number;
	referencesAdded?: number;
	systemsAdded?: number;
	duplicatesSkipped?: number;
	[key: string]: number | undefined;
}

export interface DatasetTable {
	id: Generated<string>;
	project_id: string;
	name: string;
	description: Generated<string>;
	/** `{ format, mapping }` of the last import, offered again next time. */
	field_mapping: NullableJsonColumn<JsonObject>;
	current_revision: Generated<number>;
	item_count: Generated<number>;
	answer_count: Generated<number>;
	judgment_count: Generated<number>;
	annotation_count: Generated<number>;
	created_by: string | null;
	created_at: GeneratedTimestamp;
	updated_at: GeneratedTimestamp;
}

export interface DatasetImportTable {
	id: Generated<string>;
	project_id: string;
	dataset_id: string | null;
	new_dataset_name: string | null;
	format: string | null;
	mapping: NullableJsonColumn<JsonObject>;
	status: Generated<ImportStatus>;
	file_name: string;
	byte_size: Generated<number>;
	gzip: Generated<boolean>;
	file_sha256: string | null;
	bytes_read: Generated<number>;
	rows_processed: Generated<number>;
	error_count: Generated<number>;
	errors: ColumnType<ImportErrorEntry[], string | undefined, string>;
	stats: ColumnType<ImportStats, string | undefined, string>;
	revision: number | null;
	cancel_requested: Generated<boolean>;
	created_by: string | null;
	created_at: GeneratedTimestamp;
	uploaded_at: Timestamp | null;
	started_at: Timestamp | null;
	finished_at: Timestamp | null;
	updated_at: GeneratedTimestamp;
}

export interface DatasetImportChunkTable {
	import_id: string;
	seq: number;
	data: Uint8Array;
}

export interface DatasetRevisionTable {
	dataset_id: string;
	revision: number;
	content_hash: string;
	import_id: string | null;
	items_added: Generated<number>;
	answers_added: Generated<number>;
	judgments_added: Generated<number>;
	annotations_added: Generated<number>;
	references_added: Generated<number>;
	created_by: string | null;
	created_at: GeneratedTimestamp;
}

export interface DatasetItemTable {
	id: Generated<string>;
	dataset_id: string;
	external_id: string;
	prompt_text: string | null;
	conversation: NullableJsonColumn<ChatMessage[]>;
	prompt_available: Generated<boolean>;
	turn_count: Generated<number>;
	reference_text: string | null;
	reference_turns: NullableJsonColumn<string[]>;
	category: string | null;
	tags: ColumnType<string[], string[] | undefined, string[]>;
	metadata: ColumnType<JsonObject, string | undefined, string>;
	content_hash: string;
	import_id: string | null;
	revision: Generated<number>;
	/** File order within the dataset (migration 0009); bigint, read as a string. */
	position: ColumnType<string, string | number | undefined, never>;
	created_at: GeneratedTimestamp;
}

export interface SystemTable {
	id: Generated<string>;
	project_id: string;
	name: string;
	metadata: ColumnType<JsonObject, string | undefined, string>;
	created_at: GeneratedTimestamp;
}

export interface CandidateAnswerTable {
	id: Generated<string>;
	item_id: string;
	dataset_id: string;
	system_id: string;
	content: string | null;
	turns: NullableJsonColumn<string[]>;
	available: Generated<boolean>;
	metadata: ColumnType<JsonObject, string | undefined, string>;
	content_hash: string;
	char_count: Generated<number>;
	approx_tokens: Generated<number>;
	import_id: string | null;
	revision: Generated<number>;
	created_at: GeneratedTimestamp;
}

export type JudgeRunSource = 'imported' | 'live';
export type JudgeMode = 'pairwise' | 'pointwise';
export type Verdict = 'A' | 'B' | 'tie';
export type PresentedOrder = 'ab' | 'ba';

export interface JudgeRunTable {
	id: Generated<string>;
	project_id: string;
	dataset_id: string;
	source: JudgeRunSource;
	name: string;
	judge_model: string | null;
	mode: JudgeMode;
	metadata: ColumnType<JsonObject, string | undefined, string>;
	import_id: string | null;
	created_by: string | null;
	created_at: GeneratedTimestamp;
	/* Live runs (migration 0010-judges); null or defaults on imported runs. */
	rubric_version_id: string | null;
	provider_id: string | null;
	provider_snapshot: NullableJsonColumn<JsonObject>;
	options: ColumnType<JsonObject, string | undefined, string>;
	status: JudgeRunStatus | null;
	total: Generated<number>;
	error: string | null;
	cloned_from: string | null;
	started_at: Timestamp | null;
	finished_at: Timestamp | null;
	/** A run restricted to a calibration set's answers (migration 0030-gate-certification). */
	calibration_set_id: ColumnType<string | null, string | null | undefined, string | null>;
	/**
	 * False while a live run's units are still being inserted (its jobs plan the rest while the
	 * first ones are judged); such a run cannot complete (migration 0034-run-planning).
	 */
	units_planned: ColumnType<boolean, boolean | undefined, boolean>;
}

export type JudgeRunStatus = 'queued' | 'running' | 'cancelling' | 'cancelled' | 'completed' | 'failed';
/** pending/running until a worker finishes it; every judgment ends in one of the other four. */
export type JudgmentStatus = 'pending' | 'running' | 'ok' | 'abstained' | 'unparseable' | 'failed';

/** numeric columns come back from pg as strings. */
export type NumericColumn = ColumnType<string | null, number | string | null | undefined, number | string | null>;

export interface JudgmentTable {
	id: Generated<string>;
	run_id: string;
	item_id: string;
	answer_a_id: string;
	answer_b_id: string | null;
	presented_order: PresentedOrder | null;
	sample: Generated<number>;
	verdict: Verdict | null;
	score: NumericColumn;
	preference: NumericColumn;
	raw: NullableJsonColumn<unknown>;
	import_id: string | null;
	revision: number | null;
	created_at: GeneratedTimestamp;
	/* Live judging (migration 0010-judges). */
	status: ColumnType<JudgmentStatus, JudgmentStatus | undefined, JudgmentStatus>;
	turn: Generated<number>;
	prompt_hash: string | null;
	reply_key: string | null;
	criteria: NullableJsonColumn<Record<string, number>>;
	flags: NullableJsonColumn<unknown>;
	error: string | null;
	input_tokens: number | null;
	output_tokens: number | null;
	cost: NumericColumn;
	latency_ms: number | null;
	attempts: number | null;
	cached: boolean | null;
	claimed_by: string | null;
	claimed_at: Timestamp | null;
	finished_at: Timestamp | null;
	/** Category rubrics: the judge's category, one of the rubric version's (migration 0012). */
	category: string | null;
}

/** 'gold': an admin's adjudicated label (migration 0020). */
export type AnnotationSource = 'imported' | 'ui' | 'gold';

export interface AnnotationTable {
	id: Generated<string>;
	project_id: string;
	dataset_id: string;
	item_id: string;
	answer_a_id: string;
	answer_b_id: string | null;
	presented_order: PresentedOrder | null;
	annotator_user_id: string | null;
	external_annotator: string | null;
	external_key: string | null;
	source: AnnotationSource;
	verdict: Verdict | null;
	score: NumericColumn;
	metadata: ColumnType<JsonObject, string | undefined, string>;
	import_id: string | null;
	revision: number | null;
	created_at: GeneratedTimestamp;
	/* Labels made in Concord (migration 0020-annotation-queues); null on imported rows. */
	queue_id: string | null;
	task_id: string | null;
	assignment_id: string | null;
	/** Criterion id → score (pointwise). */
	criteria: NullableJsonColumn<Record<string, number>>;
	/** Red-line criterion id → passed. */
	red_lines: NullableJsonColumn<Record<string, boolean>>;
	rationale: string | null;
	version: Generated<number>;
	updated_at: Timestamp | null;
}

export type Dataset = Selectable<DatasetTable>;
export type DatasetImport = Selectable<DatasetImportTable>;
export type DatasetItem = Selectable<DatasetItemTable>;
export type CandidateAnswer = Selectable<CandidateAnswerTable>;
export type System = Selectable<SystemTable>;
export type JudgeRun = Selectable<JudgeRunTable>;
export type Judgment = Selectable<JudgmentTable>;
export type Annotation = Selectable<AnnotationTable>;

/* ------------------------------------------------------------------------------------------------
 * Worker liveness (migration 0006-worker-heartbeat): one row per running graphile-worker pool,
 * keyed by the pool id graphile-worker writes into a job's `locked_by`. See jobs/liveness.ts.
 */
export interface WorkerHeartbeatTable {
	pool_id: string;
	worker_name: string;
	started_at: GeneratedTimestamp;
	beat_at: GeneratedTimestamp;
}

/** LLM provider rate limits shared by all workers (migration 0019-llm-rate-buckets); see llm/rate-limiter.ts. */
export interface LlmRateBucketTable {
	key: string;
	requests: number;
	tokens: number;
	refilled_at: Timestamp;
}

/* ------------------------------------------------------------------------------------------------
 * Judges (migration 0010-judges): rubrics with immutable versions, providers, prompts stored once
 * by hash, and the reply cache. See the migration's docblock for the model.
 */
export interface RubricTable {
	id: Generated<string>;
	project_id: string;
	name: string;
	description: Generated<string>;
	created_by: string | null;
	created_at: GeneratedTimestamp;
	archived_at: Timestamp | null;
}

/** Never updated (a trigger refuses it): every save inserts the next version. */
export interface RubricVersionTable {
	id: Generated<string>;
	rubric_id: string;
	project_id: string;
	version: number;
	/** A RubricContent (src/lib/judging/rubric-schema.ts). */
	content: JsonColumn<JsonObject>;
	content_hash: string;
	mode: JudgeMode;
	note: Generated<string>;
	created_by: string | null;
	created_at: GeneratedTimestamp;
}

export type LlmProviderKind = 'openai-compatible' | 'azure' | 'simulated';

export interface LlmProviderTable {
	id: Generated<string>;
	project_id: string;
	name: string;
	kind: LlmProviderKind;
	base_url: Generated<string>;
	model: string;
	azure_api_version: string | null;
	/** The NAME of an environment variable holding the key. */
	api_key_env: string | null;
	/** AES-256-GCM ciphertext (llm/secrets.ts); never returned to the browser. */
	api_key_encrypted: string | null;
	supports_json_schema: Generated<boolean>;
	stream: Generated<boolean>;
	temperature: number | null;
	max_tokens: number | null;
	seed: number | null;
	concurrency: Generated<number>;
	requests_per_minute: number | null;
	tokens_per_minute: number | null;
	price_input_per_million: NumericColumn;
	price_output_per_million: NumericColumn;
	timeout_ms: Generated<number>;
	simulation: NullableJsonColumn<JsonObject>;
	created_by: string | null;
	created_at: GeneratedTimestamp;
	updated_at: GeneratedTimestamp;
	archived_at: Timestamp | null;
}

export interface JudgePromptTable {
	project_id: string;
	hash: string;
	messages: JsonColumn<ChatMessage[]>;
	created_at: GeneratedTimestamp;
}

export interface LlmReplyCacheTable {
	project_id: string;
	key: string;
	reply: string;
	input_tokens: number | null;
	output_tokens: number | null;
	cost: NumericColumn;
	latency_ms: number | null;
	model: string | null;
	finish_reason: string | null;
	structured: Generated<boolean>;
	created_at: GeneratedTimestamp;
}

export type Rubric = Selectable<RubricTable>;
export type RubricVersion = Selectable<RubricVersionTable>;
export type LlmProvider = Selectable<LlmProviderTable>;

/* ------------------------------------------------------------------------------------------------
 * Annotation (migration 0020-annotation-queues): queues of tasks handed to annotators, their
 * assignments, per-annotator counters and the append-only audit of label writes. See the
 * migration's docblock for the model and ARCHITECTURE.md ("Annotation").
 */
export type QueueStatus = 'open' | 'paused' | 'closed';
export type AssignmentStatus = 'reserved' | 'submitted' | 'skipped' | 'expired' | 'released';

export interface AnnotationQueueTable {
	id: Generated<string>;
	project_id: string;
	dataset_id: string;
	rubric_version_id: string;
	name: string;
	mode: JudgeMode;
	overlap_k: number;
	status: ColumnType<QueueStatus, QueueStatus | undefined, QueueStatus>;
	reveal_after_submit: Generated<boolean>;
	reservation_seconds: Generated<number>;
	disagreement_threshold: Generated<number>;
	judge_run_id: string | null;
	judge_threshold: number | null;
	selection: JsonColumn<JsonObject>;
	pairing: NullableJsonColumn<JsonObject>;
	task_count: Generated<number>;
	/** No task with a smaller seq has a free slot (migration 0029); "next" walks the open tasks from here. */
	open_from: Generated<number>;
	created_by: string | null;
	created_at: GeneratedTimestamp;
}

export interface AnnotationQueueMemberTable {
	queue_id: string;
	user_id: string;
}

export interface AnnotationTaskTable {
	id: Generated<string>;
	seq: ColumnType<string, never, never>;
	queue_id: string;
	item_id: string;
	answer_a_id: string;
	answer_b_id: string | null;
	open_slots: number;
	submitted_count: Generated<number>;
	added_at: GeneratedTimestamp;
}

export interface AnnotationAssignmentTable {
	id: Generated<string>;
	queue_id: string;
	task_id: string;
	user_id: string;
	status: AssignmentStatus;
	presented_order: PresentedOrder | null;
	reserved_until: Timestamp;
	active_seconds: number | null;
	skip_reason: string | null;
	flagged: Generated<boolean>;
	flag_reason: string | null;
	started_at: GeneratedTimestamp;
	submitted_at: Timestamp | null;
}

export interface AnnotationWorkerStatsTable {
	queue_id: string;
	user_id: string;
	done: Generated<number>;
	skipped: Generated<number>;
}

export type AuditAction = 'create' | 'revise' | 'adjudicate';

export interface AnnotationAuditTable {
	id: ColumnType<string, never, never>;
	project_id: string;
	queue_id: string | null;
	annotation_id: string;
	assignment_id: string | null;
	actor_user_id: string | null;
	action: AuditAction;
	before: NullableJsonColumn<JsonObject>;
	after: JsonColumn<JsonObject>;
	idempotency_key: string | null;
	at: GeneratedTimestamp;
}

export type AnnotationQueue = Selectable<AnnotationQueueTable>;
export type AnnotationTask = Selectable<AnnotationTaskTable>;
export type AnnotationAssignment = Selectable<AnnotationAssignmentTable>;

/* ------------------------------------------------------------------------------------------------
 * API tokens (migration 0031-exports-api): `concord_<id>.<secret>`, SHA-256(secret) stored, one
 * project and a role no wider than the user's membership. See auth/api-tokens.ts.
 */
export interface ApiTokenTable {
	id: string;
	secret_hash: Uint8Array;
	user_id: string;
	project_id: string;
	role: ProjectRole;
	name: string;
	created_at: GeneratedTimestamp;
	expires_at: Timestamp | null;
	last_used_at: Timestamp | null;
	revoked_at: Timestamp | null;
}

/* ------------------------------------------------------------------------------------------------
 * Gate and certification (migration 0030-gate-certification): frozen calibration sets pinned to
 * a rubric, and certifications of a rubric version × model on one. See services/gate.ts.
 */
export interface CalibrationSetTable {
	id: Generated<string>;
	project_id: string;
	rubric_id: string;
	dataset_id: string;
	name: string;
	content_hash: string;
	answer_count: number;
	item_count: number;
	gold_count: number;
	/** Migration 0032: pointwise sets hold answers (calibration_set_item), pairwise sets pairs (calibration_set_pair). */
	mode: ColumnType<'pointwise' | 'pairwise', 'pointwise' | 'pairwise' | undefined, never>;
	created_by: string | null;
	created_at: GeneratedTimestamp;
}

/** Never updated (a trigger refuses it). */
export interface CalibrationSetItemTable {
	set_id: string;
	answer_id: string;
	item_id: string;
	system_name: string;
	reference: 'gold' | 'consensus';
	labels: number;
	score: number | null;
	passes: NullableJsonColumn<Record<string, boolean>>;
}

/** A pairwise set's snapshot (migration 0032); never updated (a trigger refuses it). */
export interface CalibrationSetPairTable {
	set_id: string;
	item_id: string;
	answer_a_id: string;
	answer_b_id: string;
	system_a: string;
	system_b: string;
	reference: 'gold' | 'consensus';
	labels: number;
	verdict: 'A' | 'B' | 'tie';
}

export interface CertificationTable {
	id: Generated<string>;
	project_id: string;
	rubric_id: string;
	use: string;
	rubric_version_id: string;
	rubric_hash: string;
	calibration_set_id: string;
	calibration_set_hash: string;
	judge_run_id: string | null;
	provider_id: string | null;
	model: JsonColumn<JsonObject>;
	model_hash: string;
	thresholds: JsonColumn<JsonObject>;
	results: JsonColumn<JsonObject>;
	certified_by: string | null;
	created_at: GeneratedTimestamp;
	revoked_at: Timestamp | null;
}
