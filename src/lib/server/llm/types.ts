/**
 * The provider configuration and the call shapes of the LLM client. A provider
 * is any OpenAI-compatible endpoint (OpenAI, Azure OpenAI, vLLM, Ollama,
 * llama.cpp server, DeepSeek, Qwen …): only chat completions and the model list
 * are assumed; everything else is declared per provider.
 */
export interface ProviderConfig {
	/** Stable id: the rate-limit bucket's key and the name in logs. */
	id: string;
	/** `azure` uses Azure's URL scheme and `api-key` header (AzureOpenAI in the SDK). */
	kind: 'openai-compatible' | 'azure';
	/** e.g. https://api.openai.com/v1, http://localhost:11434/v1; for Azure the resource endpoint. */
	baseUrl: string;
	model: string;
	/** Azure only: the API version (e.g. 2024-10-21); the deployment is `model`. */
	azureApiVersion?: string;
	/** Where the key comes from; null for local servers that need none. Never the key itself in clear. */
	apiKey: { env: string } | { encrypted: string } | null;
	/** Send `response_format: json_schema` (OpenAI, recent vLLM). Off: the reply is parsed tolerantly instead. */
	supportsJsonSchema: boolean;
	/** Stream the reply (SSE); usage is asked with stream_options.include_usage. */
	stream?: boolean;
	/** Per call, including the reading of the reply. Default 120 s. */
	timeoutMs?: number;
	/** Retries after the first attempt for retryable failures. Default 6. */
	maxRetries?: number;
	/** Exponential backoff: first delay and cap (ms). Defaults 1 s and 60 s. */
	backoff?: { baseMs?: number; maxMs?: number };
	/** Shared by all worker processes together (PostgreSQL token buckets). null: no limit. */
	requestsPerMinute?: number | null;
	tokensPerMinute?: number | null;
	/** USD (or any currency) per 1M tokens. */
	pricePerMillion?: { input: number; output: number } | null;
}

export interface ChatMessage {
	role: 'system' | 'user' | 'assistant';
	content: string;
}

export interface JsonSchemaFormat {
	type: 'json_schema';
	json_schema: { name: string; strict?: boolean; schema: Record<string, unknown> };
}

export interface ChatRequest {
	messages: ChatMessage[];
	temperature?: number;
	maxTokens?: number;
	seed?: number;
	/** Sent only when the provider supports json_schema; otherwise dropped (the caller parses tolerantly). */
	responseFormat?: JsonSchemaFormat;
	/** Aborts the call and its retries (a cancelled run, a stopping worker). */
	signal?: AbortSignal;
}

export interface Usage {
	promptTokens: number;
	completionTokens: number;
}

export interface ChatResult {
	text: string;
	/** Null when the provider reported none. */
	usage: Usage | null;
	/** Null without usage or prices. */
	cost: number | null;
	/** Of the successful attempt, in ms. */
	latencyMs: number;
	/** Attempts made, including the successful one. */
	attempts: number;
	/** Whether response_format json_schema was sent. */
	structured: boolean;
	finishReason: string | null;
	model: string;
}
