/**
 * The systems and categories of the dataset picked in the new-run form. Picking another dataset
 * fetches them through the tRPC client (no navigation: the rest of the form keeps its values).
 */
import { trpc } from '$lib/trpc/client';

export interface SystemChoice {
	id: string;
	name: string;
}
export interface CategoryChoice {
	value: string;
	count: number;
}

export class DatasetChoices {
	datasetId = $state<string | null>(null);
	systems = $state<SystemChoice[]>([]);
	categories = $state<CategoryChoice[]>([]);
	loading = $state(false);
	error = $state<string | null>(null);
	private request = 0;

	constructor(
		private readonly projectId: string,
		initial: { datasetId: string | null; systems: SystemChoice[]; categories: CategoryChoice[] }
	) {
		this.datasetId = initial.datasetId;
		this.systems = initial.systems;
		this.categories = initial.categories;
	}

	async choose(datasetId: string) {
		if (datasetId === this.datasetId) return;
		this.datasetId = datasetId;
		const request = ++this.request;
		this.loading = true;
		this.error = null;
		try {
			const ref = { projectId: this.projectId, datasetId };
			const [systems, facets] = await Promise.all([
				trpc().datasets.systems.query(ref),
				trpc().datasets.categories.query(ref)
			]);
			// A slower answer for a dataset picked earlier must not overwrite the current one.
			if (request !== this.request) return;
			this.systems = systems.map((s) => ({ id: s.id, name: s.name }));
			this.categories = facets.categories.map((c) => ({ value: c.value, count: c.count }));
		} catch (error) {
			if (request === this.request) this.error = error instanceof Error ? error.message : String(error);
		} finally {
			if (request === this.request) this.loading = false;
		}
	}
}
