/**
 * Rows a judge-run test needs, written straight into the tables (rubric and provider CRUD have
 * their own services and tests): a dataset with systems and answers (multi-row inserts, fast
 * enough for the 10,000-judgment bench), a rubric with one version, a provider.
 */
import { createHash } from 'node:crypto';
import { contentHash } from '../../../../src/lib/judging/content-hash';
import type { RubricContent } from '../../../../src/lib/judging/types';
import type { Db } from '../../../../src/lib/server/db/client';
import type { ChatMessage, LlmProviderKind } from '../../../../src/lib/server/db/schema';

const hash = (v: unknown) => createHash('sha256').update(JSON.stringify(v)).digest('hex');

export interface SeedAnswerItem {
	externalId: string;
	prompt?: string;
	conversation?: ChatMessage[];
	reference?: string;
	category?: string;
	/** system name → answer text (or one per user turn). */
	answers: Record<string, string | string[]>;
}

export interface SeededDataset {
	datasetId: string;
	/** system name → id */
	systems: Record<string, string>;
	/** external id → item id */
	items: Record<string, string>;
	/** `${externalId}/${system}` → answer id */
	answers: Record<string, string>;
}

function chunks<T>(rows: T[], size = 500): T[][] {
	const out: T[][] = [];
	for (let i = 0; i < rows.length; i += size) out.push(rows.slice(i, i + size));
	return out;
}

export async function seedAnswers(
	db: Db,
	opts: { projectId: string; name: string; items: SeedAnswerItem[] }
): Promise<SeededDataset> {
	const dataset = await db
		.insertInto('dataset')
		.values({ project_id: opts.projectId, name: opts.name, created_by: null })
		.returning('id')
		.executeTakeFirstOrThrow();
	const systemNames = [...new Set(opts.items.flatMap((i) => Object.keys(i.answers)))];
	const systems: Record<string, string> = {};
	for (const name of systemNames) {
		const row = await db
			.insertInto('system')
			.values({ project_id: opts.projectId, name })
			.onConflict((oc) => oc.columns(['project_id', 'name']).doUpdateSet({ name }))
			.returning('id')
			.executeTakeFirstOrThrow();
		systems[name] = row.id;
	}
	const items: Record<string, string> = {};
	for (const batch of chunks(opts.items)) {
		const rows = await db
			.insertInto('dataset_item')
			.values(
				batch.map((it) => ({
					dataset_id: dataset.id,
					external_id: it.externalId,
					prompt_text: it.conversation ? null : (it.prompt ?? ''),
					conversation: it.conversation ? JSON.stringify(it.conversation) : null,
					turn_count: it.conversation ? it.conversation.filter((m) => m.role === 'user').length : 1,
					reference_text: it.reference ?? null,
					category: it.category ?? null,
					tags: [],
					content_hash: hash(it),
					import_id: null
				}))
			)
			.returning(['id', 'external_id'])
			.execute();
		for (const r of rows) items[r.external_id] = r.id;
	}
	const answers: Record<string, string> = {};
	const answerRows = opts.items.flatMap((it) =>
		Object.entries(it.answers).map(([system, text]) => ({ it, system, text }))
	);
	for (const batch of chunks(answerRows)) {
		const rows = await db
			.insertInto('candidate_answer')
			.values(
				batch.map(({ it, system, text }) => ({
					item_id: items[it.externalId],
					dataset_id: dataset.id,
					system_id: systems[system],
					content: typeof text === 'string' ? text : null,
					turns: typeof text === 'string' ? null : JSON.stringify(text),
					content_hash: hash(text),
					char_count: (typeof text === 'string' ? text : text.join('')).length,
					import_id: null
				}))
			)
			.returning(['id', 'item_id', 'system_id'])
			.execute();
		const itemExt = new Map(Object.entries(items).map(([ext, id]) => [id, ext]));
		const systemName = new Map(Object.entries(systems).map(([name, id]) => [id, name]));
		for (const r of rows) answers[`${itemExt.get(r.item_id)}/${systemName.get(r.system_id)}`] = r.id;
	}
	return { datasetId: dataset.id, systems, items, answers };
}

export async function makeRubricVersion(
	db: Db,
	projectId: string,
	content: RubricContent,
	name = `Rubric ${Math.random().toString(36).slice(2, 8)}`
): Promise<{ rubricId: string; versionId: string }> {
	const rubric = await db
		.insertInto('rubric')
		.values({ project_id: projectId, name, created_by: null })
		.returning('id')
		.executeTakeFirstOrThrow();
	const version = await db
		.insertInto('rubric_version')
		.values({
			rubric_id: rubric.id,
			project_id: projectId,
			version: 1,
			content: JSON.stringify(content),
			content_hash: contentHash(content),
			mode: content.mode,
			created_by: null
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return { rubricId: rubric.id, versionId: version.id };
}

export interface ProviderSpec {
	kind?: LlmProviderKind;
	baseUrl?: string;
	model?: string;
	name?: string;
	concurrency?: number;
	timeoutMs?: number;
	apiKeyEnv?: string | null;
	supportsJsonSchema?: boolean;
	temperature?: number | null;
	pricePerMillion?: { input: number; output: number } | null;
	simulation?: Record<string, unknown> | null;
}

export async function makeProvider(db: Db, projectId: string, spec: ProviderSpec = {}): Promise<string> {
	const row = await db
		.insertInto('llm_provider')
		.values({
			project_id: projectId,
			name: spec.name ?? `provider-${Math.random().toString(36).slice(2, 8)}`,
			kind: spec.kind ?? 'openai-compatible',
			base_url: spec.baseUrl ?? '',
			model: spec.model ?? 'fake-judge',
			api_key_env: spec.apiKeyEnv ?? null,
			supports_json_schema: spec.supportsJsonSchema ?? false,
			temperature: spec.temperature ?? null,
			concurrency: spec.concurrency ?? 8,
			timeout_ms: spec.timeoutMs ?? 5000,
			price_input_per_million: spec.pricePerMillion?.input ?? null,
			price_output_per_million: spec.pricePerMillion?.output ?? null,
			simulation: spec.simulation ? JSON.stringify(spec.simulation) : null,
			created_by: null
		})
		.returning('id')
		.executeTakeFirstOrThrow();
	return row.id;
}
