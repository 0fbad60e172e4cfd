/**
 * Cluster keys for the bootstrap from optional per-row `item` fields: rows
 * that belong to the same item (prompt, conversation) are resampled together.
 * Internal helper of the bias modules; not part of the public index.
 */

/** The keys when every row has one, undefined when none has; a mix is an error. */
export function itemClusters(
	keys: readonly (string | number | undefined)[],
	where: string
): (string | number)[] | undefined {
	let given = 0;
	for (const k of keys) if (k !== undefined) given++;
	if (given === 0) return undefined;
	if (given !== keys.length) throw new TypeError(`${where}: give \`item\` on every row or on none`);
	return keys as (string | number)[];
}
