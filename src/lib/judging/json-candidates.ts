/**
 * JSON objects inside a model reply: the whole reply, code-fenced blocks, or `{…}` spans in prose.
 * A scanner rather than a regex, because verdict objects nest (`{"scores": {…}}`) and their
 * strings may hold braces.
 */

/** JSON text starts with one of these (RFC 8259 §2–§7; whitespace already trimmed). */
const JSON_START = /^[{["\-0-9tfn]/;

/**
 * The whole reply as JSON, allowing one surrounding code fence. Undefined when it is not JSON.
 * Prose is turned away by its first character before JSON.parse sees it: a thrown SyntaxError
 * (with its stack) costs far more than the parse, and most text replies are not JSON.
 */
export function wholeJson(reply: string): unknown {
	const text = reply.trim();
	const fenced = text.startsWith('```') ? /^```[a-zA-Z]*\s*\n?([\s\S]*?)\n?```$/.exec(text) : null;
	const body = fenced ? fenced[1].trim() : text;
	if (!JSON_START.test(body)) return undefined;
	try {
		return JSON.parse(body);
	} catch {
		return undefined;
	}
}

/** Every balanced top-level `{…}` span that parses as a JSON object, in order of appearance. */
export function embeddedJsonObjects(reply: string): Record<string, unknown>[] {
	const found: Record<string, unknown>[] = [];
	let i = 0;
	while (i < reply.length) {
		const start = reply.indexOf('{', i);
		if (start < 0) break;
		const end = matchingBrace(reply, start);
		if (end < 0) {
			i = start + 1;
			continue;
		}
		try {
			const value = JSON.parse(reply.slice(start, end + 1));
			if (value && typeof value === 'object' && !Array.isArray(value)) {
				found.push(value as Record<string, unknown>);
				i = end + 1;
				continue;
			}
		} catch {
			// Not JSON (e.g. "{like this}" in prose): look for an object starting inside it.
		}
		i = start + 1;
	}
	return found;
}

/** Index of the `}` closing the `{` at `start`, honouring JSON strings; −1 if unbalanced. */
function matchingBrace(text: string, start: number): number {
	let depth = 0;
	let inString = false;
	for (let i = start; i < text.length; i++) {
		const c = text[i];
		if (inString) {
			if (c === '\\') i++;
			else if (c === '"') inString = false;
		} else if (c === '"') inString = true;
		else if (c === '{') depth++;
		else if (c === '}') {
			depth--;
			if (depth === 0) return i;
		}
	}
	return -1;
}
