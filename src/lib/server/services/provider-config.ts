/**
 * A provider row → what the LLM client and the simulated judge take. Shared by the provider
 * service ("Test connection") and the judge-run executor, so both read a row the same way.
 * `publicProviderSettings` is the key-free copy a run keeps as `provider_snapshot` and that
 * pages and exports may show: it never carries the key or its ciphertext.
 */
import type { SimulatedJudgeConfig } from '../../judging/simulate';
import type { LlmProvider } from '../db/schema';
import type { ProviderConfig } from '../llm';

export function providerConfigFromRow(row: LlmProvider): ProviderConfig {
	return {
		id: row.id,
		kind: row.kind === 'azure' ? 'azure' : 'openai-compatible',
		baseUrl: row.base_url,
		model: row.model,
		azureApiVersion: row.azure_api_version ?? undefined,
		apiKey: row.api_key_env
			? { env: row.api_key_env }
			: row.api_key_encrypted
				? { encrypted: row.api_key_encrypted }
				: null,
		supportsJsonSchema: row.supports_json_schema,
		stream: row.stream,
		timeoutMs: row.timeout_ms,
		requestsPerMinute: row.requests_per_minute,
		tokensPerMinute: row.tokens_per_minute,
		pricePerMillion:
			row.price_input_per_million === null && row.price_output_per_million === null
				? null
				: { input: Number(row.price_input_per_million ?? 0), output: Number(row.price_output_per_million ?? 0) }
	};
}

const SIMULATION_DEFAULTS: SimulatedJudgeConfig = { seed: 1, positionBias: 0, lengthBias: 0, noise: 0.1 };

/** The simulated judge's settings of a `simulated` provider row (defaults for missing fields). */
export function simulationFromRow(row: LlmProvider): SimulatedJudgeConfig {
	return { ...SIMULATION_DEFAULTS, ...(row.simulation as Partial<SimulatedJudgeConfig> | null) };
}

export interface PublicProviderSettings {
	id: string;
	name: string;
	kind: LlmProvider['kind'];
	baseUrl: string;
	model: string;
	temperature: number | null;
	maxTokens: number | null;
	seed: number | null;
	concurrency: number;
	requestsPerMinute: number | null;
	tokensPerMinute: number | null;
	pricePerMillion: { input: number; output: number } | null;
	supportsJsonSchema: boolean;
	/** Where the key comes from, never the key: 'env:NAME', 'stored' or 'none'. */
	keySource: string;
	simulation: SimulatedJudgeConfig | null;
}

export function publicProviderSettings(row: LlmProvider): PublicProviderSettings {
	const config = providerConfigFromRow(row);
	return {
		id: row.id,
		name: row.name,
		kind: row.kind,
		baseUrl: row.base_url,
		model: row.model,
		temperature: row.temperature,
		maxTokens: row.max_tokens,
		seed: row.seed,
		concurrency: row.concurrency,
		requestsPerMinute: row.requests_per_minute,
		tokensPerMinute: row.tokens_per_minute,
		pricePerMillion: config.pricePerMillion ?? null,
		supportsJsonSchema: row.supports_json_schema,
		keySource: row.api_key_env ? `env:${row.api_key_env}` : row.api_key_encrypted ? 'stored' : 'none',
		simulation: row.kind === 'simulated' ? simulationFromRow(row) : null
	};
}
