/**
 * Fencing untrusted text (questions, answers, references, earlier turns) as DATA in a prompt.
 *
 * A fenced block is `<<<LABEL tag>>>` … `<<<END LABEL tag>>>`. Two defences, each enough alone:
 * - the tag is a hash of every text fenced in the prompt, so a text cannot contain its own
 *   closing marker (it would have to contain a hash of itself);
 * - every run of three or more `<` inside untrusted text becomes full-width `＜`, so no marker can
 *   start inside it at all. (`>>>`, common in Python sessions, is left alone: a marker cannot
 *   begin with it.)
 */
import { canonicalJson, sha256Hex } from './content-hash';

/** Replace `<<<` runs with full-width less-than signs: still readable, never a fence marker. */
export function neutraliseFences(text: string): string {
	return text.replace(/<{3,}/g, (run) => '\uFF1C'.repeat(run.length));
}

/** The fence tag for one prompt: 10 hex digits of a hash over all texts it fences. */
export function fenceTag(untrusted: readonly string[]): string {
	return fenceTagOf(canonicalJson(untrusted));
}

/** fenceTag from the canonical JSON of the fenced texts, when the caller has it (render.ts). */
export function fenceTagOf(canonical: string): string {
	return sha256Hex(canonical).slice(0, 10);
}

export function fence(label: string, text: string, tag: string): string {
	return `<<<${label} ${tag}>>>\n${neutraliseFences(text)}\n<<<END ${label} ${tag}>>>`;
}

/** Any fence marker, whoever wrote it: used to flag answers that try to close or open one. */
export const FENCE_MARKER = /<<<\s*(?:END\s+)?[A-Z][A-Z0-9_]*(?:\s+[0-9a-f]{4,})?\s*>>>/;
