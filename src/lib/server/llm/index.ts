/**
 * LLM providers: the OpenAI-compatible client with our retry policy, the shared
 * rate limiter, encrypted API keys and cost. See ARCHITECTURE.md ("LLM calls").
 */
export * from './types';
export { createLlmClient, resolveApiKey, type LlmClient, type LlmClientDeps, type ConnectionReport } from './client';
export { LlmError, type LlmErrorKind } from './errors';
export { createPgRateLimiter, noRateLimit, type RateLimiter, type RateLimits } from './rate-limiter';
export { encryptSecret, decryptSecret, SecretError } from './secrets';
export { costOf } from './cost';
export { nodeFetch } from './node-fetch';
