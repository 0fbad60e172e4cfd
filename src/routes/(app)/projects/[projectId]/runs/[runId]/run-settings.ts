/**
 * A run's stored options and key-free provider snapshot (both JSON columns) read defensively
 * into what the settings panel shows: a run made by an older Concord may lack a field.
 */
export interface RunOptionsView {
	bothOrders: boolean;
	samples: number;
	pairing: 'all-pairs' | 'baseline';
	baselineSystemId: string | null;
	systemIds: string[];
	categories: string[];
	sampleItems: number | null;
	sampleSeed: number | null;
	structured: boolean | null;
}

export interface ProviderSnapshotView {
	name: string | null;
	kind: string | null;
	model: string | null;
	baseUrl: string | null;
	temperature: number | null;
	maxTokens: number | null;
	seed: number | null;
	concurrency: number | null;
	simulation: { positionBias: number; lengthBias: number; noise: number; seed: number } | null;
}

const obj = (v: unknown): Record<string, unknown> =>
	v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
const strings = (v: unknown) => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

export function readOptions(value: unknown): RunOptionsView {
	const o = obj(value);
	return {
		bothOrders: o.bothOrders === true,
		samples: num(o.samples) ?? 1,
		pairing: o.pairing === 'baseline' ? 'baseline' : 'all-pairs',
		baselineSystemId: str(o.baselineSystemId),
		systemIds: strings(o.systemIds),
		categories: strings(o.categories),
		sampleItems: num(o.sampleItems),
		sampleSeed: num(o.sampleSeed),
		structured: typeof o.structured === 'boolean' ? o.structured : null
	};
}

export function readProvider(value: unknown): ProviderSnapshotView | null {
	if (!value || typeof value !== 'object') return null;
	const p = obj(value);
	const sim = p.simulation ? obj(p.simulation) : null;
	return {
		name: str(p.name),
		kind: str(p.kind),
		model: str(p.model),
		baseUrl: str(p.baseUrl),
		temperature: num(p.temperature),
		maxTokens: num(p.maxTokens),
		seed: num(p.seed),
		concurrency: num(p.concurrency),
		simulation: sim
			? {
					positionBias: num(sim.positionBias) ?? 0,
					lengthBias: num(sim.lengthBias) ?? 0,
					noise: num(sim.noise) ?? 0,
					seed: num(sim.seed) ?? 0
				}
			: null
	};
}
