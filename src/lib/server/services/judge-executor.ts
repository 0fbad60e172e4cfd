/**
 * The body of the `judge.run` job: works a live run's pending judgments until none is left.
 *
 *   claim   a batch of units with FOR UPDATE SKIP LOCKED (claimed_by = this job), with item and
 *           answers, rendered here to learn each prompt hash → one reply-cache lookup per batch
 *   judge   up to `slots` units at once in this process (the provider's concurrency split over
 *           the run's jobs): a cache hit makes no call; otherwise the LLM client (retries,
 *           backoff, Retry-After, timeouts) or the simulated judge; executeJudgment parses
 *   write   results batched (~100 ms): judgments, new prompts and cache entries in one statement,
 *           each judgment only while this job still holds its claim
 *   plan    a run that started with only its first units (judge-planning.ts): every job tries to
 *           insert the rest at once (one gets the lock); a job out of units waits for it
 *   finish  the last job out (every unit in, no pending or running row left) completes the run
 *
 * Several jobs (`judge-run:<run>:<shard>`) may work one run on several worker processes. A cancel
 * (status `cancelling`) is seen within `cancelPollMs`: calls in flight are aborted, their rows go
 * back to pending, and the last job to hand its claims back makes the run `cancelled`. A
 * stopping worker does the same and fails the job attempt, so graphile-worker runs it again
 * elsewhere. A killed worker's claims are handed back by the release hook (jobs/liveness.ts), and
 * claims older than (timeout + 60 s) × (retries + 1) may be taken over by any job.
 */
import { setMaxListeners } from 'node:events';
import type { AnswerFlag } from '../../judging/flag-answer';
import { flagNullModel } from '../../judging/flag-answer';
import { executeJudgment, simulatedCallLlm, type CallLlm, type LlmReply } from '../../judging/execute';
import { responseFormatFor } from '../../judging/response-format';
import { prepareRubric, type RenderResult } from '../../judging/render';
import type { RubricContent } from '../../judging/types';
import type { Db } from '../db/client';
import * as repo from '../db/repositories/judge-runs';
import type { CacheRow, ClaimedUnit, PromptRow, UnitResult } from '../db/repositories/judge-runs';
import type { ReleasedJob } from '../jobs/liveness';
import { createLlmClient, createPgRateLimiter, LlmError, nodeFetch, type LlmClient, type ProviderConfig } from '../llm';
import { logger } from '../logger';
import { planRest, selectionOf } from './judge-planning';
import { providerConfigFromRow, simulationFromRow } from './provider-config';
import {
	failureOf,
	hashOf,
	judgeAnswersOf,
	judgeItemOf,
	renderUnit,
	replyKeyOf,
	resultOf,
	type CallMeta,
	type CallParameters
} from './judge-unit';

export interface ExecutorDeps {
	db: Db;
	workerName: string;
	/** Test and bench knobs for the LLM client (short backoff); production uses the defaults. */
	llm?: Pick<ProviderConfig, 'backoff' | 'maxRetries'>;
}

export interface ExecuteOptions {
	/** Who holds the claims: `job:<jobId>@<worker>`. */
	claimant: string;
	/** How many of the run's jobs share the provider's concurrency. */
	shards: number;
	/** Aborts like a stopping worker. */
	signal?: AbortSignal;
	cancelPollMs?: number;
	flushMs?: number;
}

export type ExecuteOutcome = 'completed' | 'drained' | 'cancelled' | 'interrupted' | 'not-runnable' | 'failed';

/** Units claimed but not yet written back, prepared for their call. */
interface Prepared {
	unit: ClaimedUnit;
	rendered: RenderResult;
	promptHash: string | null;
	replyKey: string | null;
	cached: CacheRow | null;
}

const DEFAULT_RETRIES = 6;
/** Results are written every FLUSH_MS, or at once when FLUSH_ROWS are waiting. */
const FLUSH_ROWS = 200;
const FLUSH_MS = 250;

/**
 * The run's null-model flags: computed by the first of its jobs (the others wait on the lock) and
 * kept in the run's metadata, so a run spread over several workers scans the dataset once.
 */
async function nullModelFlags(db: Db, runId: string, datasetId: string): Promise<Map<string, AnswerFlag>> {
	return db.transaction().execute(async (trx) => {
		await repo.lockRunSetup(trx, runId);
		const stored = (await repo.runMetadataKey(trx, runId, 'nullModelFlags')) as Record<string, AnswerFlag> | undefined;
		if (stored) return new Map(Object.entries(stored));
		const flags = flagNullModel(await repo.nullModelCandidates(trx, datasetId, 3, 20));
		await repo.setRunMetadata(trx, runId, { nullModelFlags: Object.fromEntries(flags) });
		return flags;
	});
}

export const claimantOf = (jobId: string, workerName: string) => `job:${jobId}@${workerName}`;
const claimPrefixOf = (jobId: string) => `job:${jobId}@`;

/** The `judge.run` job. */
export async function runJudgeRunJob(
	deps: ExecutorDeps,
	payload: { runId: string; shards: number },
	ctx: { jobId: string; signal: AbortSignal }
): Promise<void> {
	// Claims of an earlier attempt of this very job are dead: whoever held them is not running it now.
	await repo.releaseClaimsByPrefix(deps.db, payload.runId, claimPrefixOf(ctx.jobId));
	const outcome = await executeRun(deps, payload.runId, {
		claimant: claimantOf(ctx.jobId, deps.workerName),
		shards: payload.shards,
		signal: ctx.signal
	});
	// A retried attempt of a cancelled run only had its old claims to hand back (just done above).
	if (outcome === 'not-runnable') await repo.settleCancel(deps.db, payload.runId);
	// graphile-worker retries a failed attempt later, on any worker: that is how a drained run continues.
	if (outcome === 'interrupted') throw new Error('The worker is stopping; the run continues on the next attempt.');
}

/** A dead worker's `judge.run` job: its claims go back to pending before the job runs again. */
export async function onJudgeRunJobReleased(
	trx: Db,
	payload: { runId: string },
	job: ReleasedJob
): Promise<'retry' | 'drop'> {
	await repo.releaseClaimsByPrefix(trx, payload.runId, claimPrefixOf(job.jobId));
	await repo.settleCancel(trx, payload.runId);
	const status = await repo.runStatus(trx, payload.runId);
	if (status !== 'running' && status !== 'queued') return 'drop';
	if (job.final) {
		await repo.transitionRun(trx, payload.runId, ['queued', 'running'], 'failed', {
			finishedAt: true,
			error: `The run stopped: ${job.reason} Resume it to judge the rest.`
		});
		return 'drop';
	}
	return 'retry';
}

/** Runs a live run's remaining units in this process until none is left, or until it is cancelled or stopped. */
export async function executeRun(deps: ExecutorDeps, runId: string, options: ExecuteOptions): Promise<ExecuteOutcome> {
	const { db } = deps;
	const log = logger.child({ component: 'judge-run', runId, claimant: options.claimant });
	const run = await repo.findRunById(db, runId);
	if (!run || run.source !== 'live' || !run.rubric_version_id) return 'not-runnable';
	if (!(await repo.transitionRun(db, runId, ['queued', 'running'], 'running', { startedAt: true }))) {
		log.info('run not runnable', { status: run.status });
		return 'not-runnable';
	}
	const version = await repo.findRubricVersion(db, run.project_id, run.rubric_version_id);
	const provider = run.provider_id ? await repo.findProvider(db, run.project_id, run.provider_id) : undefined;
	if (!version || !provider) {
		await repo.transitionRun(db, runId, ['running'], 'failed', {
			finishedAt: true,
			error: !version ? 'The rubric version of this run no longer exists.' : 'The provider of this run was deleted.'
		});
		return 'failed';
	}
	const rubric = version.content as unknown as RubricContent;
	// What every prompt of the run shares (instructions, rubric, examples), worked out once.
	const preparedRubric = prepareRubric(rubric);
	const runOptions = run.options as { structured?: boolean };
	const simulated = provider.kind === 'simulated';
	const structured = runOptions.structured ?? provider.supports_json_schema;
	const temperature = provider.temperature ?? rubric.settings.temperature;
	const maxTokens = provider.max_tokens ?? rubric.settings.maxTokens;
	const seed = provider.seed;
	const responseFormat = structured ? responseFormatFor(rubric) : undefined;
	const params: CallParameters = {
		baseUrl: provider.base_url,
		model: provider.model,
		temperature,
		maxTokens,
		seed,
		responseFormatHash: responseFormat && (simulated || provider.supports_json_schema) ? hashOf(responseFormat) : null,
		simulation: simulated ? simulationFromRow(provider) : null
	};

	let client: LlmClient | null = null;
	if (!simulated) {
		try {
			const config = providerConfigFromRow(provider);
			client = createLlmClient(
				{ ...config, ...deps.llm },
				{ limiter: createPgRateLimiter(db), logger: log, fetch: nodeFetch }
			);
		} catch (error) {
			await repo.transitionRun(db, runId, ['running'], 'failed', {
				finishedAt: true,
				error: error instanceof LlmError ? error.message : 'The provider could not be set up.'
			});
			return 'failed';
		}
	}
	const simulate = simulated ? simulatedCallLlm(simulationFromRow(provider)) : null;
	const staleMs = (provider.timeout_ms + 60_000) * ((deps.llm?.maxRetries ?? DEFAULT_RETRIES) + 1);
	const slots = Math.max(1, Math.ceil(provider.concurrency / Math.max(1, options.shards)));

	// The null-model attack is a property of the dataset (one answer under many prompts): found once
	// per run, while the first calls are already out; results wait for it only when they are written.
	const nullModel = nullModelFlags(db, runId, run.dataset_id);
	nullModel.catch(() => {});

	// The rest of the run's units, when only the first ones went in with it (judge-planning.ts):
	// tried at once by every job (one gets the lock), while the first units are judged.
	const selection = selectionOf(run, rubric.turns);
	let planned = run.units_planned;
	const planning = planned
		? Promise.resolve()
		: planRest(db, selection, false).then(
				(done) => {
					if (done) planned = true;
				},
				// A job that runs out of units waits for the lock and plans them itself.
				(error) => log.error('planning the rest of the run failed', { error })
			);

	const abort = new AbortController();
	// Every call in flight listens to it.
	setMaxListeners(0, abort.signal);
	let stopReason: 'cancelled' | 'interrupted' | null = null;
	const stop = (reason: 'cancelled' | 'interrupted') => {
		if (stopReason) return;
		stopReason = reason;
		abort.abort();
	};
	const onSignal = () => stop('interrupted');
	if (options.signal?.aborted) stop('interrupted');
	options.signal?.addEventListener('abort', onSignal, { once: true });
	const poll = setInterval(() => {
		repo.runStatus(db, runId).then(
			(status) => {
				if (status !== 'running') stop('cancelled');
			},
			() => {}
		);
	}, options.cancelPollMs ?? 500);

	/* ---------------------------------------------------------------- writes, batched */
	const storedPrompts = new Set<string>();
	/** Results to write; those of a reply take the null-model flags when written. */
	let results: (UnitResult | ((flags: Map<string, AnswerFlag>) => UnitResult))[] = [];
	let prompts: PromptRow[] = [];
	let cacheRows: CacheRow[] = [];
	let writing: Promise<void> = Promise.resolve();
	let writeError: unknown = null;
	let flushTimer: ReturnType<typeof setTimeout> | null = null;
	const flush = () => {
		if (flushTimer) clearTimeout(flushTimer);
		flushTimer = null;
		if (results.length === 0) return writing;
		const batch = { results, prompts, cache: cacheRows };
		results = [];
		prompts = [];
		cacheRows = [];
		writing = writing.then(async () => {
			try {
				const flags = await nullModel;
				const rows = batch.results.map((r) => (typeof r === 'function' ? r(flags) : r));
				const written = await repo.writeResults(
					db,
					run.project_id,
					run.dataset_id,
					options.claimant,
					rows,
					batch.prompts,
					batch.cache
				);
				if (written < batch.results.length)
					log.warn('results dropped: their claims were taken over', { dropped: batch.results.length - written });
			} catch (error) {
				writeError = error;
				stop('interrupted');
			}
		});
		return writing;
	};
	const record = (result: (typeof results)[number], prompt: PromptRow | null, cache: CacheRow | null) => {
		results.push(result);
		if (prompt && !storedPrompts.has(prompt.hash)) {
			storedPrompts.add(prompt.hash);
			prompts.push(prompt);
		}
		if (cache) cacheRows.push(cache);
		if (results.length >= FLUSH_ROWS) void flush();
		else if (!flushTimer) flushTimer = setTimeout(() => void flush(), options.flushMs ?? FLUSH_MS);
	};

	/* ---------------------------------------------------------------- claims */
	const queue: Prepared[] = [];
	const released: string[] = [];
	let inFlight = 0;
	let exhausted = false;
	let refilling: Promise<void> | null = null;
	// Claims come in batches of about half the slots, asked for while a quarter of the slots' worth
	// is still waiting: a claim (two statements) costs a round trip per batch, not per judgment, a
	// slot that frees never waits on one, and at the end of a run no job holds more than a batch
	// that others could have judged.
	const lowWater = Math.max(2, Math.ceil(slots / 4));
	const target = slots + lowWater + Math.max(4, Math.ceil(slots / 2));
	const refill = async () => {
		const want = target - inFlight - queue.length;
		if (want <= 0) return;
		// Read before the claim: only a claim made once every unit was in may find the run exhausted.
		const allIn = planned;
		const units = await repo.claimUnits(db, runId, options.claimant, want, staleMs);
		if (units.length === 0) {
			if (allIn) exhausted = true;
			// The first units are taken and the rest is not in yet: wait for whoever inserts it (or
			// insert it, if that job died), then claim again.
			else planned = await planRest(db, selection, true);
			return;
		}
		const prepared = units.map((unit): Prepared => {
			const rendered = renderUnit(rubric, unit, preparedRubric);
			if (!rendered.ok) return { unit, rendered, promptHash: null, replyKey: null, cached: null };
			return {
				unit,
				rendered,
				promptHash: rendered.promptHash,
				replyKey: simulated ? null : replyKeyOf(params, rendered.promptHash, unit.sample),
				cached: null
			};
		});
		const keys = prepared.flatMap((p) => (p.replyKey ? [p.replyKey] : []));
		const hits = new Map((await repo.findCachedReplies(db, run.project_id, keys)).map((c) => [c.key, c]));
		for (const p of prepared) {
			p.cached = p.replyKey ? (hits.get(p.replyKey) ?? null) : null;
			queue.push(p);
		}
	};
	const ensureRefill = (): Promise<void> | null => {
		if (refilling || exhausted || stopReason) return refilling;
		if (queue.length > lowWater) return null;
		refilling = refill()
			.catch((error) => {
				log.error('claiming judgments failed', { error });
				writeError = error;
				stop('interrupted');
			})
			.finally(() => {
				refilling = null;
			});
		return refilling;
	};

	/* ---------------------------------------------------------------- judging */
	const judge = async (p: Prepared) => {
		const { unit } = p;
		const prompt = p.rendered.ok
			? { hash: p.rendered.promptHash, messages: p.rendered.messages, messagesJson: p.rendered.messagesJson }
			: null;
		let meta: CallMeta | null = null;
		let fresh: CacheRow | null = null;
		const callLlm: CallLlm = async (request): Promise<LlmReply> => {
			if (p.cached) {
				const c = p.cached;
				meta = {
					inputTokens: c.inputTokens,
					outputTokens: c.outputTokens,
					cost: c.cost,
					latencyMs: c.latencyMs,
					attempts: 0,
					cached: true
				};
				return { text: c.reply };
			}
			if (simulate) {
				const started = performance.now();
				const reply = await simulate(request);
				meta = {
					inputTokens: 0,
					outputTokens: 0,
					cost: 0,
					latencyMs: Math.round(performance.now() - started),
					attempts: 1,
					cached: false
				};
				return reply;
			}
			const r = await client!.chat({
				messages: request.messages,
				temperature: temperature ?? undefined,
				maxTokens: maxTokens ?? undefined,
				seed: seed ?? undefined,
				responseFormat: request.responseFormat,
				signal: abort.signal
			});
			meta = {
				inputTokens: r.usage?.promptTokens ?? null,
				outputTokens: r.usage?.completionTokens ?? null,
				cost: r.cost,
				latencyMs: r.latencyMs,
				attempts: r.attempts,
				cached: false
			};
			if (p.replyKey)
				fresh = {
					key: p.replyKey,
					reply: r.text,
					inputTokens: meta.inputTokens,
					outputTokens: meta.outputTokens,
					cost: r.cost,
					latencyMs: r.latencyMs,
					model: r.model,
					finishReason: r.finishReason,
					structured: r.structured
				};
			return { text: r.text };
		};
		try {
			const result = await executeJudgment({
				rubric,
				item: judgeItemOf(unit),
				answers: judgeAnswersOf(unit),
				order: unit.order ?? 'ab',
				turn: unit.turn,
				sample: unit.sample,
				structured,
				callLlm,
				rendered: p.rendered
			});
			// A cache hit's prompt was stored with the call that filled the cache.
			const callMeta = meta as CallMeta | null;
			record((flags) => resultOf(unit, result, callMeta, p.replyKey, flags), p.cached ? null : prompt, fresh);
		} catch (error) {
			if (stopReason && (abort.signal.aborted || (error instanceof LlmError && error.kind === 'aborted'))) {
				released.push(unit.id);
				return;
			}
			record(failureOf(unit, error, p.promptHash, p.replyKey), prompt, null);
		}
	};

	const slot = async () => {
		for (;;) {
			if (stopReason) return;
			void ensureRefill();
			const next = queue.shift();
			if (next) {
				inFlight++;
				try {
					await judge(next);
				} finally {
					inFlight--;
				}
				continue;
			}
			if (exhausted) return;
			await (refilling ?? ensureRefill() ?? new Promise((r) => setTimeout(r, 20)));
		}
	};

	try {
		await Promise.all(Array.from({ length: slots }, slot));
		if (refilling) await refilling;
	} finally {
		clearInterval(poll);
		options.signal?.removeEventListener('abort', onSignal);
		await flush();
		await writing;
		await planning;
		// Units claimed but never judged, and calls aborted midway, are pending again.
		released.push(...queue.splice(0).map((p) => p.unit.id));
		if (released.length > 0) await repo.releaseClaims(db, runId, options.claimant, released);
		// A cancel waits in `cancelling` until the last job holding claims has handed them back.
		await repo.settleCancel(db, runId);
	}
	if (writeError) throw writeError;
	if (stopReason === 'cancelled') {
		log.info('run cancelled; claims handed back', { released: released.length });
		return 'cancelled';
	}
	if (stopReason === 'interrupted') return 'interrupted';
	if (await repo.completeRunIfDone(db, runId)) {
		log.info('run completed');
		return 'completed';
	}
	// Other jobs still hold rows of this run; the last one out completes it.
	return 'drained';
}
