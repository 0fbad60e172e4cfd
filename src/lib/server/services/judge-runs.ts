/**
 * Live judge runs: start (the units inserted as pending judgments, a first batch with the run and
 * the rest by its jobs while they judge, judge-planning.ts; then the jobs queued), cancel, resume,
 * clone, and the reads behind the run pages (list, progress, summary, judgments, the exact prompt
 * of one judgment). The work itself is services/judge-executor.ts.
 *
 * A run is spread over `shards` jobs (`judge-run:<run>:<i>`), one per live worker process at
 * start (at least 1, at most 8); each takes its share of the provider's concurrency.
 */
import { labelledCriteria } from '../../judging/aggregate';
import { RubricContentSchema } from '../../judging/rubric-schema';
import { simulatedJudgeName } from '../../judging/simulate';
import type { RubricContent } from '../../judging/types';
import type {
	CloneJudgeRunInput,
	JudgeRunOptions,
	JudgmentPageInput,
	StartJudgeRunInput
} from '../../schemas/judge-run';
import type { Db } from '../db/client';
import * as repo from '../db/repositories/judge-runs';
import type { JudgeRun, LlmProvider } from '../db/schema';
import { AppError } from '../errors';
import { jobLiveness, livenessConfig, removeJob } from '../jobs/liveness';
import type { Queue } from '../jobs/queue';
import { publicProviderSettings, simulationFromRow } from './provider-config';
import { planFirstUnits, selectionOf } from './judge-planning';
import { summaryFromAggregates, summarySpecOf } from './judge-summary';
import { RevisionCache } from './revision-cache';

const MAX_SHARDS = 8;
/** Attempts of a `judge.run` job: each stop or death of its worker uses one. */
export const JUDGE_RUN_JOB_ATTEMPTS = 25;

export const judgeRunJobKey = (runId: string, shard: number) => `judge-run:${runId}:${shard}`;

interface RunMetadata {
	shards?: number;
}

async function enqueueRun(db: Db, queue: Queue, runId: string): Promise<number> {
	const live = await repo.liveWorkerPools(db, livenessConfig().deadAfterMs);
	const shards = Math.min(MAX_SHARDS, Math.max(1, live));
	await repo.setRunMetadata(db, runId, { shards });
	for (let shard = 0; shard < shards; shard++) {
		await queue.enqueue(
			'judge.run',
			{ runId, shards },
			{ jobKey: judgeRunJobKey(runId, shard), maxAttempts: JUDGE_RUN_JOB_ATTEMPTS }
		);
	}
	return shards;
}

function judgeNameOf(provider: LlmProvider): string {
	return provider.kind === 'simulated' ? simulatedJudgeName(simulationFromRow(provider)) : provider.model;
}

function defaultRunName(rubricName: string, version: number, provider: LlmProvider): string {
	return `${rubricName} v${version} · ${provider.name}`;
}

/** A simulated judge is never presented as a real model: its run name says so. */
function labelled(name: string, provider: LlmProvider): string {
	return provider.kind === 'simulated' && !/simulated/i.test(name) ? `${name} (simulated)` : name;
}

async function loadVersion(db: Db, projectId: string, versionId: string) {
	const version = await repo.findRubricVersion(db, projectId, versionId);
	if (!version) throw new AppError('NOT_FOUND', 'Rubric version not found.');
	const parsed = RubricContentSchema.safeParse(version.content);
	if (!parsed.success) throw new AppError('BAD_REQUEST', 'This rubric version is not a valid rubric.');
	return { ...version, rubric: parsed.data as RubricContent };
}

async function loadProvider(db: Db, projectId: string, providerId: string) {
	const provider = await repo.findProvider(db, projectId, providerId);
	if (!provider) throw new AppError('NOT_FOUND', 'Provider not found.');
	if (provider.archived_at) throw new AppError('BAD_REQUEST', 'This provider is archived.');
	return provider;
}

async function loadRun(db: Db, projectId: string, runId: string): Promise<JudgeRun> {
	const run = await repo.findRun(db, projectId, runId);
	if (!run) throw new AppError('NOT_FOUND', 'Judge run not found.');
	return run;
}

function liveRun(run: JudgeRun): JudgeRun {
	if (run.source !== 'live') throw new AppError('BAD_REQUEST', 'Imported runs are not executed.');
	return run;
}

export async function startRun(
	db: Db,
	queue: Queue,
	projectId: string,
	userId: string | null,
	input: StartJudgeRunInput,
	restrict: RunRestriction = {}
): Promise<{ runId: string; total: number }> {
	const created = await createRun(db, projectId, userId, input, restrict);
	await enqueueRun(db, queue, created.runId);
	return created;
}

/**
 * An item filter that is not part of the public run form: a gate evaluation (services/gate.ts)
 * judges only the answers of a calibration set, and the run remembers the set.
 */
export interface RunRestriction {
	calibrationSetId?: string;
}

/**
 * The run row and its pending units, in one transaction, without queueing its jobs: `startRun`
 * queues them; the demo (services/demo-results.ts) works the run in its own process with `executeRun`.
 */
export async function createRun(
	db: Db,
	projectId: string,
	userId: string | null,
	input: StartJudgeRunInput,
	restrict: RunRestriction = {}
): Promise<{ runId: string; total: number }> {
	const dataset = await repo.findDataset(db, projectId, input.datasetId);
	if (!dataset) throw new AppError('NOT_FOUND', 'Dataset not found.');
	const version = await loadVersion(db, projectId, input.rubricVersionId);
	const provider = await loadProvider(db, projectId, input.providerId);
	const options = input.options;
	const pairwise = version.rubric.mode === 'pairwise';
	if (pairwise && options.pairing === 'baseline') {
		if (!options.baselineSystemId)
			throw new AppError('BAD_REQUEST', 'Choose the baseline system to compare the others with.');
		const found = await repo.systemIdsOfDataset(db, input.datasetId, [options.baselineSystemId]);
		if (found.length === 0) throw new AppError('BAD_REQUEST', 'The baseline system has no answers in this dataset.');
	}
	const stored: JudgeRunOptions = {
		...options,
		bothOrders: pairwise && options.bothOrders,
		sampleSeed: options.sampleSeed ?? 1
	};
	const name = labelled(input.name ?? defaultRunName(version.rubricName, version.version, provider), provider);
	const { runId, total } = await db.transaction().execute(async (trx) => {
		const runId = await repo.insertLiveRun(trx, {
			projectId,
			datasetId: input.datasetId,
			name,
			judgeModel: judgeNameOf(provider),
			mode: version.rubric.mode,
			rubricVersionId: version.id,
			providerId: provider.id,
			providerSnapshot: { ...publicProviderSettings(provider) },
			options: { ...stored },
			createdBy: userId,
			calibrationSetId: restrict.calibrationSetId ?? null,
			unitsPlanned: false
		});
		// The first units go in with the run, the rest while they are judged (judge-planning.ts).
		const selection = selectionOf(
			{
				id: runId,
				dataset_id: input.datasetId,
				mode: version.rubric.mode,
				options: stored,
				calibration_set_id: restrict.calibrationSetId ?? null
			},
			version.rubric.turns
		);
		const total = await planFirstUnits(trx, selection, provider.concurrency);
		if (total === 0) throw new AppError('BAD_REQUEST', 'Nothing to judge: no answers (or pairs) match these choices.');
		return { runId, total };
	});
	return { runId, total };
}

/**
 * Stops a run. It is `cancelling` at once: running jobs see it within half a second, abort their
 * calls and hand their claims back (pending rows stay pending), and the last of them to do so makes
 * it `cancelled` (repositories settleCancel). Jobs not yet started are removed; when no job is
 * running, the claims go back to pending here and the run is `cancelled` before this returns.
 */
export async function cancelRun(db: Db, projectId: string, runId: string) {
	const run = liveRun(await loadRun(db, projectId, runId));
	if (!(await repo.transitionRun(db, runId, ['queued', 'running'], 'cancelling')))
		throw new AppError('CONFLICT', `This run is ${run.status}; only a queued or running run can be cancelled.`);
	await settleIfStopped(db, { ...run, status: 'cancelling' }, true);
	return getRun(db, projectId, runId);
}

/**
 * A `cancelling` run whose jobs are all gone (finished, never started, or dead) is `cancelled`
 * here: no job is left to do it. Cancel calls it, and so do the reads the run page polls, which
 * covers a job that ended just as the cancel came in. `remove` also takes the jobs not running
 * off the queue (a dead worker's job then only has its claims released by the sweeper's hook).
 */
async function settleIfStopped(db: Db, run: JudgeRun, remove = false): Promise<JudgeRun> {
	if (run.status !== 'cancelling') return run;
	const shards = (run.metadata as RunMetadata).shards ?? 1;
	let running = 0;
	for (let shard = 0; shard < shards; shard++) {
		const key = judgeRunJobKey(run.id, shard);
		if ((await jobLiveness(db, key)) === 'running') running++;
		else if (remove) await removeJob(db, key);
	}
	if (running > 0) return run;
	await repo.releaseAllClaims(db, run.id);
	await repo.settleCancel(db, run.id);
	return (await repo.findRunById(db, run.id)) ?? run;
}

/** Queues what is left: pending rows, and failed ones a later try may cure (rate limits, timeouts …). */
export async function resumeRun(db: Db, queue: Queue, projectId: string, runId: string) {
	const run = liveRun(await loadRun(db, projectId, runId));
	if (run.status === 'cancelling')
		throw new AppError('CONFLICT', 'This run is still stopping its calls in flight; resume it once it is cancelled.');
	if (!run.status || !['cancelled', 'failed', 'completed'].includes(run.status))
		throw new AppError('CONFLICT', `This run is ${run.status}; it is still going.`);
	const requeued = await repo.requeueRetryableFailures(db, runId);
	const progress = await repo.runProgress(db, runId);
	// A run whose planner died is resumed to plan the rest (its jobs do).
	if (progress.pending + progress.running === 0 && run.units_planned) return { runId, requeued, remaining: 0 };
	await repo.transitionRun(db, runId, ['cancelled', 'failed', 'completed'], 'queued', {
		finishedAt: null,
		error: null
	});
	// Answers may have been added to the dataset since: the null-model flags are found again.
	await repo.setRunMetadata(db, runId, { nullModelFlags: null });
	await enqueueRun(db, queue, runId);
	return { runId, requeued, remaining: progress.pending + progress.running };
}

/** A new run over the same units with another provider and/or rubric version; cached replies are reused where the key matches. */
export async function cloneRun(
	db: Db,
	queue: Queue,
	projectId: string,
	userId: string | null,
	input: CloneJudgeRunInput
): Promise<{ runId: string; total: number }> {
	const source = liveRun(await loadRun(db, projectId, input.runId));
	const version = await loadVersion(db, projectId, input.rubricVersionId ?? source.rubric_version_id!);
	if (version.rubric.mode !== source.mode)
		throw new AppError('BAD_REQUEST', `A ${source.mode} run can only be cloned with a ${source.mode} rubric version.`);
	const providerId = input.providerId ?? source.provider_id;
	if (!providerId) throw new AppError('BAD_REQUEST', 'The provider of this run was deleted; choose another one.');
	const provider = await loadProvider(db, projectId, providerId);
	const name = labelled(input.name ?? defaultRunName(version.rubricName, version.version, provider), provider);
	const { runId, total } = await db.transaction().execute(async (trx) => {
		const runId = await repo.insertLiveRun(trx, {
			projectId,
			datasetId: source.dataset_id,
			name,
			judgeModel: judgeNameOf(provider),
			mode: version.rubric.mode,
			rubricVersionId: version.id,
			providerId: provider.id,
			providerSnapshot: { ...publicProviderSettings(provider) },
			options: source.options,
			clonedFrom: source.id,
			createdBy: userId,
			// A clone of a gate evaluation judges the same calibration answers: it is one too.
			calibrationSetId: source.calibration_set_id,
			unitsPlanned: false
		});
		// A source whose units are not all in (its planner died, then it was cancelled) is planned
		// afresh from the same choices, as a start would; otherwise its units are copied.
		if (!source.units_planned)
			return {
				runId,
				total: await planFirstUnits(
					trx,
					selectionOf({ ...source, id: runId }, version.rubric.turns),
					provider.concurrency
				)
			};
		const total = await repo.copyUnits(trx, source.id, runId);
		await repo.markUnitsPlanned(trx, runId, total);
		return { runId, total };
	});
	await enqueueRun(db, queue, runId);
	return { runId, total };
}

/* ------------------------------------------------------------------ reads */

export async function listRuns(db: Db, projectId: string, datasetId?: string) {
	const rows = await repo.listRuns(db, projectId, datasetId);
	return rows.map((r) => {
		const p = r.providerSnapshot as { name?: string; model?: string; kind?: string } | null;
		return {
			id: r.id,
			name: r.name,
			source: r.source,
			mode: r.mode,
			// Imported runs are finished by definition.
			status: r.status ?? 'completed',
			judgeModel: r.judgeModel,
			datasetId: r.datasetId,
			datasetName: r.datasetName,
			total: r.source === 'live' ? r.total : r.judgments,
			judgments: r.judgments,
			done: r.done,
			failed: r.failed,
			cost: r.cost,
			rubric: r.rubricName ? { name: r.rubricName, version: r.rubricVersion } : null,
			provider: p ? { name: p.name ?? null, model: p.model ?? null, kind: p.kind ?? null } : null,
			simulated: p?.kind === 'simulated',
			createdAt: r.createdAt,
			startedAt: r.startedAt,
			finishedAt: r.finishedAt
		};
	});
}

export async function getRun(db: Db, projectId: string, runId: string) {
	const run = await settleIfStopped(db, await loadRun(db, projectId, runId));
	const version = run.rubric_version_id ? await repo.findRubricVersion(db, projectId, run.rubric_version_id) : null;
	return {
		id: run.id,
		name: run.name,
		source: run.source,
		mode: run.mode,
		status: run.status ?? 'completed',
		error: run.error,
		judgeModel: run.judge_model,
		datasetId: run.dataset_id,
		options: run.options,
		// Key-free by construction (publicProviderSettings); never the provider row.
		provider: run.provider_snapshot,
		providerId: run.provider_id,
		simulated: (run.provider_snapshot as { kind?: string } | null)?.kind === 'simulated',
		rubricVersion: version
			? {
					id: version.id,
					rubricId: version.rubric_id,
					rubricName: version.rubricName,
					version: version.version,
					contentHash: version.content_hash,
					mode: version.mode
				}
			: null,
		clonedFrom: run.cloned_from,
		total: run.total,
		createdAt: run.created_at,
		startedAt: run.started_at,
		finishedAt: run.finished_at,
		progress: await progressOf(db, run)
	};
}

async function progressOf(db: Db, run: JudgeRun) {
	const p = await repo.runProgress(db, run.id);
	// Units not yet inserted (judge-planning.ts) count as pending: the total is the run's from its start.
	const unplanned = run.units_planned ? 0 : Math.max(0, run.total - p.total);
	const total = p.total + unplanned;
	const pending = p.pending + unplanned;
	const done = p.ok + p.abstained + p.unparseable + p.failed;
	const end = run.finished_at ?? (run.status === 'running' || run.status === 'cancelling' ? new Date() : null);
	const elapsedMs = run.started_at && end ? Math.max(0, end.getTime() - run.started_at.getTime()) : 0;
	const remaining = pending + p.running;
	const etaMs =
		run.status === 'running' && done > 0 && elapsedMs > 0 ? Math.round((remaining * elapsedMs) / done) : null;
	return {
		status: run.status ?? 'completed',
		total,
		done,
		pending,
		running: p.running,
		ok: p.ok,
		abstained: p.abstained,
		unparseable: p.unparseable,
		failed: p.failed,
		inputTokens: p.inputTokens,
		outputTokens: p.outputTokens,
		cost: p.cost,
		elapsedMs,
		etaMs,
		judgeSecondsPerItem: p.timed > 0 ? p.latencyMs / p.timed / 1000 : null
	};
}

export async function runProgress(db: Db, projectId: string, runId: string) {
	return progressOf(db, await settleIfStopped(db, await loadRun(db, projectId, runId)));
}

/**
 * Summaries of finished live runs, per process. A live run's judgments change only while it runs
 * (claims, results, resume), every path back to running ends at a new finished_at, and systems
 * are never renamed: (run, status, finished_at) names one summary for good. A million-judgment
 * run takes seconds to aggregate; its page asks on every visit.
 */
const finishedSummaries = new RevisionCache<Awaited<ReturnType<typeof computeSummary>>>(50);
const TERMINAL: (string | null)[] = ['completed', 'failed', 'cancelled'];

export async function runSummary(db: Db, projectId: string, runId: string) {
	const run = await loadRun(db, projectId, runId);
	if (run.source === 'live' && TERMINAL.includes(run.status) && run.finished_at)
		return finishedSummaries.get(`${run.id}:${run.status}`, new Date(run.finished_at).getTime(), () =>
			computeSummary(db, projectId, run)
		);
	return computeSummary(db, projectId, run);
}

async function computeSummary(db: Db, projectId: string, run: JudgeRun) {
	const runId = run.id;
	const version = run.rubric_version_id ? await loadVersion(db, projectId, run.rubric_version_id) : null;
	// Imported runs have no rubric: a minimal one of their mode (no criteria, no red lines).
	const rubric =
		version?.rubric ??
		({
			mode: run.mode,
			criteria: [],
			output:
				run.mode === 'pairwise'
					? { kind: 'categories', categories: ['A', 'B', 'tie'] }
					: { kind: 'score', scale: { min: 0, max: 10 } }
		} as unknown as RubricContent);
	const [rows, flagged] = await Promise.all([
		repo.summaryAggregates(db, runId, summarySpecOf(rubric)),
		repo.flaggedAnswerCount(db, runId)
	]);
	return {
		runId,
		mode: run.mode,
		status: run.status ?? 'completed',
		...summaryFromAggregates(rubric.mode === 'pairwise', rows, flagged)
	};
}

export async function judgmentPage(db: Db, projectId: string, input: JudgmentPageInput) {
	const run = await loadRun(db, projectId, input.runId);
	// Categorical criteria are shown by their label, not the stored index.
	// A version that no longer parses only loses the labels: the list itself still shows.
	const version = run.rubric_version_id
		? await repo.findRubricVersion(db, projectId, run.rubric_version_id)
		: undefined;
	const parsed = version ? RubricContentSchema.safeParse(version.content) : null;
	const rubric = parsed?.success ? (parsed.data as RubricContent) : null;
	const rows = await repo.judgmentPage(db, {
		runId: input.runId,
		after: input.cursor ?? null,
		limit: input.limit + 1,
		status: input.status ?? null,
		systemId: input.systemId ?? null,
		flaggedOnly: input.flaggedOnly
	});
	const page = rows.slice(0, input.limit);
	return {
		judgments: page.map(({ raw, ...r }) => {
			const info = (raw ?? {}) as { reply?: string; category?: string; reason?: string };
			return {
				...r,
				criteria: r.criteria && rubric ? labelledCriteria(rubric, r.criteria) : r.criteria,
				category: info.category ?? null,
				abstainReason: r.status === 'abstained' ? (info.reason ?? null) : null
			};
		}),
		nextCursor: rows.length > input.limit ? page[page.length - 1].id : null
	};
}

/** The exact messages sent (stored once by hash) and the raw reply of one judgment. */
export async function judgmentPrompt(db: Db, projectId: string, runId: string, judgmentId: string) {
	await loadRun(db, projectId, runId);
	const row = await repo.findJudgmentPrompt(db, projectId, runId, judgmentId);
	if (!row) throw new AppError('NOT_FOUND', 'Judgment not found.');
	const raw = (row.raw ?? null) as { reply?: string } | null;
	return {
		judgmentId: row.id,
		promptHash: row.promptHash,
		messages: row.messages ?? [],
		reply: typeof raw?.reply === 'string' ? raw.reply : null,
		status: row.status,
		error: row.error
	};
}
