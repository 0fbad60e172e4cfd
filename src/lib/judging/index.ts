/**
 * The judging core: pure functions over rubric content, items and answers (no IO). The LLM call,
 * the database and the clock are injected by the callers (the judge run executor, the rubric
 * editor). See ARCHITECTURE.md and judges/README.md.
 *
 *   renderPrompt({ rubric, item, answers, order, turn })  → messages + promptHash
 *   responseFormatFor(rubric)                              → response_format json_schema
 *   parseVerdict(rubric, reply)                            → verdict | abstain | { ok: false, reason, raw }
 *   outcomeOf / aggregateSamples / combineOrders           → k samples, both orders, red lines
 *   flagAnswer(text) / flagNullModel(answers)              → answers aimed at the judge
 *   simulateReply / simulatedCallLlm(config)               → the simulated judge (no model)
 *   executeJudgment({ rubric, item, answers, order, sample, callLlm }) → one judgment end to end
 */
export * from './types';
export * from './rubric-schema';
export * from './content-hash';
export * from './template';
export * from './validate';
export * from './judge-files';
export * from './fence';
export * from './render';
export * from './response-format';
export * from './parse-verdict';
export * from './aggregate';
export * from './flag-answer';
export * from './simulate';
export * from './execute';
