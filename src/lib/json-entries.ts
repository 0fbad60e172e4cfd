/**
 * Free-form JSON objects from imported files (metadata) travel to the browser as a list of
 * entries whose values are JSON text. Their keys are data and may be anything, "__proto__"
 * and "constructor" included, which both serializers on the way out (superjson for tRPC,
 * devalue for page data) refuse as object keys; nested objects are inside the JSON text.
 */
export interface JsonEntry {
	key: string;
	/** The value as JSON text. */
	json: string;
}

export function jsonEntries(obj: Record<string, unknown> | null | undefined): JsonEntry[] {
	if (!obj) return [];
	return Object.keys(obj).map((key) => ({ key, json: JSON.stringify(obj[key]) ?? 'null' }));
}

/** Display text of an entry: a string as itself, anything else as indented JSON. */
export function entryText(entry: JsonEntry): string {
	const value: unknown = JSON.parse(entry.json);
	return typeof value === 'string' ? value : JSON.stringify(value, null, 2);
}
