/** Words for provider values, in the reader's language. */
import { m } from '$lib/paraglide/messages.js';

export const kindLabel = (kind: string) =>
	kind === 'azure'
		? m.provider_kind_azure()
		: kind === 'simulated'
			? m.provider_kind_simulated()
			: m.provider_kind_openai();

export const keyLabel = (p: { keyEnv: string | null; hasStoredKey: boolean }) =>
	p.keyEnv ? m.provider_key_env({ name: p.keyEnv }) : p.hasStoredKey ? m.provider_key_stored() : m.provider_key_none();

const limit = (n: number | null) => (n === null ? m.provider_unlimited() : n.toLocaleString());

export const limitsLabel = (p: {
	requestsPerMinute: number | null;
	tokensPerMinute: number | null;
	concurrency: number;
}) => m.provider_limits({ rpm: limit(p.requestsPerMinute), tpm: limit(p.tokensPerMinute), concurrency: p.concurrency });
