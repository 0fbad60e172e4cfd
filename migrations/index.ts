/**
 * The ordered list of migrations. An explicit list (instead of a directory scan)
 * works the same under Vite, Vitest, the built server and the tsx-run worker.
 * Add a new file as `NNNN-name.ts` and append it here; never edit a shipped one.
 */
import type { Migration } from 'kysely';
import * as m0001 from './0001-foundation';
import * as m0003 from './0003-datasets';
import * as m0004 from './0004-dataset-search';
import * as m0005 from './0005-import-write-path';
import * as m0006 from './0006-worker-heartbeat';
import * as m0009 from './0009-item-position';
import * as m0010 from './0010-judges';
import * as m0011 from './0011-live-judgment-count';
import * as m0012 from './0012-judgment-category';
import * as m0019 from './0019-llm-rate-buckets';
import * as m0020 from './0020-annotation-queues';
import * as m0021 from './0021-annotation-hot-path';
import * as m0029 from './0029-annotation-open-from';
import * as m0030 from './0030-gate-certification';
import * as m0031 from './0031-exports-api';
import * as m0032 from './0032-gate-pairwise';
import * as m0033 from './0033-prompt-lz4';
import * as m0034 from './0034-run-planning';
import * as m0035 from './0035-answer-numbering-index';

export const migrations: Record<string, Migration> = {
	'0001-foundation': m0001,
	'0003-datasets': m0003,
	'0004-dataset-search': m0004,
	'0005-import-write-path': m0005,
	'0006-worker-heartbeat': m0006,
	'0009-item-position': m0009,
	'0010-judges': m0010,
	'0011-live-judgment-count': m0011,
	'0012-judgment-category': m0012,
	'0019-llm-rate-buckets': m0019,
	'0020-annotation-queues': m0020,
	'0021-annotation-hot-path': m0021,
	'0029-annotation-open-from': m0029,
	'0030-gate-certification': m0030,
	'0031-exports-api': m0031,
	'0032-gate-pairwise': m0032,
	'0033-prompt-lz4': m0033,
	'0034-run-planning': m0034,
	'0035-answer-numbering-index': m0035
};
