/** All demo questions, in display order (40 questions, 9 of them multi-turn). */
import { cloudQuestions } from './questions-cloud';
import { clinicalQuestions } from './questions-clinical';
import { generalQuestions } from './questions-general';
import { materialsQuestions } from './questions-materials';
import { networkQuestions } from './questions-network';
import type { DemoQuestion } from './types';

export const demoQuestions: readonly DemoQuestion[] = [
	...networkQuestions,
	...cloudQuestions,
	...materialsQuestions,
	...clinicalQuestions,
	...generalQuestions
];
