/** The dataset, run and label source chosen on an analysis page (query string), with sensible defaults. */
import { loadOrThrow } from '$lib/server/http/route-errors';
import type { DatasetSummary } from '$lib/server/services/dataset-browse';

export type HumanSource = 'all' | 'imported' | 'ui' | 'gold';
const SOURCES: HumanSource[] = ['all', 'imported', 'ui', 'gold'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function chooseDataset(datasets: DatasetSummary[], url: URL): DatasetSummary | null {
	const asked = url.searchParams.get('dataset');
	return (
		datasets.find((d) => d.id === asked) ??
		// Default: the first dataset with verdicts and labels, else with either, else the first.
		datasets.find((d) => (d.results?.judgmentCount ?? 0) > 0 && (d.results?.annotationCount ?? 0) > 0) ??
		datasets.find((d) => (d.results?.judgmentCount ?? 0) + (d.results?.annotationCount ?? 0) > 0) ??
		datasets[0] ??
		null
	);
}

export function chooseRun(url: URL): string | undefined {
	const run = url.searchParams.get('run');
	return run && UUID.test(run) ? run : undefined;
}

export function chooseSource(url: URL): HumanSource {
	const s = url.searchParams.get('source') as HumanSource | null;
	return s && SOURCES.includes(s) ? s : 'all';
}

/**
 * The first step of the dataset-scoped analysis pages: the project's datasets, the chosen one, and
 * the page's result for the chosen run. A run of another dataset (the dataset was changed in the
 * form) falls back to this dataset's default run.
 */
export async function loadForDataset<T>(
	url: URL,
	listDatasets: () => Promise<DatasetSummary[]>,
	ask: (datasetId: string, judgeRunId: string | undefined) => Promise<T>
): Promise<{ datasets: { id: string; name: string }[]; result: T | null }> {
	const all = await loadOrThrow(url, listDatasets);
	const dataset = chooseDataset(all, url);
	const result = dataset
		? await loadOrThrow(url, () => ask(dataset.id, chooseRun(url)).catch(() => ask(dataset.id, undefined)))
		: null;
	return { datasets: all.map((d) => ({ id: d.id, name: d.name })), result };
}
