/**
 * The demo questions, in display order: 40 in English (9 of them multi-turn), and a
 * separate set of 16 written in Chinese (4 multi-turn) that becomes its own dataset.
 */
import { cloudQuestions } from './questions-cloud';
import { clinicalQuestions } from './questions-clinical';
import { generalQuestions } from './questions-general';
import { materialsQuestions } from './questions-materials';
import { networkQuestions } from './questions-network';
export { chineseQuestions } from './questions-zh';
import type { DemoQuestion } from './types';

export const demoQuestions: readonly DemoQuestion[] = [
	...networkQuestions,
	...cloudQuestions,
	...materialsQuestions,
	...clinicalQuestions,
	...generalQuestions
];
