/**
 * Nesting depth of parsed JSON. JSON.parse itself is iterative, but everything after it
 * (JSON.stringify, hashing, the tRPC and page serializers) recurses, so a value nested
 * 10,000 levels deep would end as "Maximum call stack size exceeded" far from its line.
 * Records are checked right after parsing, without recursion, and a too-deep field is
 * reported by name like any other bad field.
 */

/** Deeper than any real dataset needs; far below what the recursive serializers survive. */
export const MAX_JSON_DEPTH = 100;

/**
 * The first top-level key of `record` whose value nests deeper than `max` levels
 * (the record itself is level 1), or undefined when every field is within the bound.
 */
export function tooDeepField(record: Record<string, unknown>, max = MAX_JSON_DEPTH): string | undefined {
	for (const key of Object.keys(record)) {
		const v = record[key];
		if (v !== null && typeof v === 'object' && depthExceeds(v, max - 1)) return key;
	}
	return undefined;
}

/** True when `value` (an object or array, at level 1) has more than `max` levels. */
export function depthExceeds(value: object, max: number): boolean {
	const stack: [unknown, number][] = [[value, 1]];
	while (stack.length > 0) {
		const [v, depth] = stack.pop()!;
		if (depth > max) return true;
		const children = Array.isArray(v) ? v : Object.values(v as object);
		for (const c of children) if (c !== null && typeof c === 'object') stack.push([c, depth + 1]);
	}
	return false;
}

export function tooDeepReason(max = MAX_JSON_DEPTH): string {
	return `nests objects or arrays more than ${max} levels deep, which Concord does not accept.`;
}

export function tooDeepIssue(max = MAX_JSON_DEPTH) {
	return { reason: tooDeepReason(max), key: 'import_err_too_deep', params: { max } };
}
