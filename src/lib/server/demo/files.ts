/**
 * The demo datasets as the files a user could have uploaded: for each of the two
 * datasets (English, Chinese), two JSON Lines files in the generic format, each with
 * the field mapping the import wizard would offer. Going through real files
 * (upload → preview-able → import job) means the demo is hashed, versioned and
 * deduplicated exactly like any import, and each dataset shows two revisions:
 * single questions, then conversations.
 */
import { chineseQuestions, demoQuestions } from './questions';
import { demoSystems, type DemoQuestion } from './types';

/** Which demo dataset a file goes into: the English questions or the Chinese ones. */
export type DemoDatasetKey = 'en' | 'zh';

export interface DemoFile {
	dataset: DemoDatasetKey;
	fileName: string;
	content: string;
	/** A generic-format mapping (see importers/formats/generic.ts). */
	mapping: Record<string, unknown>;
}

const answerColumns = Object.fromEntries(demoSystems.map((s) => [s, s]));

function answersOf(q: DemoQuestion, single: boolean): Record<string, string | string[]> {
	return Object.fromEntries(demoSystems.map((s) => [s, single ? q.answers[s][0] : q.answers[s]]));
}

const toJsonl = (rows: object[]) => rows.map((r) => JSON.stringify(r)).join('\n') + '\n';

/** One set of questions as two files: single questions first, then conversations. */
function filesOf(questions: readonly DemoQuestion[], dataset: DemoDatasetKey, prefix: string): DemoFile[] {
	const single = questions.filter((q) => q.turns.length === 1);
	const multi = questions.filter((q) => q.turns.length > 1);
	return [
		{
			dataset,
			fileName: `${prefix}-questions.jsonl`,
			content: toJsonl(
				single.map((q) => ({
					id: q.id,
					prompt: q.turns[0],
					...(q.reference ? { reference: q.reference[0] } : {}),
					category: q.category,
					tags: q.tags,
					...answersOf(q, true)
				}))
			),
			mapping: {
				externalId: 'id',
				prompt: 'prompt',
				reference: 'reference',
				category: 'category',
				tags: 'tags',
				answerColumns
			}
		},
		{
			dataset,
			fileName: `${prefix}-conversations.jsonl`,
			content: toJsonl(
				multi.map((q) => ({
					id: q.id,
					conversation: q.turns.map((content) => ({ role: 'user', content })),
					// JSON sources: an array is one reference / one response per user turn.
					...(q.reference ? { reference: q.reference } : {}),
					category: q.category,
					tags: q.tags,
					...answersOf(q, false)
				}))
			),
			mapping: {
				externalId: 'id',
				conversation: 'conversation',
				reference: 'reference',
				category: 'category',
				tags: 'tags',
				answerColumns
			}
		}
	];
}

export function demoFiles(): DemoFile[] {
	return [...filesOf(demoQuestions, 'en', 'concord-demo'), ...filesOf(chineseQuestions, 'zh', 'concord-demo-zh')];
}
