/** The dataset, run and label source chosen on an analysis page (query string), with sensible defaults. */
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
