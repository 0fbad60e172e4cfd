/**
 * Gate and certification (issue 12 item 7). An admin pins a frozen, labelled calibration set to a
 * rubric; judge runs restricted to it (evaluations: `judge-runs.ts startRun` with the set as item
 * filter) are compared version by version; a rubric version × model is certified for a named use
 * only when the LOWER 95% bounds clear the admin's thresholds (gate-evaluation.ts); a changed
 * rubric version, model or calibration set turns a certification into "needs re-certification".
 *
 *   pin        labels of the dataset → one reference per answer (gold label, else the consensus of
 *              ≥ minLabels other labels: mean score, majority red-line marks) → calibration_set +
 *              calibration_set_item rows, content hash over the rows; later label edits never
 *              reach a pinned set (a trigger refuses updates of its rows)
 *   evaluate   startRun(…, { calibrationSetId }): only the set's answers are judged
 *   overview   the rubric's sets, evaluations with agreement and pass/fail rates (intervals), the
 *              change against the previous evaluation, the checks against the thresholds, the
 *              certifications with their status, and Rogan–Gladen corrected pass rates per system
 *   certify    re-computes the evaluation and refuses unless every lower bound clears
 *
 * Pairwise rubrics: the set is a frozen list of answer pairs with a reference preference A / B /
 * tie (gold label, else the majority of ≥ minLabels other labels, an even split being a tie); an
 * evaluation judges exactly those pairs, and its figures are agreement with and without ties and
 * κ with item-cluster bootstrap intervals (gate-pairwise.ts). TPR/TNR and corrected pass rates
 * are for pointwise pass/fail criteria only.
 *
 * Model identity: the settings that change verdicts (kind, base URL, model, temperature, max
 * tokens, seed, structured output, simulation) from the run's key-free provider snapshot; a
 * certification is stale when the provider's current settings hash differently.
 */
import { contentHash } from '../../judging/content-hash';
import { RubricContentSchema } from '../../judging/rubric-schema';
import type { RubricContent } from '../../judging/types';
import { JudgeRunOptionsSchema } from '../../schemas/judge-run';
import type { CertifyInput, PinSetInput, StartEvaluationInput } from '../../schemas/gate';
import { roganGladen, wilsonInterval } from '../../stats';
import type { Db } from '../db/client';
import * as scores from '../db/repositories/analysis-scores';
import * as repo from '../db/repositories/gate';
import * as runsRepo from '../db/repositories/judge-runs';
import type { Membership } from '../db/repositories/members';
import * as rubricsRepo from '../db/repositories/rubrics';
import type { JsonObject } from '../db/schema';
import { AppError } from '../errors';
import type { Queue } from '../jobs/queue';
import type { Estimate } from './analysis-common';
import { judgeAnswerScore, loadPointwiseScores, type JudgeAnswerScore } from './analysis-scores';
import { requireDataset } from './dataset-browse';
import {
	agreementChange,
	agreementOf,
	ALL_RED_LINES,
	checksOf,
	evaluate,
	judgePass,
	passKeys,
	thresholdsFor,
	type EvaluationFigures,
	type GateCheck,
	type GateThresholds,
	type PassFailFigures
} from './gate-evaluation';
import {
	evaluatePairs,
	isPairwiseStatistic,
	pairKey,
	pairwiseAgreementChange,
	type JudgedPair,
	type PairwiseStatistic
} from './gate-pairwise';
import { loadComparisons, majorityVerdict } from './analysis-data';
import { startRun } from './judge-runs';
import { publicProviderSettings } from './provider-config';

/* ------------------------------------------------------------------ shared pieces */

export type ModelIdentity = Record<string, unknown>;

/** The verdict-relevant part of a key-free provider snapshot (see the module docblock). */
export function modelIdentity(snapshot: Record<string, unknown> | null): ModelIdentity {
	const s = snapshot ?? {};
	const pick = (k: string) => (s[k] === undefined ? null : s[k]);
	return {
		kind: pick('kind'),
		baseUrl: pick('baseUrl'),
		model: pick('model'),
		temperature: pick('temperature'),
		maxTokens: pick('maxTokens'),
		seed: pick('seed'),
		supportsJsonSchema: pick('supportsJsonSchema'),
		simulation: pick('simulation')
	};
}

export const modelHash = (identity: ModelIdentity) => contentHash(identity);

/** The hash a set's rows are pinned under: canonical JSON of its rows in answer order. */
export function setHash(datasetId: string, rows: readonly repo.SetItemRow[]): string {
	return contentHash({
		datasetId,
		rows: rows.map((r) => [r.answerId, r.itemId, r.systemName, r.reference, r.labels, r.score, r.passes])
	});
}

/** The hash a pairwise set's rows are pinned under: canonical JSON of its pairs in (A, B) order. */
export function pairSetHash(datasetId: string, rows: readonly repo.SetPairRow[]): string {
	return contentHash({
		datasetId,
		mode: 'pairwise',
		pairs: rows.map((r) => [r.itemId, r.answerAId, r.answerBId, r.systemA, r.systemB, r.reference, r.labels, r.verdict])
	});
}

/** A set's hash recomputed from its stored rows (a certification is stale when it differs). */
async function storedSetHash(db: Db, set: repo.SetRow): Promise<string> {
	return set.mode === 'pairwise'
		? pairSetHash(set.datasetId, await repo.listSetPairs(db, set.id))
		: setHash(set.datasetId, await repo.listSetItems(db, set.id));
}

function parseRubric(content: unknown): RubricContent | null {
	const parsed = RubricContentSchema.safeParse(content);
	return parsed.success ? (parsed.data as RubricContent) : null;
}

async function requireRubric(db: Db, membership: Membership, rubricId: string) {
	const rubric = await rubricsRepo.findRubric(db, membership.projectId, rubricId);
	if (!rubric) throw new AppError('NOT_FOUND', 'Rubric not found.');
	return rubric;
}

async function requireSet(db: Db, membership: Membership, setId: string) {
	const set = await repo.findSet(db, membership.projectId, setId);
	if (!set) throw new AppError('NOT_FOUND', 'Calibration set not found.');
	return set;
}

/** A run's judge scores per answer (its 'ok' samples; turns and samples aggregated as elsewhere). */
async function judgeScores(
	db: Db,
	runId: string,
	rubric: RubricContent | null
): Promise<Map<string, { system: string; score: JudgeAnswerScore }>> {
	const rows = await scores.listPointwiseJudgeScores(db, { runId });
	const out = new Map<string, { system: string; score: JudgeAnswerScore }>();
	let i = 0;
	while (i < rows.length) {
		let k = i;
		while (k < rows.length && rows[k].answerId === rows[i].answerId) k++;
		out.set(rows[i].answerId, { system: rows[i].system, score: judgeAnswerScore(rows.slice(i, k), rubric) });
		i = k;
	}
	return out;
}

const scoreMap = (m: Map<string, { score: JudgeAnswerScore }>) =>
	new Map([...m].map(([id, v]) => [id, v.score] as const));

/* ------------------------------------------------------------------ pin */

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/** Majority of the marks per red-line criterion; a tie leaves the criterion unmarked. */
function majorityPasses(marks: Record<string, boolean>[]): Record<string, boolean> | null {
	const votes = new Map<string, number>();
	for (const m of marks) for (const [k, v] of Object.entries(m)) votes.set(k, (votes.get(k) ?? 0) + (v ? 1 : -1));
	const out: Record<string, boolean> = {};
	for (const [k, v] of votes) if (v !== 0) out[k] = v > 0;
	return Object.keys(out).length ? out : null;
}

export async function pinSet(
	db: Db,
	membership: Membership,
	userId: string | null,
	input: PinSetInput
): Promise<{ setId: string; contentHash: string; answers: number }> {
	await requireRubric(db, membership, input.rubricId);
	await requireDataset(db, membership, input.datasetId);
	const latest = await rubricsRepo.latestVersion(db, input.rubricId);
	const rubric = latest ? parseRubric(latest.content) : null;
	if (!rubric) throw new AppError('BAD_REQUEST', 'This rubric has no valid version.');
	if (rubric.mode === 'pairwise') return pinPairs(db, membership, userId, input);
	const answers = await loadPointwiseScores(db, { datasetId: input.datasetId, runId: null, humanSource: 'all' });
	const rows: repo.SetItemRow[] = [];
	for (const a of answers) {
		const chosen = referenceLabels(a.humans, input);
		if (!chosen) continue;
		const { basis, useGold } = chosen;
		const scored = basis.flatMap((h) => (h.score === null ? [] : [h.score]));
		const passes = majorityPasses(basis.map((h) => h.redLines));
		if (scored.length === 0 && !passes) continue;
		rows.push({
			answerId: a.answerId,
			itemId: a.itemId,
			systemName: a.system,
			reference: useGold ? 'gold' : 'consensus',
			labels: basis.length,
			score: scored.length ? mean(scored) : null,
			passes
		});
	}
	if (rows.length === 0) throw nothingToPin();
	const ordered = rows.sort((x, y) => (x.answerId < y.answerId ? -1 : x.answerId > y.answerId ? 1 : 0));
	return storeSet(
		db,
		{ membership, userId, input, mode: 'pointwise' },
		ordered,
		setHash(input.datasetId, ordered),
		(trx, id) => repo.insertSetItems(trx, id, ordered)
	);
}

/** The labels a reference rests on: gold where asked and present, else ≥ minLabels other labels; null: none fit. */
function referenceLabels<L extends { kind: string }>(
	humans: readonly L[],
	input: PinSetInput
): { basis: L[]; useGold: boolean } | null {
	const gold = humans.filter((h) => h.kind === 'gold');
	const useGold = gold.length > 0 && input.reference !== 'consensus';
	const basis = useGold ? gold : input.reference === 'gold' ? [] : humans.filter((h) => h.kind !== 'gold');
	return basis.length === 0 || (!useGold && basis.length < input.minLabels) ? null : { basis, useGold };
}

/** The set row and its snapshot rows in one transaction. */
async function storeSet(
	db: Db,
	who: { membership: Membership; userId: string | null; input: PinSetInput; mode: 'pointwise' | 'pairwise' },
	rows: readonly { itemId: string; reference: 'gold' | 'consensus' }[],
	hash: string,
	insertRows: (trx: Db, setId: string) => Promise<void>
): Promise<{ setId: string; contentHash: string; answers: number }> {
	const { membership, input } = who;
	const setId = await db.transaction().execute(async (trx) => {
		const id = await repo.insertSet(trx, {
			projectId: membership.projectId,
			rubricId: input.rubricId,
			datasetId: input.datasetId,
			name: input.name,
			mode: who.mode,
			contentHash: hash,
			answerCount: rows.length,
			itemCount: new Set(rows.map((r) => r.itemId)).size,
			goldCount: rows.filter((r) => r.reference === 'gold').length,
			createdBy: who.userId
		});
		await insertRows(trx, id);
		return id;
	});
	return { setId, contentHash: hash, answers: rows.length };
}

const nothingToPin = () =>
	new AppError('BAD_REQUEST', 'No answer of this dataset has the labels asked for: nothing to pin.', {
		field: 'datasetId',
		reason: 'nothing_to_pin'
	});

/**
 * A pairwise set: per labelled answer pair (loadComparisons, the analysis pages' own assembly),
 * the reference preference from the gold labels (their majority), else from ≥ minLabels other
 * labels (their majority, an even split being a tie), in the comparison's orientation.
 */
async function pinPairs(
	db: Db,
	membership: Membership,
	userId: string | null,
	input: PinSetInput
): Promise<{ setId: string; contentHash: string; answers: number }> {
	const comparisons = await loadComparisons(db, { datasetId: input.datasetId, runId: null, humanSource: 'all' });
	const rows: repo.SetPairRow[] = [];
	for (const c of comparisons) {
		const chosen = referenceLabels(c.humans, input);
		if (!chosen) continue;
		const { basis, useGold } = chosen;
		rows.push({
			itemId: c.itemId,
			answerAId: c.answerA,
			answerBId: c.answerB,
			systemA: c.systemA,
			systemB: c.systemB,
			reference: useGold ? 'gold' : 'consensus',
			labels: basis.length,
			verdict: majorityVerdict(basis.map((h) => h.verdict))
		});
	}
	if (rows.length === 0) throw nothingToPin();
	const cmp = (x: string, y: string) => (x < y ? -1 : x > y ? 1 : 0);
	const ordered = rows.sort((x, y) => cmp(x.answerAId, y.answerAId) || cmp(x.answerBId, y.answerBId));
	return storeSet(
		db,
		{ membership, userId, input, mode: 'pairwise' },
		ordered,
		pairSetHash(input.datasetId, ordered),
		(trx, id) => repo.insertSetPairs(trx, id, ordered)
	);
}

/* ------------------------------------------------------------------ evaluate */

export async function startEvaluation(
	db: Db,
	queue: Queue,
	membership: Membership,
	userId: string | null,
	input: StartEvaluationInput
): Promise<{ runId: string; total: number }> {
	const set = await requireSet(db, membership, input.setId);
	const version = await rubricsRepo.findVersion(db, membership.projectId, input.rubricVersionId);
	if (!version || version.rubricId !== set.rubricId)
		throw new AppError('BAD_REQUEST', 'Choose a version of the rubric this set is pinned to.', {
			field: 'rubricVersionId'
		});
	return startRun(
		db,
		queue,
		membership.projectId,
		userId,
		{
			datasetId: set.datasetId,
			rubricVersionId: input.rubricVersionId,
			providerId: input.providerId,
			options: JudgeRunOptionsSchema.parse({ samples: input.samples, bothOrders: input.bothOrders })
		},
		{ calibrationSetId: set.id }
	);
}

/* ------------------------------------------------------------------ overview */

export interface EvaluationView {
	runId: string;
	name: string;
	status: string | null;
	version: number | null;
	rubricHash: string | null;
	/** Few-shot examples in the version's prompt (0: zero-shot). */
	examples: number;
	model: ModelIdentity;
	modelHash: string;
	figures: EvaluationFigures;
	agreement: Estimate | null;
	/** Change of the chosen statistic against the evaluation listed before this one. */
	change: { fromRunId: string; fromVersion: number | null; fromExamples: number; estimate: Estimate | null } | null;
	checks: GateCheck[];
	/** Every lower bound clears and the run has finished. */
	certifiable: boolean;
}

export type CertificationStatus = 'certified' | 'needs-recertification' | 'revoked';
export type RecertReason = 'rubric-changed' | 'model-changed' | 'set-changed';

export interface CertificationView {
	id: string;
	use: string;
	version: number;
	rubricHash: string;
	setId: string;
	setName: string;
	setHash: string;
	runId: string | null;
	model: ModelIdentity;
	modelHash: string;
	thresholds: JsonObject;
	results: JsonObject;
	certifiedBy: string | null;
	createdAt: string;
	status: CertificationStatus;
	reasons: RecertReason[];
}

export interface CorrectedPassRate {
	system: string;
	answers: number;
	apparent: Estimate;
	corrected: Estimate | null;
	warnings: string[];
}

export interface GateOverview {
	rubrics: { id: string; name: string; mode: string; currentVersion: number }[];
	rubric: { id: string; name: string; mode: string; currentVersion: number; currentHash: string } | null;
	versions: { id: string; version: number; contentHash: string; examples: number }[];
	sets: repo.SetRow[];
	set: repo.SetRow | null;
	passKeys: string[];
	thresholds: GateThresholds;
	evaluations: EvaluationView[];
	certifications: CertificationView[];
	production: {
		runs: { id: string; name: string; version: number | null }[];
		run: { id: string; name: string } | null;
		/** The evaluation whose error rates correct the run (same version and model, on the current set). */
		evaluationRunId: string | null;
		criterion: string | null;
		systems: CorrectedPassRate[];
	};
}

/** A pairwise run's merged verdict per pair (both orders and samples as on the analysis pages). */
async function judgedPairs(db: Db, datasetId: string, runId: string): Promise<Map<string, JudgedPair>> {
	const comparisons = await loadComparisons(db, { datasetId, runId, humanSource: 'gold' });
	const out = new Map<string, JudgedPair>();
	for (const c of comparisons)
		if (c.judge?.verdict)
			out.set(pairKey(c.itemId, c.answerA, c.answerB), { answerA: c.answerA, verdict: c.judge.verdict });
	return out;
}

/**
 * The evaluations of a set, oldest first: each run judged on the set (`judge`), its figures and
 * lower-bound checks, and the chosen statistic's change against the run listed before it
 * (`change`, on the two runs' judgments of the same set).
 */
async function evaluationViews<J>(
	runs: repo.EvaluationRunRow[],
	thresholds: GateThresholds,
	judge: (run: repo.EvaluationRunRow) => Promise<{ judged: J; figures: EvaluationFigures; examples: number }>,
	change: (previous: J, judged: J, run: repo.EvaluationRunRow) => Estimate | null
): Promise<EvaluationView[]> {
	const views: EvaluationView[] = [];
	let previous: { run: repo.EvaluationRunRow; judged: J; examples: number } | null = null;
	for (const run of runs) {
		const { judged, figures, examples } = await judge(run);
		const model = modelIdentity(run.providerSnapshot);
		const checks = checksOf(figures, thresholds);
		views.push({
			runId: run.id,
			name: run.name,
			status: run.status,
			version: run.version,
			rubricHash: run.rubricHash,
			examples,
			model,
			modelHash: modelHash(model),
			figures,
			agreement: agreementOf(figures, thresholds.statistic),
			change: previous
				? {
						fromRunId: previous.run.id,
						fromVersion: previous.run.version,
						fromExamples: previous.examples,
						estimate: change(previous.judged, judged, run)
					}
				: null,
			checks,
			certifiable: run.status === 'completed' && checks.every((c) => c.ok)
		});
		previous = { run, judged, examples };
	}
	return views;
}

/** The evaluations of a pairwise set: agreement with the reference preferences, and its change. */
async function pairwiseEvaluationsOf(db: Db, set: repo.SetRow, thresholds: GateThresholds): Promise<EvaluationView[]> {
	const statistic = thresholds.statistic as PairwiseStatistic;
	const pairs = await repo.listSetPairs(db, set.id);
	const runs = await repo.listEvaluationRuns(db, set.id, set.rubricId);
	return evaluationViews(
		runs,
		thresholds,
		async (run) => {
			const judged = await judgedPairs(db, set.datasetId, run.id);
			const e = evaluatePairs(pairs, judged);
			const figures: EvaluationFigures = { ...e, agreement: null, pairwise: e.agreement, passFail: [] };
			return { judged, figures, examples: parseRubric(run.content)?.examples.length ?? 0 };
		},
		(previous, judged) => pairwiseAgreementChange(pairs, previous, judged, statistic)
	);
}

async function evaluationsOf(
	db: Db,
	set: repo.SetRow,
	thresholds: GateThresholds
): Promise<{ views: EvaluationView[]; rows: repo.SetItemRow[] }> {
	if (set.mode === 'pairwise') return { views: await pairwiseEvaluationsOf(db, set, thresholds), rows: [] };
	const rows = await repo.listSetItems(db, set.id);
	const runs = await repo.listEvaluationRuns(db, set.id, set.rubricId);
	const views = await evaluationViews(
		runs,
		thresholds,
		async (run) => {
			const rubric = parseRubric(run.content);
			const judged = scoreMap(await judgeScores(db, run.id, rubric));
			return { judged, figures: evaluate(rows, judged, rubric), examples: rubric?.examples.length ?? 0 };
		},
		(previous, judged, run) =>
			isPairwiseStatistic(thresholds.statistic)
				? null
				: agreementChange(rows, previous, judged, parseRubric(run.content), thresholds.statistic)
	);
	return { views, rows };
}

async function certificationsOf(
	db: Db,
	membership: Membership,
	rubricId: string,
	currentSet: repo.SetRow | null
): Promise<CertificationView[]> {
	const [certs, latest] = await Promise.all([
		repo.listCertifications(db, membership.projectId, rubricId),
		rubricsRepo.latestVersion(db, rubricId)
	]);
	const setHashes = new Map<string, string>();
	const providerHashes = new Map<string, string | null>();
	const out: CertificationView[] = [];
	for (const c of certs) {
		const reasons: RecertReason[] = [];
		if (!latest || latest.contentHash !== c.rubricHash) reasons.push('rubric-changed');
		if (!providerHashes.has(c.providerId ?? '')) {
			const p = c.providerId ? await runsRepo.findProvider(db, membership.projectId, c.providerId) : undefined;
			providerHashes.set(
				c.providerId ?? '',
				p && !p.archived_at ? modelHash(modelIdentity({ ...publicProviderSettings(p) })) : null
			);
		}
		if (providerHashes.get(c.providerId ?? '') !== c.modelHash) reasons.push('model-changed');
		if (!setHashes.has(c.setId)) {
			const set = await repo.findSet(db, membership.projectId, c.setId);
			setHashes.set(c.setId, set ? await storedSetHash(db, set) : '');
		}
		if (!currentSet || currentSet.id !== c.setId || setHashes.get(c.setId) !== c.setHash) reasons.push('set-changed');
		out.push({
			id: c.id,
			use: c.use,
			version: c.version,
			rubricHash: c.rubricHash,
			setId: c.setId,
			setName: c.setName,
			setHash: c.setHash,
			runId: c.runId,
			model: c.model,
			modelHash: c.modelHash,
			thresholds: c.thresholds,
			results: c.results,
			certifiedBy: c.certifiedByName,
			createdAt: c.createdAt.toISOString(),
			status: c.revokedAt ? 'revoked' : reasons.length ? 'needs-recertification' : 'certified',
			reasons
		});
	}
	return out;
}

/**
 * Pass rates of a run's systems corrected for the judge's measured error rates (Rogan–Gladen,
 * lib/stats `roganGladen`, delta-method interval): the apparent rate is the judge's pass rate over
 * the system's judged answers, Se and Sp are the TPR and TNR of the evaluation with the same
 * rubric version and model on the current set.
 */
async function correctedPassRates(
	db: Db,
	run: repo.EvaluationRunRow,
	evaluation: EvaluationView | null,
	keys: string[]
): Promise<{ criterion: string | null; systems: CorrectedPassRate[] }> {
	// One pass/fail figure per answer: the single red line, or all of them together.
	const criterion = keys.length === 0 ? null : keys.includes(ALL_RED_LINES) ? ALL_RED_LINES : keys[0];
	if (!criterion) return { criterion, systems: [] };
	const rubric = parseRubric(run.content);
	const judged = await judgeScores(db, run.id, rubric);
	const bySystem = new Map<string, { pass: number; n: number }>();
	for (const { system, score } of judged.values()) {
		const said = judgePass(score, criterion, keys);
		if (said === null) continue;
		const e = bySystem.get(system) ?? { pass: 0, n: 0 };
		e.n++;
		if (said) e.pass++;
		bySystem.set(system, e);
	}
	const rates: PassFailFigures | undefined = evaluation?.figures.passFail.find((p) => p.criterion === criterion);
	const systems = [...bySystem]
		.sort(([a], [b]) => a.localeCompare(b))
		.map(([system, { pass, n }]) => {
			const apparent: Estimate = { estimate: pass / n, ci: wilsonInterval(pass, n) };
			if (!rates || rates.tp + rates.fn === 0 || rates.tn + rates.fp === 0)
				return { system, answers: n, apparent, corrected: null, warnings: ['no-error-rates'] };
			const rg = roganGladen({
				apparent: { successes: pass, trials: n },
				sensitivity: { successes: rates.tp, trials: rates.tp + rates.fn },
				specificity: { successes: rates.tn, trials: rates.tn + rates.fp }
			});
			return {
				system,
				answers: n,
				apparent,
				corrected: rg.estimate === null ? null : { estimate: rg.estimate, ci: rg.ci },
				warnings: rg.estimate === null ? ['no-better-than-chance'] : rg.warnings.length ? ['small-gold-set'] : []
			};
		});
	return { criterion, systems };
}

export interface OverviewInput {
	rubricId?: string;
	setId?: string;
	runId?: string;
	thresholds: GateThresholds;
}

export async function gateOverview(db: Db, membership: Membership, input: OverviewInput): Promise<GateOverview> {
	const all = await rubricsRepo.listRubrics(db, membership.projectId, false);
	const rubrics = all.map((r) => ({ id: r.id, name: r.name, mode: r.mode, currentVersion: r.currentVersion }));
	const chosen = input.rubricId
		? all.find((r) => r.id === input.rubricId)
		: (all.find((r) => r.mode === 'pointwise') ?? all[0]);
	if (input.rubricId && !chosen) throw new AppError('NOT_FOUND', 'Rubric not found.');
	const thresholds = chosen
		? thresholdsFor(chosen.mode === 'pairwise' ? 'pairwise' : 'pointwise', input.thresholds)
		: input.thresholds;
	const empty: GateOverview = {
		rubrics,
		rubric: null,
		versions: [],
		sets: [],
		set: null,
		passKeys: [],
		thresholds,
		evaluations: [],
		certifications: [],
		production: { runs: [], run: null, evaluationRunId: null, criterion: null, systems: [] }
	};
	if (!chosen) return empty;
	const [versions, sets, productionRuns] = await Promise.all([
		rubricsRepo.listVersions(db, chosen.id),
		repo.listSets(db, membership.projectId, chosen.id),
		repo.listProductionRuns(db, membership.projectId, chosen.id)
	]);
	const set = (input.setId ? sets.find((s) => s.id === input.setId) : sets[0]) ?? null;
	if (input.setId && !set) throw new AppError('NOT_FOUND', 'Calibration set not found.');
	const current = sets[0] ?? null;
	const { views, rows } = set ? await evaluationsOf(db, set, thresholds) : { views: [], rows: [] };
	const keys = passKeys(rows);
	const certifications = await certificationsOf(db, membership, chosen.id, current);
	const run = (input.runId ? productionRuns.find((r) => r.id === input.runId) : productionRuns[0]) ?? null;
	let production: GateOverview['production'] = {
		runs: productionRuns.map((r) => ({ id: r.id, name: r.name, version: r.version })),
		run: run ? { id: run.id, name: run.name } : null,
		evaluationRunId: null,
		criterion: null,
		systems: []
	};
	if (run && set) {
		const runModel = modelHash(modelIdentity(run.providerSnapshot));
		// The latest finished evaluation of the same version and model measured the error rates.
		const evaluation =
			[...views]
				.reverse()
				.find((v) => v.status === 'completed' && v.modelHash === runModel && v.rubricHash === run.rubricHash) ?? null;
		const corrected = await correctedPassRates(db, run, evaluation, keys);
		production = { ...production, evaluationRunId: evaluation?.runId ?? null, ...corrected };
	}
	return {
		rubrics,
		rubric: {
			id: chosen.id,
			name: chosen.name,
			mode: chosen.mode,
			currentVersion: chosen.currentVersion,
			currentHash: chosen.contentHash
		},
		versions: versions.map((v) => ({
			id: v.id,
			version: v.version,
			contentHash: v.contentHash,
			examples: v.exampleCount
		})),
		sets,
		set,
		passKeys: keys,
		thresholds,
		evaluations: views,
		certifications,
		production
	};
}

/* ------------------------------------------------------------------ certify */

export async function certify(
	db: Db,
	membership: Membership,
	userId: string | null,
	input: CertifyInput
): Promise<{ certificationId: string }> {
	const set = await requireSet(db, membership, input.setId);
	const current = (await repo.listSets(db, membership.projectId, set.rubricId))[0];
	if (current.id !== set.id)
		throw new AppError('BAD_REQUEST', 'A newer calibration set is pinned to this rubric: certify on it.', {
			field: 'setId',
			reason: 'set_superseded'
		});
	const thresholds = thresholdsFor(set.mode, input.thresholds);
	const { views } = await evaluationsOf(db, set, thresholds);
	const view = views.find((v) => v.runId === input.runId);
	if (!view) throw new AppError('NOT_FOUND', 'This run is not an evaluation on this calibration set.');
	if (view.status !== 'completed')
		throw new AppError('BAD_REQUEST', 'The evaluation has not finished.', { reason: 'evaluation_unfinished' });
	const failed = view.checks.filter((c) => !c.ok);
	if (failed.length > 0)
		throw new AppError(
			'BAD_REQUEST',
			`Not certified: ${failed.map((c) => `${c.key}${c.criterion ? ` (${c.criterion})` : ''} lower bound ${c.lower === null ? 'not measured' : c.lower.toFixed(3)} < ${c.threshold}`).join('; ')}.`,
			{ reason: 'below_threshold', checks: failed }
		);
	const run = await repo.findRunOfRubric(db, membership.projectId, set.rubricId, input.runId);
	if (!run?.rubricVersionId || !run.rubricHash) throw new AppError('NOT_FOUND', 'Judge run not found.');
	const certificationId = await repo.insertCertification(db, {
		projectId: membership.projectId,
		rubricId: set.rubricId,
		use: input.use,
		rubricVersionId: run.rubricVersionId,
		rubricHash: run.rubricHash,
		setId: set.id,
		setHash: set.contentHash,
		runId: run.id,
		providerId: run.providerId,
		model: view.model,
		modelHash: view.modelHash,
		thresholds: { ...thresholds },
		results: {
			mode: set.mode,
			n: view.figures.n,
			coverage: view.figures.coverage,
			agreement: view.agreement ? { ...view.agreement } : null,
			pairwise: view.figures.pairwise ? { ...view.figures.pairwise } : null,
			checks: view.checks.map((c) => ({ ...c })),
			passFail: view.figures.passFail.map((p) => ({ ...p }))
		},
		certifiedBy: userId
	});
	return { certificationId };
}

export async function revoke(db: Db, membership: Membership, certificationId: string): Promise<{ revoked: boolean }> {
	return { revoked: await repo.revokeCertification(db, membership.projectId, certificationId) };
}

/* ------------------------------------------------------------------ a run's certification (judge card) */

export interface RunCertification {
	status: 'certified' | 'needs-recertification' | 'not-certified';
	/** Certifications of this run's rubric version and model (newest first), not revoked. */
	certifications: CertificationView[];
}

/** Is this run's judge (rubric version × model) certified, and on what? For the judge card. */
export async function runCertification(db: Db, membership: Membership, runId: string): Promise<RunCertification> {
	const run = await runsRepo.findRun(db, membership.projectId, runId);
	if (!run) throw new AppError('NOT_FOUND', 'Judge run not found.');
	const rubricId = run.rubric_version_id ? await repo.rubricOfVersion(db, run.rubric_version_id) : undefined;
	if (!rubricId) return { status: 'not-certified', certifications: [] };
	const current = (await repo.listSets(db, membership.projectId, rubricId))[0] ?? null;
	const model = modelHash(modelIdentity(run.provider_snapshot as Record<string, unknown> | null));
	const certs = (await certificationsOf(db, membership, rubricId, current)).filter((c) => c.status !== 'revoked');
	const version = await rubricsRepo.findVersion(db, membership.projectId, run.rubric_version_id!);
	const mine = certs.filter((c) => c.rubricHash === version?.contentHash && c.modelHash === model);
	if (mine.some((c) => c.status === 'certified')) return { status: 'certified', certifications: mine };
	// Certified once for this judge, or another version/model of the rubric is: either way the judge in use is not.
	if (mine.length > 0 || certs.length > 0)
		return { status: 'needs-recertification', certifications: mine.length ? mine : certs };
	return { status: 'not-certified', certifications: [] };
}
