/**
 * The judging core: pure functions over rubric content, items and answers (no IO). The LLM call,
 * the database and the clock are injected by the callers (the judge run executor, the rubric
 * editor). See ARCHITECTURE.md "Judging" and judges/README.md.
 */
export * from './types';
export * from './rubric-schema';
export * from './content-hash';
export * from './template';
export * from './validate';
export * from './judge-files';
