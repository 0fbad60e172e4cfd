/**
 * A project holding a small pairwise dataset (LLMBar format: two answers per question), made
 * through tRPC as the admin: the start of the annotation and category specs.
 */
import type { trpcAs } from './trpc';

/** Three questions, each with a right and a wrong answer. */
export const PAIRS = [
	{ input: 'What is the capital of France?', output_1: 'Paris.', output_2: 'Lyon.', label: 1 },
	{ input: 'Name a prime number above 10.', output_1: '12', output_2: '13', label: 2 },
	{ input: 'Translate "merci" into English.', output_1: 'Thank you.', output_2: 'Please.', label: 1 }
];

/** A new project named `name` (made unique) with `pairs` imported as the dataset "Pairs". */
export async function projectWithPairs(
	admin: ReturnType<typeof trpcAs>,
	name: string,
	pairs: typeof PAIRS = PAIRS
): Promise<{ projectId: string; datasetId: string }> {
	const { id: projectId } = await admin.mutate<{ id: string }>('projects.create', {
		name: `${name} ${Date.now()}`,
		description: ''
	});
	const datasetId = await admin.importFile(projectId, {
		name: 'pairs.jsonl',
		content: pairs.map((p) => JSON.stringify(p)).join('\n') + '\n',
		format: 'llmbar',
		datasetName: 'Pairs'
	});
	return { projectId, datasetId };
}
