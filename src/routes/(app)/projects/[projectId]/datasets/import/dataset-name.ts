import { m } from '$lib/paraglide/messages.js';

/** A name for a new dataset from the file name: "answers.jsonl.gz" → "answers". */
export function datasetNameFromFile(fileName: string): string {
	return (
		fileName
			.replace(/\.gz$/i, '')
			.replace(/\.(jsonl|json|csv|tsv|txt)$/i, '')
			.trim()
			.slice(0, 200) || m.import_default_dataset_name()
	);
}
