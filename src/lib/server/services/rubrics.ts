/**
 * Rubrics: made from a built-in judge (one language of it) or from scratch, edited by saving new
 * immutable versions, previewed on a real item, given few-shot examples from labelled items.
 *
 * - Every save is a new `rubric_version` with `contentHash(content)`; the row can never change
 *   (a DB trigger refuses updates). Saving content identical to the current version makes no new
 *   version and returns the current one.
 * - Saves name the version they started from (`baseVersion`): when someone saved in between, the
 *   save is refused with CONFLICT rather than silently overwriting their work.
 * - Content is checked by the judging core (`validateRubric`); the problems come back in
 *   `details.issues`, each named by its field (`templates.user`, `examples[0].score`).
 * - Blinding: annotators may read a rubric's text, criteria and templates (the same text they
 *   label by), but not its few-shot examples, whose labels are verdicts on the project's own
 *   items. Nothing here says anything about runs.
 */
import { can } from '../auth/policy';
import type { Db } from '../db/client';
import type { Membership } from '../db/repositories/members';
import * as repo from '../db/repositories/rubrics';
import { AppError } from '../errors';
import { contentHash } from '../../judging/content-hash';
import { rubricFromJudge } from '../../judging/judge-files';
import { renderPrompt, userTurns } from '../../judging/render';
import type { ChatMessage, FewShotExample, JudgeAnswer, JudgeItem, RubricContent } from '../../judging/types';
import { formatIssues, validateRubric, type ValidationIssue } from '../../judging/validate';
import { builtinJudges, findBuiltinJudge, judgeLocales } from '../judging/builtin-registry';
import type {
	AttachExamples,
	CreateRubric,
	ExampleFromItem,
	PreviewRubric,
	SaveRubricVersion
} from '../../schemas/rubric';

export interface BuiltinJudgeSummary {
	id: string;
	version: number;
	mode: RubricContent['mode'];
	output: RubricContent['output'];
	usesReference: boolean;
	turns: RubricContent['turns'];
	criteria: { id: string; redLine: boolean }[];
	/** One entry per language, with the judge's name in it. */
	locales: { locale: RubricContent['locale']; name: string }[];
}

export async function listBuiltins(): Promise<BuiltinJudgeSummary[]> {
	return (await builtinJudges()).map((j) => ({
		id: j.id,
		version: j.version,
		mode: j.mode,
		output: j.output,
		usesReference: j.usesReference,
		turns: j.turns,
		criteria: j.criteria.map((c) => ({ id: c.id, redLine: c.redLine })),
		locales: judgeLocales(j).map((locale) => ({ locale, name: j.locales[locale]!.name }))
	}));
}

/** Invalid content → BAD_REQUEST naming every field. */
function checkedContent(input: unknown): RubricContent {
	const result = validateRubric(input);
	if (!result.ok) throw invalid(result.issues);
	return result.value;
}

function invalid(issues: ValidationIssue[]): AppError {
	return new AppError('BAD_REQUEST', `The rubric is not valid: ${formatIssues(issues)}`, {
		reason: 'invalid_rubric',
		issues
	});
}

export interface RubricSummary {
	id: string;
	name: string;
	description: string;
	archived: boolean;
	mode: RubricContent['mode'];
	locale: string | null;
	judgeId: string | null;
	currentVersion: number;
	currentVersionId: string;
	contentHash: string;
	versionCount: number;
	updatedAt: Date;
}

export async function listRubrics(
	db: Db,
	membership: Membership,
	input: { includeArchived: boolean }
): Promise<RubricSummary[]> {
	const rows = await repo.listRubrics(db, membership.projectId, input.includeArchived);
	return rows.map((r) => ({
		id: r.id,
		name: r.name,
		description: r.description,
		archived: r.archivedAt !== null,
		mode: r.mode,
		locale: r.locale,
		judgeId: r.judgeId,
		currentVersion: r.currentVersion,
		currentVersionId: r.currentVersionId,
		contentHash: r.contentHash,
		versionCount: r.versionCount,
		updatedAt: r.updatedAt
	}));
}

export interface VersionChoices {
	rubricId: string;
	name: string;
	/** Newest first: the first is the rubric's current version. */
	versions: {
		id: string;
		version: number;
		contentHash: string;
		mode: RubricContent['mode'];
		note: string;
		createdAt: Date;
	}[];
}

/**
 * What a judge run can be started with: every version of every rubric that is not archived (a run
 * on an older version reproduces an earlier result or compares two versions), newest first.
 */
export async function listVersionChoices(db: Db, membership: Membership): Promise<VersionChoices[]> {
	const rows = await repo.listVersionChoices(db, membership.projectId);
	const byRubric = new Map<string, VersionChoices>();
	for (const r of rows) {
		let entry = byRubric.get(r.rubricId);
		if (!entry) byRubric.set(r.rubricId, (entry = { rubricId: r.rubricId, name: r.rubricName, versions: [] }));
		entry.versions.push({
			id: r.id,
			version: r.version,
			contentHash: r.contentHash,
			mode: r.mode,
			note: r.note,
			createdAt: r.createdAt
		});
	}
	return [...byRubric.values()];
}

export interface VersionView {
	id: string;
	rubricId: string;
	rubricName: string;
	version: number;
	contentHash: string;
	mode: RubricContent['mode'];
	note: string;
	createdAt: Date;
	/** The rubric's latest version. */
	isCurrent: boolean;
	content: RubricContent;
	/** True when the caller may not see the examples (annotators): `content.examples` is then empty. */
	examplesHidden: boolean;
}

function versionView(
	membership: Membership,
	rubric: repo.RubricRow,
	row: repo.VersionRow,
	currentVersion: number
): VersionView {
	const full = row.content as unknown as RubricContent;
	const examplesHidden = !can(membership, 'readResults') && full.examples.length > 0;
	return {
		id: row.id,
		rubricId: row.rubricId,
		rubricName: rubric.name,
		version: row.version,
		contentHash: row.contentHash,
		mode: row.mode,
		note: row.note,
		createdAt: row.createdAt,
		isCurrent: row.version === currentVersion,
		content: examplesHidden ? { ...full, examples: [] } : full,
		examplesHidden
	};
}

export interface RubricView {
	id: string;
	name: string;
	description: string;
	createdAt: Date;
	archived: boolean;
	current: VersionView;
	versions: repo.VersionSummaryRow[];
}

async function requireRubric(db: Db, projectId: string, rubricId: string) {
	const rubric = await repo.findRubric(db, projectId, rubricId);
	if (!rubric) throw new AppError('NOT_FOUND', 'Rubric not found.');
	return rubric;
}

export async function getRubric(db: Db, membership: Membership, rubricId: string): Promise<RubricView> {
	const rubric = await requireRubric(db, membership.projectId, rubricId);
	const [latest, versions] = await Promise.all([repo.latestVersion(db, rubricId), repo.listVersions(db, rubricId)]);
	if (!latest) throw new AppError('NOT_FOUND', 'Rubric not found.');
	return {
		id: rubric.id,
		name: rubric.name,
		description: rubric.description,
		createdAt: rubric.createdAt,
		archived: rubric.archivedAt !== null,
		current: versionView(membership, rubric, latest, latest.version),
		versions: can(membership, 'readResults') ? versions : versions.map((v) => ({ ...v, exampleCount: 0 }))
	};
}

export async function getVersion(db: Db, membership: Membership, versionId: string): Promise<VersionView> {
	const row = await repo.findVersion(db, membership.projectId, versionId);
	if (!row) throw new AppError('NOT_FOUND', 'Rubric version not found.');
	const rubric = await requireRubric(db, membership.projectId, row.rubricId);
	const latest = await repo.latestVersion(db, row.rubricId);
	return versionView(membership, rubric, row, latest?.version ?? row.version);
}

export async function createRubric(
	db: Db,
	membership: Membership,
	input: CreateRubric
): Promise<{ rubricId: string; versionId: string }> {
	let content: RubricContent;
	if ('fromBuiltin' in input) {
		const { judgeId, locale } = input.fromBuiltin;
		const judge = await findBuiltinJudge(judgeId);
		if (!judge) throw new AppError('NOT_FOUND', `There is no built-in judge "${judgeId}".`);
		if (!judge.locales[locale]) throw new AppError('BAD_REQUEST', `The judge "${judgeId}" has no ${locale} version.`);
		content = checkedContent(rubricFromJudge(judge, locale));
	} else content = checkedContent(input.fromScratch);

	return db.transaction().execute(async (trx) => {
		// A chosen name must be free; a default one (the judge's name) gets a number when taken.
		const base = input.name ?? content.name;
		let rubric: { id: string } | undefined;
		for (let n = 1; !rubric && n <= (input.name ? 1 : 50); n++) {
			rubric = await repo.insertRubric(trx, {
				projectId: membership.projectId,
				name: n === 1 ? base : `${base} (${n})`,
				description: input.description,
				createdBy: membership.userId
			});
		}
		if (!rubric)
			throw new AppError('CONFLICT', `A rubric named "${base}" already exists in this project.`, {
				reason: 'name_taken'
			});
		const version = await repo.insertVersion(trx, {
			rubricId: rubric.id,
			projectId: membership.projectId,
			version: 1,
			content,
			contentHash: contentHash(content),
			mode: content.mode,
			note: 'fromBuiltin' in input ? `From built-in judge ${content.judgeId} v${content.judgeVersion}` : '',
			createdBy: membership.userId
		});
		return { rubricId: rubric.id, versionId: version.id };
	});
}

export interface SaveResult {
	versionId: string;
	version: number;
	contentHash: string;
	/** False when the content equalled the current version's: nothing was written. */
	created: boolean;
}

/** A new version on top of `baseVersion`, which must still be the current one. */
export async function saveVersion(db: Db, membership: Membership, input: SaveRubricVersion): Promise<SaveResult> {
	const content = checkedContent(input.content);
	return db
		.transaction()
		.execute((trx) => insertNextVersion(trx, membership, input.rubricId, input.baseVersion, content, input.note));
}

async function insertNextVersion(
	trx: Db,
	membership: Membership,
	rubricId: string,
	baseVersion: number,
	content: RubricContent,
	note: string
): Promise<SaveResult> {
	const rubric = await repo.lockRubric(trx, membership.projectId, rubricId);
	if (!rubric) throw new AppError('NOT_FOUND', 'Rubric not found.');
	if (rubric.archivedAt) throw new AppError('CONFLICT', 'This rubric is archived: it takes no new versions.');
	const latest = await repo.latestVersion(trx, rubricId);
	if (!latest) throw new AppError('NOT_FOUND', 'Rubric not found.');
	if (latest.version !== baseVersion) {
		throw new AppError(
			'CONFLICT',
			`This rubric is at version ${latest.version} now, but your edit started from version ${baseVersion}. Open version ${latest.version} and make your change again.`,
			{ reason: 'stale_version', currentVersion: latest.version }
		);
	}
	const hash = contentHash(content);
	if (hash === latest.contentHash) {
		return { versionId: latest.id, version: latest.version, contentHash: hash, created: false };
	}
	const row = await repo.insertVersion(trx, {
		rubricId,
		projectId: membership.projectId,
		version: latest.version + 1,
		content,
		contentHash: hash,
		mode: content.mode,
		note,
		createdBy: membership.userId
	});
	return { versionId: row.id, version: row.version, contentHash: hash, created: true };
}

export async function archiveRubric(db: Db, membership: Membership, rubricId: string): Promise<{ archived: true }> {
	await requireRubric(db, membership.projectId, rubricId);
	await repo.archiveRubric(db, membership.projectId, rubricId);
	return { archived: true };
}

/* ------------------------------------------------------------------ items, previews, examples */

async function loadUnit(db: Db, projectId: string, itemId: string, answerIds: string[]) {
	const item = await repo.findItemInProject(db, projectId, itemId);
	if (!item) throw new AppError('NOT_FOUND', 'Item not found in this project.');
	const found = await repo.findItemAnswers(db, itemId, answerIds);
	const answers = answerIds.map((id) => {
		const a = found.find((f) => f.id === id);
		if (!a) throw new AppError('NOT_FOUND', 'That answer does not belong to this item.');
		if (!a.available) throw new AppError('BAD_REQUEST', `The answer of ${a.systemName} has no text to judge.`);
		return a;
	});
	if (answerIds.length === 2 && answerIds[0] === answerIds[1])
		throw new AppError('BAD_REQUEST', 'Choose two different answers.');
	const judgeItem: JudgeItem = {
		prompt: item.promptText,
		conversation: item.conversation,
		reference: item.referenceText,
		referenceTurns: item.referenceTurns
	};
	const judgeAnswers: JudgeAnswer[] = answers.map((a) => ({ content: a.content, turns: a.turns }));
	return { item, answers, judgeItem, judgeAnswers };
}

function requireAnswerCount(content: RubricContent, n: number) {
	const want = content.mode === 'pairwise' ? 2 : 1;
	if (n !== want)
		throw new AppError(
			'BAD_REQUEST',
			content.mode === 'pairwise' ? 'A pairwise rubric compares two answers.' : 'A pointwise rubric judges one answer.'
		);
}

export type PreviewResult =
	| {
			ok: true;
			messages: ChatMessage[];
			promptHash: string;
			turn: number;
			turnCount: number;
			item: { id: string; datasetId: string; externalId: string };
			answers: { id: string; systemName: string }[];
	  }
	| { ok: false; reason: string };

/** The messages a judge would receive for this item: a saved version, or unsaved editor content. */
export async function previewRubric(db: Db, membership: Membership, input: PreviewRubric): Promise<PreviewResult> {
	let content: RubricContent;
	if (input.versionId) {
		const row = await repo.findVersion(db, membership.projectId, input.versionId);
		if (!row) throw new AppError('NOT_FOUND', 'Rubric version not found.');
		content = row.content as unknown as RubricContent;
	} else content = checkedContent(input.content);
	requireAnswerCount(content, input.answerIds.length);
	const unit = await loadUnit(db, membership.projectId, input.itemId, input.answerIds);
	const rendered = renderPrompt({
		rubric: content,
		item: unit.judgeItem,
		answers: unit.judgeAnswers,
		order: input.order,
		turn: input.turn
	});
	if (!rendered.ok) return { ok: false, reason: rendered.reason };
	return {
		ok: true,
		messages: rendered.messages,
		promptHash: rendered.promptHash,
		turn: rendered.turn,
		turnCount: userTurns(unit.judgeItem).length,
		item: { id: unit.item.id, datasetId: unit.item.datasetId, externalId: unit.item.externalId },
		answers: unit.answers.map((a) => ({ id: a.id, systemName: a.systemName }))
	};
}

const lastReply = (a: JudgeAnswer) => (a.turns && a.turns.length > 0 ? a.turns[a.turns.length - 1] : (a.content ?? ''));

/** A labelled item → a worked example (the last turn: question, answer(s), reference). */
async function exampleFromItem(
	db: Db,
	projectId: string,
	content: RubricContent,
	spec: ExampleFromItem,
	taken: Set<string>
): Promise<FewShotExample> {
	requireAnswerCount(content, spec.answerIds.length);
	const unit = await loadUnit(db, projectId, spec.itemId, spec.answerIds);
	const question = userTurns(unit.judgeItem).at(-1);
	if (!question) throw new AppError('BAD_REQUEST', `Item ${unit.item.externalId} has no question text.`);
	const reference = unit.item.referenceTurns?.at(-1) ?? unit.item.referenceText ?? undefined;
	const names = unit.answers.map((a) => a.systemName).join(' vs ');
	let id = `${unit.item.externalId} · ${names}`;
	for (let n = 2; taken.has(id); n++) id = `${unit.item.externalId} · ${names} (${n})`;
	taken.add(id);
	const example: FewShotExample = { id, question, explanation: spec.explanation };
	if (content.usesReference && reference) example.reference = reference;
	if (content.mode === 'pairwise') {
		example.answerA = lastReply(unit.judgeAnswers[0]);
		example.answerB = lastReply(unit.judgeAnswers[1]);
	} else example.answer = lastReply(unit.judgeAnswers[0]);
	if (spec.score !== undefined) example.score = spec.score;
	if (spec.scores !== undefined) example.scores = spec.scores;
	if (spec.winner !== undefined) example.winner = spec.winner;
	if (spec.category !== undefined) example.category = spec.category;
	return example;
}

/**
 * A new version whose examples are the current ones plus these items, labelled. Its hash differs
 * from the version without them, and both stay runnable, so a run with examples can be compared
 * with one without.
 */
export async function attachExamples(db: Db, membership: Membership, input: AttachExamples): Promise<SaveResult> {
	return db.transaction().execute(async (trx) => {
		const rubric = await repo.lockRubric(trx, membership.projectId, input.rubricId);
		if (!rubric) throw new AppError('NOT_FOUND', 'Rubric not found.');
		const latest = await repo.latestVersion(trx, input.rubricId);
		if (!latest) throw new AppError('NOT_FOUND', 'Rubric not found.');
		const current = latest.content as unknown as RubricContent;
		const taken = new Set(current.examples.map((e) => e.id));
		const added: FewShotExample[] = [];
		for (const spec of input.examples)
			added.push(await exampleFromItem(trx, membership.projectId, current, spec, taken));
		const content = checkedContent({ ...current, examples: [...current.examples, ...added] });
		const note = input.note || `${added.length} example(s) added from items`;
		return insertNextVersion(trx, membership, input.rubricId, input.baseVersion, content, note);
	});
}
