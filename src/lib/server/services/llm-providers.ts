/**
 * LLM providers of a project: OpenAI-compatible endpoints, Azure OpenAI, and the simulated judge.
 *
 * Keys: a provider names an environment variable holding its key, or its key is entered once and
 * stored AES-256-GCM-encrypted under CONCORD_SECRET_KEY, bound to the provider id. What leaves
 * this module (`ProviderView`, test reports, errors) never carries the key or its ciphertext: views
 * are built from `publicProviderSettings` plus named, key-free fields, and every message that could
 * echo a key (a server's error text, a reply) is scrubbed.
 *
 * Editing a provider changes what FUTURE runs use; a run keeps its own snapshot of the settings
 * (services/provider-config.ts). The simulated judge needs no model and no network; its name
 * always says "simulated".
 */
import { randomUUID } from 'node:crypto';
import type { Db } from '../db/client';
import type { Membership } from '../db/repositories/members';
import * as repo from '../db/repositories/llm-providers';
import type { LlmProvider } from '../db/schema';
import { AppError } from '../errors';
import { createLlmClient, encryptSecret, LlmError, resolveApiKey, SecretError } from '../llm';
import { redact } from '../llm/errors';
import { secretKeyFromEnv } from '../llm/secrets';
import { logger } from '../logger';
import { SIMULATED_JUDGE_MODEL } from '../../judging/simulate';
import type { ProviderSettings } from '../../schemas/provider';
import {
	providerConfigFromRow,
	publicProviderSettings,
	simulationFromRow,
	type PublicProviderSettings
} from './provider-config';

export interface ProviderView extends PublicProviderSettings {
	azureApiVersion: string | null;
	stream: boolean;
	timeoutMs: number;
	/** The NAME of the environment variable holding the key, when that is the source. */
	keyEnv: string | null;
	/** A key is stored (encrypted); its value is never shown. */
	hasStoredKey: boolean;
	simulated: boolean;
	archived: boolean;
	createdAt: Date;
	updatedAt: Date;
}

function view(row: LlmProvider): ProviderView {
	return {
		...publicProviderSettings(row),
		azureApiVersion: row.azure_api_version,
		stream: row.stream,
		timeoutMs: row.timeout_ms,
		keyEnv: row.api_key_env,
		hasStoredKey: row.api_key_encrypted !== null,
		simulated: row.kind === 'simulated',
		archived: row.archived_at !== null,
		createdAt: row.created_at,
		updatedAt: row.updated_at
	};
}

export async function listProviders(db: Db, membership: Membership, input: { includeArchived: boolean }) {
	return (await repo.listProviders(db, membership.projectId, input.includeArchived)).map(view);
}

async function requireProvider(db: Db, projectId: string, providerId: string): Promise<LlmProvider> {
	const row = await repo.findProvider(db, projectId, providerId);
	if (!row) throw new AppError('NOT_FOUND', 'Provider not found.');
	return row;
}

export async function getProvider(db: Db, membership: Membership, providerId: string): Promise<ProviderView> {
	return view(await requireProvider(db, membership.projectId, providerId));
}

const fieldError = (field: string, message: string) => new AppError('BAD_REQUEST', message, { reason: field, field });

/** "simulated" in every simulated provider's name, so it is never taken for a real model. */
export function simulatedName(name: string): string {
	return /simulated/i.test(name) ? name : `${name} (simulated)`;
}

/** The encryption key, or a plain-words refusal when CONCORD_SECRET_KEY is missing or malformed. */
function storageKey(): Buffer {
	try {
		return secretKeyFromEnv();
	} catch (error) {
		if (error instanceof SecretError)
			throw new AppError(
				'BAD_REQUEST',
				`Concord cannot store this API key: ${error.message} Ask the operator to set it and restart Concord, or name an environment variable that holds the key instead.`,
				{ reason: 'no_secret_key', field: 'key' }
			);
		throw error;
	}
}

/** Form settings → column values (the key encrypted, bound to `id`). `keep` leaves the key columns out. */
function columnsOf(input: ProviderSettings, id: string): repo.ProviderValues {
	if (input.kind === 'simulated') {
		return {
			name: simulatedName(input.name),
			kind: 'simulated',
			base_url: '',
			model: SIMULATED_JUDGE_MODEL,
			azure_api_version: null,
			api_key_env: null,
			api_key_encrypted: null,
			supports_json_schema: false,
			stream: false,
			temperature: input.temperature,
			max_tokens: input.maxTokens,
			seed: input.seed,
			concurrency: input.concurrency,
			requests_per_minute: null,
			tokens_per_minute: null,
			price_input_per_million: null,
			price_output_per_million: null,
			timeout_ms: input.timeoutMs,
			simulation: JSON.stringify(
				input.simulation ?? { positionBias: 0, lengthBias: 0, noise: 0.1, seed: input.seed ?? 1 }
			)
		};
	}
	let url: URL;
	try {
		url = new URL(input.baseUrl);
	} catch {
		throw fieldError('baseUrl', 'Enter the base URL, e.g. https://api.openai.com/v1.');
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:')
		throw fieldError('baseUrl', 'The base URL must start with http:// or https://.');
	if (url.username || url.password) throw fieldError('baseUrl', 'Put the key in the key field, not in the base URL.');
	if (!input.model)
		throw fieldError('model', input.kind === 'azure' ? 'Enter the deployment name.' : 'Enter the model name.');
	const values: repo.ProviderValues = {
		name: input.name,
		kind: input.kind,
		base_url: input.baseUrl.replace(/\/+$/, ''),
		model: input.model,
		azure_api_version: input.kind === 'azure' ? input.azureApiVersion || '2024-10-21' : null,
		supports_json_schema: input.supportsJsonSchema,
		stream: input.stream,
		temperature: input.temperature,
		max_tokens: input.maxTokens,
		seed: input.seed,
		concurrency: input.concurrency,
		requests_per_minute: input.requestsPerMinute,
		tokens_per_minute: input.tokensPerMinute,
		price_input_per_million: input.priceInputPerMillion === null ? null : String(input.priceInputPerMillion),
		price_output_per_million: input.priceOutputPerMillion === null ? null : String(input.priceOutputPerMillion),
		timeout_ms: input.timeoutMs,
		simulation: null
	};
	const key = input.key;
	if (key.source === 'none') Object.assign(values, { api_key_env: null, api_key_encrypted: null });
	else if (key.source === 'env') Object.assign(values, { api_key_env: key.name, api_key_encrypted: null });
	else if (key.source === 'stored')
		Object.assign(values, {
			api_key_env: null,
			api_key_encrypted: encryptSecret(key.value, { key: storageKey(), aad: id })
		});
	return values;
}

const nameTaken = (name: string) =>
	new AppError('CONFLICT', `A provider named "${name}" already exists in this project.`, {
		reason: 'name_taken',
		field: 'name'
	});

export async function createProvider(db: Db, membership: Membership, input: ProviderSettings): Promise<ProviderView> {
	const id = randomUUID();
	const values = columnsOf(input.key.source === 'keep' ? { ...input, key: { source: 'none' } } : input, id);
	const row = await repo.insertProvider(db, {
		...values,
		id,
		projectId: membership.projectId,
		createdBy: membership.userId
	});
	if (!row) throw nameTaken(values.name);
	logger.info('provider created', { projectId: membership.projectId, providerId: id, kind: row.kind });
	return view(row);
}

export async function updateProvider(
	db: Db,
	membership: Membership,
	providerId: string,
	input: ProviderSettings
): Promise<ProviderView> {
	const existing = await requireProvider(db, membership.projectId, providerId);
	const values = columnsOf(input, providerId);
	if (input.kind !== 'simulated' && input.key.source === 'keep' && existing.kind === 'simulated') {
		Object.assign(values, { api_key_env: null, api_key_encrypted: null });
	}
	if (await repo.providerNameTaken(db, membership.projectId, values.name, providerId)) throw nameTaken(values.name);
	const row = await repo.updateProvider(db, membership.projectId, providerId, values);
	if (!row) throw new AppError('NOT_FOUND', 'Provider not found.');
	logger.info('provider updated', { projectId: membership.projectId, providerId, kind: row.kind });
	return view(row);
}

export async function archiveProvider(db: Db, membership: Membership, providerId: string): Promise<{ archived: true }> {
	await requireProvider(db, membership.projectId, providerId);
	await repo.archiveProvider(db, membership.projectId, providerId);
	return { archived: true };
}

/** Whether this server can store keys (CONCORD_SECRET_KEY set and well-formed), for the form. */
export function keyStorageAvailable(): { available: boolean } {
	try {
		secretKeyFromEnv();
		return { available: true };
	} catch {
		return { available: false };
	}
}

/** "Test connection" in plain words; `ok: false` carries the failure's kind, never a key. */
export type ConnectionTest =
	| { ok: true; simulated: true; model: string; message: string }
	| {
			ok: true;
			simulated: false;
			model: string;
			latencyMs: number;
			/** Model ids from GET /models (first 100), or null when the server has no list. */
			models: string[] | null;
			modelCount: number | null;
			modelListed: boolean | null;
			reply: string;
			usage: { promptTokens: number; completionTokens: number } | null;
	  }
	| { ok: false; simulated: false; model: string; errorKind: string; status: number | null; message: string };

/** Test calls wait at most this long, whatever the provider's per-call timeout: someone is watching. */
const TEST_TIMEOUT_MS = 30_000;

export async function testConnection(db: Db, membership: Membership, providerId: string): Promise<ConnectionTest> {
	const row = await requireProvider(db, membership.projectId, providerId);
	if (row.kind === 'simulated') {
		const s = simulationFromRow(row);
		return {
			ok: true,
			simulated: true,
			model: row.model,
			message: `The simulated judge needs no network and no model: it scores answers from their features (position bias ${s.positionBias}, length bias ${s.lengthBias}, noise ${s.noise}, seed ${s.seed}).`
		};
	}
	const config = { ...providerConfigFromRow(row), timeoutMs: Math.min(row.timeout_ms, TEST_TIMEOUT_MS) };
	// Resolved here only to scrub it from anything the server sends back (a hostile endpoint may echo it).
	let key: string | null = null;
	try {
		key = resolveApiKey(config);
		const report = await createLlmClient(config).testConnection();
		const clean = (text: string) => redact(text, [key]);
		return {
			ok: true,
			simulated: false,
			model: row.model,
			latencyMs: report.latencyMs,
			models: report.models ? report.models.slice(0, 100).map(clean) : null,
			modelCount: report.models ? report.models.length : null,
			modelListed: report.modelListed,
			reply: clean(report.reply.slice(0, 200)),
			usage: report.usage
		};
	} catch (error) {
		if (!(error instanceof LlmError)) throw error;
		return {
			ok: false,
			simulated: false,
			model: row.model,
			errorKind: error.kind,
			status: error.status,
			// The client names providers by id (logs); the person testing knows them by name.
			message: redact(error.message, [key]).split(row.id).join(`"${row.name}"`)
		};
	}
}
