/**
 * Where to go after signing in. `redirectTo` comes from the query string, so
 * it is attacker-controlled: only a same-site relative path is followed
 * (`/projects/1?tab=x`), never `//evil.example`, `/\evil.example`, a scheme or
 * anything that resolves to another origin.
 */
export const DEFAULT_AFTER_SIGN_IN = '/projects';

export function safeRedirectTarget(value: string | null | undefined, fallback = DEFAULT_AFTER_SIGN_IN): string {
	if (!value || value.length > 2048) return fallback;
	// Browsers treat backslashes like slashes and drop tabs/newlines inside URLs.
	if (!value.startsWith('/') || value.startsWith('//') || /[\\\s]/.test(value)) return fallback;
	const base = 'http://concord.invalid';
	let resolved: URL;
	try {
		resolved = new URL(value, base);
	} catch {
		return fallback;
	}
	if (resolved.origin !== base) return fallback;
	return resolved.pathname + resolved.search + resolved.hash;
}
