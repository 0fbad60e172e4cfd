import type { ProviderConfig, Usage } from './types';

/** cost = prompt tokens × input price / 10⁶ + completion tokens × output price / 10⁶. */
export function costOf(usage: Usage | null, price: ProviderConfig['pricePerMillion']): number | null {
	if (!usage || !price) return null;
	return (usage.promptTokens * price.input + usage.completionTokens * price.output) / 1_000_000;
}
