/**
 * JSON objects inside a model reply: the whole reply, code-fenced blocks, or `{…}` spans in prose.
 * A scanner rather than a regex, because verdict objects nest (`{"scores": {…}}`) and their
 * strings may hold braces.
 */

/** The whole reply as JSON, allowing one surrounding code fence. Undefined when it is not JSON. */
export function wholeJson(reply: string): unknown {
	const text = reply.trim();
	const fenced = /^```[a-zA-Z]*\s*\n?([\s\S]*?)\n?```$/.exec(text);
	try {
		return JSON.parse(fenced ? fenced[1] : text);
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
