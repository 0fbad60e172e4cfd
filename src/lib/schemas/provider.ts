/**
 * Inputs of the provider procedures, shared with the provider form, and the base-URL presets the
 * form offers. An API key travels only INTO the server (create/update, `key.source = 'stored'`);
 * nothing that answers ever carries it.
 */
import { z } from 'zod';

export const PROVIDER_KINDS = ['openai-compatible', 'azure', 'simulated'] as const;
export const ProviderKindSchema = z.enum(PROVIDER_KINDS);
export type ProviderKind = z.infer<typeof ProviderKindSchema>;

/** Base URLs of the usual OpenAI-compatible servers; the form fills them in. */
export const PROVIDER_PRESETS = [
	{
		id: 'openai',
		label: 'OpenAI',
		kind: 'openai-compatible',
		baseUrl: 'https://api.openai.com/v1',
		keyEnv: 'OPENAI_API_KEY'
	},
	{
		id: 'azure',
		label: 'Azure OpenAI',
		kind: 'azure',
		baseUrl: 'https://RESOURCE.openai.azure.com',
		keyEnv: 'AZURE_OPENAI_API_KEY'
	},
	{
		id: 'deepseek',
		label: 'DeepSeek',
		kind: 'openai-compatible',
		baseUrl: 'https://api.deepseek.com/v1',
		keyEnv: 'DEEPSEEK_API_KEY'
	},
	{
		id: 'qwen',
		label: 'Qwen (DashScope)',
		kind: 'openai-compatible',
		baseUrl: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
		keyEnv: 'DASHSCOPE_API_KEY'
	},
	{ id: 'vllm', label: 'vLLM', kind: 'openai-compatible', baseUrl: 'http://localhost:8000/v1', keyEnv: '' },
	{ id: 'ollama', label: 'Ollama', kind: 'openai-compatible', baseUrl: 'http://localhost:11434/v1', keyEnv: '' },
	{
		id: 'llama-cpp',
		label: 'llama.cpp server',
		kind: 'openai-compatible',
		baseUrl: 'http://localhost:8080/v1',
		keyEnv: ''
	}
] as const satisfies readonly { id: string; label: string; kind: ProviderKind; baseUrl: string; keyEnv: string }[];

export const PROVIDER_NAME_MAX = 120;
export const API_KEY_MAX = 4096;

/**
 * The NAME of an environment variable holding a key. Concord's own secrets (CONCORD_*, the
 * database URL) are refused: a project admin could otherwise send them to any base URL.
 */
export const ApiKeyEnvNameSchema = z
	.string()
	.trim()
	.regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'An environment variable name: letters, digits and _.')
	.max(200)
	.refine((name) => /KEY|TOKEN/i.test(name), 'The variable name must contain KEY or TOKEN (e.g. OPENAI_API_KEY).')
	.refine(
		(name) => !/^(CONCORD_|DATABASE_URL$|PG)/i.test(name),
		"Concord's own settings cannot be used as an API key."
	);

/** Where the key comes from. `keep` (update only) leaves the stored source as it is. */
export const ProviderKeyInputSchema = z.discriminatedUnion('source', [
	z.object({ source: z.literal('none') }),
	z.object({ source: z.literal('env'), name: ApiKeyEnvNameSchema }),
	z.object({ source: z.literal('stored'), value: z.string().trim().min(1, 'Enter the key.').max(API_KEY_MAX) }),
	z.object({ source: z.literal('keep') })
]);
export type ProviderKeyInput = z.infer<typeof ProviderKeyInputSchema>;

export const SimulationInputSchema = z.object({
	positionBias: z.number().min(-1).max(1).default(0),
	lengthBias: z.number().min(-5).max(5).default(0),
	noise: z.number().min(0).max(5).default(0.1),
	seed: z
		.number()
		.int()
		.min(0)
		.max(2 ** 31 - 1)
		.default(1)
});
export type SimulationInput = z.infer<typeof SimulationInputSchema>;

const positiveOrNull = (max: number) => z.number().int().min(1).max(max).nullable().default(null);
const priceOrNull = z.number().min(0).max(1_000_000).nullable().default(null);

export const ProviderSettingsSchema = z.object({
	name: z.string().trim().min(1, 'Name is required.').max(PROVIDER_NAME_MAX),
	kind: ProviderKindSchema,
	/** Ignored for the simulated judge. */
	baseUrl: z.string().trim().max(2000).default(''),
	model: z.string().trim().max(200).default(''),
	azureApiVersion: z.string().trim().max(40).nullable().default(null),
	key: ProviderKeyInputSchema.default({ source: 'none' }),
	temperature: z.number().min(0).max(2).nullable().default(null),
	maxTokens: positiveOrNull(1_000_000),
	seed: z
		.number()
		.int()
		.min(0)
		.max(2 ** 31 - 1)
		.nullable()
		.default(null),
	concurrency: z.number().int().min(1).max(1024).default(4),
	requestsPerMinute: positiveOrNull(10_000_000),
	tokensPerMinute: positiveOrNull(1_000_000_000),
	priceInputPerMillion: priceOrNull,
	priceOutputPerMillion: priceOrNull,
	supportsJsonSchema: z.boolean().default(false),
	stream: z.boolean().default(false),
	timeoutMs: z.number().int().min(1000).max(600_000).default(120_000),
	simulation: SimulationInputSchema.nullable().default(null)
});
export type ProviderSettingsInput = z.input<typeof ProviderSettingsSchema>;
export type ProviderSettings = z.infer<typeof ProviderSettingsSchema>;

export const ProviderRefSchema = z.object({ providerId: z.string().uuid() });
export const UpdateProviderSchema = ProviderSettingsSchema.extend(ProviderRefSchema.shape);
export const ListProvidersSchema = z.object({ includeArchived: z.boolean().default(false) });
