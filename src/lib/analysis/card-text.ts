/**
 * The judge card in words: its figures as labelled rows, formatted in one language. The card page
 * and the card's Markdown export both render these rows, so a printed card and a downloaded one
 * say the same thing. Pure: numbers and message keys in, strings out (untrusted strings such as
 * rubric or model names pass through untouched; each renderer escapes them for its medium).
 */
import { m } from '../paraglide/messages.js';
import type { JudgeCard } from '../server/services/judge-card';
import { biasSentence, type SentenceLocale } from './bias-sentence';
import { checkText, modelName, reasonName, statusName, thresholdText } from './gate-words';

type Est = { estimate: number; ci: [number, number] | null } | null | undefined;

export interface FieldRow {
	id: string;
	label: string;
	value: string;
}
export interface FigureRow {
	id: string;
	label: string;
	judge: string;
	humans: string;
}

export function cardFormat(locale: SentenceLocale) {
	const fixed = (digits: number) =>
		new Intl.NumberFormat(locale, { minimumFractionDigits: digits, maximumFractionDigits: digits });
	const withCi = (e: Est, digits = 3) => {
		if (!e) return '—';
		const f = fixed(digits);
		return e.ci ? `${f.format(e.estimate)} [${f.format(e.ci[0])}, ${f.format(e.ci[1])}]` : f.format(e.estimate);
	};
	const pctCi = (e: Est) => {
		if (!e) return '—';
		const f = fixed(1);
		const p = (x: number) => f.format(x * 100);
		return e.ci ? `${p(e.estimate)}% [${p(e.ci[0])}, ${p(e.ci[1])}]` : `${p(e.estimate)}%`;
	};
	const count = (n: number) => new Intl.NumberFormat(locale).format(n);
	const num = (x: number | null, digits = 2) => (x === null ? '—' : fixed(digits).format(x));
	const money = (x: number | null) =>
		x === null
			? '—'
			: new Intl.NumberFormat(locale, { style: 'currency', currency: 'USD', maximumFractionDigits: 4 }).format(x);
	const time = (iso: string | null) =>
		iso
			? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' }).format(
					new Date(iso)
				) + ' UTC'
			: '—';
	return { withCi, pctCi, count, num, money, time };
}

const sourceLabel = (kind: string, o: { locale: SentenceLocale }) =>
	kind === 'gold'
		? m.analysis_source_gold({}, o)
		: kind === 'ui'
			? m.analysis_source_ui({}, o)
			: m.analysis_source_imported({}, o);

/** Every section of the card as rows of text in `locale`. */
export function cardText(card: JudgeCard, locale: SentenceLocale) {
	const o = { locale };
	const f = cardFormat(locale);
	/** A statistic of the judge beside the people's, both in one format (a share by default). */
	const figure = (id: string, label: string, judge: Est, humans: Est, format: (e: Est) => string = f.pctCi) => ({
		id,
		label,
		judge: format(judge),
		humans: format(humans)
	});
	const yesNo = (b: boolean) => (b ? m.analysis_card_yes({}, o) : m.analysis_card_no({}, o));

	const rubric: FieldRow[] =
		'available' in card.rubric
			? []
			: [
					{ id: 'name', label: m.analysis_card_rubric_name({}, o), value: card.rubric.name },
					{ id: 'version', label: m.analysis_card_rubric_version({}, o), value: String(card.rubric.version) },
					{ id: 'hash', label: m.analysis_card_rubric_hash({}, o), value: card.rubric.contentHash },
					{
						id: 'judge',
						label: m.analysis_card_rubric_judge({}, o),
						value: card.rubric.judgeId ? `${card.rubric.judgeId} v${card.rubric.judgeVersion ?? '?'}` : '—'
					},
					{ id: 'locale', label: m.analysis_card_rubric_locale({}, o), value: card.rubric.locale },
					{ id: 'mode', label: m.analysis_card_rubric_mode({}, o), value: card.rubric.mode },
					{ id: 'output', label: m.analysis_card_rubric_output({}, o), value: JSON.stringify(card.rubric.output) },
					{ id: 'reference', label: m.analysis_card_rubric_reference({}, o), value: yesNo(card.rubric.usesReference) }
				];

	const model: FieldRow[] = [
		{ id: 'run', label: m.analysis_card_run({}, o), value: card.run.name },
		{ id: 'run-id', label: m.analysis_card_run_id({}, o), value: card.run.id },
		{ id: 'source', label: m.analysis_card_run_source({}, o), value: `${card.run.source} · ${card.run.mode}` },
		{ id: 'status', label: m.analysis_card_run_status({}, o), value: card.run.status },
		{ id: 'created', label: m.analysis_card_run_created({}, o), value: f.time(card.run.createdAt) },
		{ id: 'finished', label: m.analysis_card_run_finished({}, o), value: f.time(card.run.finishedAt) },
		{ id: 'model', label: m.analysis_card_judge_model({}, o), value: card.model.judgeModel ?? '—' }
	];

	const bias = card.bias.available ? card.bias : null;
	const biasSentences = bias ? bias.sentences.map((s) => biasSentence(s, locale)) : [];
	const biasRows: FigureRow[] = [];
	if (bias?.position) {
		biasRows.push(
			figure('consistency', m.analysis_bias_consistency({}, o), bias.position.consistency, null),
			figure('first', m.analysis_bias_first_position({}, o), bias.position.firstPosition, bias.firstShown.humans),
			figure('flip', m.analysis_bias_flip_rate({}, o), bias.position.flipRate, null)
		);
	} else if (bias && (bias.firstShown.judge || bias.firstShown.humans)) {
		biasRows.push(
			figure('first-shown', m.analysis_bias_first_shown({}, o), bias.firstShown.judge, bias.firstShown.humans)
		);
	}
	if (bias && (bias.length.judgeShared || bias.length.humansShared))
		biasRows.push(
			figure('longer', m.analysis_bias_longer_shared({}, o), bias.length.judgeShared, bias.length.humansShared)
		);
	if (bias?.scoreLength)
		biasRows.push(
			figure('score-length', m.analysis_score_length_rho({}, o), bias.scoreLength.judge, bias.scoreLength.humans, (e) =>
				f.withCi(e, 2)
			)
		);

	const agreementRows: FigureRow[] = [];
	let agreementVerdict: string | null = null;
	const a = card.agreement;
	if (a.available && a.kind === 'pairwise') {
		const j = a.judgeHuman;
		const h = a.humanHuman;
		agreementRows.push(
			figure('with-ties', m.analysis_stat_with_ties({}, o), j?.withTies, h?.withTies),
			figure('without-ties', m.analysis_stat_without_ties({}, o), j?.withoutTies, h?.withoutTies),
			figure('kappa', m.analysis_stat_kappa({}, o), j?.kappa, h?.kappa, f.withCi),
			figure('alpha', m.analysis_stat_alpha({}, o), j?.alpha, h?.alpha, f.withCi)
		);
		if (j?.kappa && h?.kappa)
			agreementVerdict = m.analysis_card_verdict_agreement(
				{ judge: f.withCi(j.kappa, 2), humans: f.withCi(h.kappa, 2) },
				o
			);
	} else if (a.available && a.kind === 'pointwise') {
		const j = a.judgeHuman;
		const h = a.humanHuman;
		const ordinal = a.scale.level === 'ordinal';
		agreementRows.push(figure('exact', m.analysis_stat_exact({}, o), j?.exact, h?.exact));
		if (ordinal)
			agreementRows.push(
				figure('within-one', m.analysis_stat_within_one({}, o), j?.withinOne, h?.withinOne),
				figure('kappa-q', m.analysis_stat_kappa_quadratic({}, o), j?.kappaQuadratic, h?.kappaQuadratic, f.withCi),
				figure('spearman', m.analysis_stat_spearman({}, o), j?.spearman, h?.spearman, f.withCi)
			);
		else
			agreementRows.push(
				figure('kappa-n', m.analysis_stat_nominal_kappa({}, o), j?.kappaNominal, h?.kappaNominal, f.withCi)
			);
		const jk = ordinal ? j?.kappaQuadratic : j?.kappaNominal;
		const hk = ordinal ? h?.kappaQuadratic : h?.kappaNominal;
		if (jk && hk)
			agreementVerdict = m.analysis_card_verdict_agreement({ judge: f.withCi(jk, 2), humans: f.withCi(hk, 2) }, o);
	}
	const agreementCounts = a.available
		? m.analysis_card_agreement_counts({ both: f.count(a.counts.both), humanPairs: f.count(a.counts.humanPairs) }, o)
		: null;

	const c = card.calibration;
	const calibration = c.available
		? {
				used: m.analysis_card_calibration_used(
					{
						set:
							c.target === 'gold'
								? m.analysis_card_calibration_set_gold({}, o)
								: m.analysis_card_calibration_set_consensus({}, o),
						answers: f.count(c.counts.calibration),
						items: f.count(c.counts.items)
					},
					o
				),
				rows: c.reliability.map((p) => ({
					id: String(p.x),
					raw: f.num(p.x),
					observed: f.num(p.observed),
					calibrated: f.withCi({ estimate: p.calibrated, ci: p.ci }, 2),
					answers: f.count(p.count)
				})),
				error: c.errors
					? m.analysis_card_calibration_error(
							{ before: f.withCi(c.errors.maeBefore, 2), after: f.withCi(c.errors.maeAfter, 2) },
							o
						)
					: null
			}
		: null;

	const t = card.costAndTime;
	const cost: FigureRow[] = [
		{ id: 'cost', label: m.analysis_card_cost_total({}, o), judge: f.money(t.cost), humans: '—' },
		{ id: 'cost-item', label: m.analysis_card_cost_per_item({}, o), judge: f.money(t.costPerItem), humans: '—' },
		{
			id: 'seconds',
			label: m.analysis_card_seconds_per_item({}, o),
			judge: f.num(t.judgeSecondsPerItem, 1),
			humans: f.num(t.humanMedianSeconds, 1)
		},
		{
			id: 'tokens',
			label: m.analysis_card_tokens({}, o),
			judge: `${f.count(t.inputTokens)} / ${f.count(t.outputTokens)}`,
			humans: '—'
		}
	];
	const costNote = m.analysis_card_seconds_note({ n: f.count(t.humanTimedLabels) }, o);

	const data: FieldRow[] = [
		{ id: 'dataset', label: m.analysis_card_dataset({}, o), value: card.data.dataset.name },
		{ id: 'items', label: m.analysis_card_items({}, o), value: f.count(card.data.items) },
		{
			id: 'judgments',
			label: m.analysis_card_judgments({}, o),
			value: `${f.count(card.data.judgments)} (${f.count(t.ok)})`
		}
	];
	const labels = card.data.labels.map((l) => ({
		id: l.kind,
		source: sourceLabel(l.kind, o),
		labels: f.count(l.labels),
		annotators: f.count(l.annotators),
		names: l.names.join(', ')
	}));

	const cert = card.certification;
	const reasons = [...new Set(cert.certifications.flatMap((c) => c.reasons))].map((r) => reasonName(r, o));
	const certification = {
		status: cert.status,
		summary:
			cert.status === 'not-certified'
				? m.judge_card_not_certified({}, o)
				: cert.status === 'needs-recertification'
					? m.judge_card_recertify({ reasons: reasons.join('; ') || m.judge_card_not_certified({}, o) }, o)
					: m.judge_card_certified_summary({}, o),
		/** One field table per certification: what it was made on, its thresholds and the lower bounds that cleared them. */
		entries: cert.certifications.map((c) => {
			const checks = Array.isArray(c.results.checks)
				? (c.results.checks as unknown as Parameters<typeof checkText>[0][])
				: [];
			const rows: FieldRow[] = [
				{
					id: 'status',
					label: m.gate_col_status({}, o),
					value: [statusName(c.status, o), ...c.reasons.map((r) => reasonName(r, o))].join(' · ')
				},
				{ id: 'version', label: m.gate_col_version({}, o), value: `v${c.version} · ${c.rubricHash}` },
				{ id: 'model', label: m.gate_col_model({}, o), value: `${modelName(c.model)} · ${c.modelHash}` },
				{ id: 'set', label: m.gate_col_set({}, o), value: `${c.setName} · ${c.setHash}` },
				{ id: 'run', label: m.judge_card_cert_run({}, o), value: c.runId ?? '—' },
				{
					id: 'thresholds',
					label: m.gate_col_thresholds({}, o),
					value: thresholdText(c.thresholds, c.results.mode === 'pairwise', o)
				},
				{ id: 'bounds', label: m.gate_col_checks({}, o), value: checks.map((k) => checkText(k, o)).join('; ') || '—' },
				{
					id: 'certified',
					label: m.gate_col_certified({}, o),
					value: `${f.time(c.createdAt)}${c.certifiedBy ? ` · ${c.certifiedBy}` : ''}`
				}
			];
			return { id: c.id, title: m.judge_card_cert_for({ use: c.use }, o), rows };
		})
	};

	return {
		title: m.analysis_card_title({ run: card.run.name }, o),
		generated: m.analysis_card_generated({ time: f.time(card.generatedAt) }, o),
		rubric,
		model,
		biasSentences,
		biasRows,
		agreementRows,
		agreementVerdict,
		agreementCounts,
		calibration,
		cost,
		costNote,
		data,
		labels,
		certification
	};
}

export type CardText = ReturnType<typeof cardText>;

/** A criterion's scale as the card writes it: `1–5` for a score, its labels for a categorical criterion. */
export function criterionScaleText(c: { scale: { min: number; max: number } | null; labels: string[] | null }): string {
	if (c.labels) return c.labels.join(' / ');
	return c.scale ? `${c.scale.min}–${c.scale.max}` : '';
}
