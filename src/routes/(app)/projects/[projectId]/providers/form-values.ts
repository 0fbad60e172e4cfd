/**
 * The provider form's fields → the providers procedures' input. Empty number fields mean "not
 * set" (null). The typed key is read here and passed on once; it is never put into values that a
 * failed form echoes back (see `echoValues`).
 */
import type { ProviderSettingsInput } from '$lib/schemas/provider';

const str = (form: FormData, key: string) => String(form.get(key) ?? '').trim();
const numOrNull = (form: FormData, key: string, scale = 1) => {
	const v = str(form, key);
	return v === '' ? null : Number(v) * scale;
};

export function providerInput(form: FormData): ProviderSettingsInput {
	const kind = str(form, 'kind') as ProviderSettingsInput['kind'];
	const source = str(form, 'keySource');
	const key =
		source === 'env'
			? { source: 'env' as const, name: str(form, 'keyEnv') }
			: source === 'stored'
				? { source: 'stored' as const, value: str(form, 'keyValue') }
				: source === 'keep'
					? { source: 'keep' as const }
					: { source: 'none' as const };
	const timeout = numOrNull(form, 'timeoutSeconds', 1000);
	return {
		name: str(form, 'name'),
		kind,
		baseUrl: str(form, 'baseUrl'),
		model: str(form, 'model'),
		azureApiVersion: str(form, 'azureApiVersion') || null,
		key,
		temperature: numOrNull(form, 'temperature'),
		maxTokens: numOrNull(form, 'maxTokens'),
		seed: numOrNull(form, 'seed'),
		concurrency: numOrNull(form, 'concurrency') ?? 4,
		requestsPerMinute: numOrNull(form, 'requestsPerMinute'),
		tokensPerMinute: numOrNull(form, 'tokensPerMinute'),
		priceInputPerMillion: numOrNull(form, 'priceIn'),
		priceOutputPerMillion: numOrNull(form, 'priceOut'),
		supportsJsonSchema: form.has('supportsJsonSchema'),
		stream: form.has('stream'),
		timeoutMs: timeout === null ? 120_000 : Math.round(timeout),
		simulation:
			kind === 'simulated'
				? {
						positionBias: numOrNull(form, 'positionBias') ?? 0,
						lengthBias: numOrNull(form, 'lengthBias') ?? 0,
						noise: numOrNull(form, 'noise') ?? 0.1,
						seed: numOrNull(form, 'simSeed') ?? 1
					}
				: null
	};
}

/** What a failed form may echo back to refill itself: every field except the typed key. */
export function echoValues(form: FormData): Record<string, string> {
	const values: Record<string, string> = {};
	for (const [k, v] of form.entries()) if (k !== 'keyValue' && typeof v === 'string') values[k] = v;
	return values;
}
