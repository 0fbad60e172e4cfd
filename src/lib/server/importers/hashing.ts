/**
 * Content hashes decide whether a re-imported row is "the same" (skipped) or a
 * conflict. They cover what judges and annotators see:
 * - item: prompt text or conversation, category, tags (NOT metadata, which is
 *   descriptive and kept from the first import; NOT the reference answer, which
 *   is compared on its own so a missing one can be filled in later);
 * - answer: content or per-turn responses (or "unavailable").
 * Keys inside objects are sorted, so field order in the source does not matter.
 */
import { hash } from 'node:crypto';

/** One-shot `crypto.hash` (Node ≥ 20.12): no Hash object per call, which cost as much as the digest on short texts. */
export function sha256Hex(text: string): string {
	return hash('sha256', text, 'hex');
}

/** JSON with object keys sorted recursively. */
export function canonicalJson(value: unknown): string {
	return JSON.stringify(value, (_key, v: unknown) => {
		if (v && typeof v === 'object' && !Array.isArray(v)) {
			const sorted: Record<string, unknown> = Object.create(null); // "__proto__" is a key like any other
			for (const k of Object.keys(v).sort()) sorted[k] = (v as Record<string, unknown>)[k];
			return sorted;
		}
		return v;
	});
}

/** A short stable id for sources that have none (AlpacaEval instructions, LLMBar pairs, CSV without id). */
export function derivedId(prefix: string, ...parts: string[]): string {
	return `${prefix}${sha256Hex(parts.join('\u0000')).slice(0, 16)}`;
}
