/**
 * An upper bound on the number of judge calls a new run will make, shown before it starts so a
 * paid provider holds no surprise: items × (pairs × orders | systems) × samples. Category filters
 * and items lacking an answer only lower it; turns judged one by one raise it (not known here).
 */
export function estimateUnits(o: {
	mode: 'pairwise' | 'pointwise' | null;
	items: number;
	systems: number;
	pairing: 'all-pairs' | 'baseline';
	bothOrders: boolean;
	samples: number;
	sampleItems: number | null;
}): number | null {
	if (o.mode === null) return null;
	const items = o.sampleItems && o.sampleItems > 0 ? Math.min(o.sampleItems, o.items) : o.items;
	const samples = Number.isInteger(o.samples) && o.samples >= 1 ? o.samples : 1;
	if (o.mode === 'pointwise') return items * o.systems * samples;
	const pairs = o.pairing === 'baseline' ? Math.max(0, o.systems - 1) : (o.systems * (o.systems - 1)) / 2;
	return items * pairs * (o.bothOrders ? 2 : 1) * samples;
}
