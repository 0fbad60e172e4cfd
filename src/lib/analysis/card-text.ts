/**
 * The judge card in words: its figures as labelled rows, formatted in one language. The card page
 * and the card's Markdown export both render these rows, so a printed card and a downloaded one
 * say the same thing. Pure: numbers and message keys in, strings out (untrusted strings such as
 * rubric or model names pass through untouched; each renderer escapes them for its medium).
 */
import { m } from '../paraglide/messages.js';
import type { JudgeCard } from '../server/services/judge-card';
import { biasSentence, type SentenceLocale } from './bias-sentence';

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
			{
				id: 'consistency',
				label: m.analysis_bias_consistency({}, o),
				judge: f.pctCi(bias.position.consistency),
				humans: '—'
			},
			{
				id: 'first',
				label: m.analysis_bias_first_position({}, o),
				judge: f.pctCi(bias.position.firstPosition),
				humans: f.pctCi(bias.firstShown.humans)
			},
			{ id: 'flip', label: m.analysis_bias_flip_rate({}, o), judge: f.pctCi(bias.position.flipRate), humans: '—' }
		);
	} else if (bias && (bias.firstShown.judge || bias.firstShown.humans)) {
		biasRows.push({
			id: 'first-shown',
			label: m.analysis_bias_first_shown({}, o),
			judge: f.pctCi(bias.firstShown.judge),
			humans: f.pctCi(bias.firstShown.humans)
		});
	}
	if (bias && (bias.length.judgeShared || bias.length.humansShared))
		biasRows.push({
			id: 'longer',
			label: m.analysis_bias_longer_shared({}, o),
			judge: f.pctCi(bias.length.judgeShared),
			humans: f.pctCi(bias.length.humansShared)
		});
	if (bias?.scoreLength)
		biasRows.push({
			id: 'score-length',
			label: m.analysis_score_length_rho({}, o),
			judge: f.withCi(bias.scoreLength.judge, 2),
			humans: f.withCi(bias.scoreLength.humans, 2)
		});

	const agreementRows: FigureRow[] = [];
	let agreementVerdict: string | null = null;
	const a = card.agreement;
	if (a.available && a.kind === 'pairwise') {
		const j = a.judgeHuman;
		const h = a.humanHuman;
		agreementRows.push(
			{
				id: 'with-ties',
				label: m.analysis_stat_with_ties({}, o),
				judge: f.pctCi(j?.withTies),
				humans: f.pctCi(h?.withTies)
			},
			{
				id: 'without-ties',
				label: m.analysis_stat_without_ties({}, o),
				judge: f.pctCi(j?.withoutTies),
				humans: f.pctCi(h?.withoutTies)
			},
			{ id: 'kappa', label: m.analysis_stat_kappa({}, o), judge: f.withCi(j?.kappa), humans: f.withCi(h?.kappa) },
			{ id: 'alpha', label: m.analysis_stat_alpha({}, o), judge: f.withCi(j?.alpha), humans: f.withCi(h?.alpha) }
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
		agreementRows.push({
			id: 'exact',
			label: m.analysis_stat_exact({}, o),
			judge: f.pctCi(j?.exact),
			humans: f.pctCi(h?.exact)
		});
		if (ordinal)
			agreementRows.push(
				{
					id: 'within-one',
					label: m.analysis_stat_within_one({}, o),
					judge: f.pctCi(j?.withinOne),
					humans: f.pctCi(h?.withinOne)
				},
				{
					id: 'kappa-q',
					label: m.analysis_stat_kappa_quadratic({}, o),
					judge: f.withCi(j?.kappaQuadratic),
					humans: f.withCi(h?.kappaQuadratic)
				},
				{
					id: 'spearman',
					label: m.analysis_stat_spearman({}, o),
					judge: f.withCi(j?.spearman),
					humans: f.withCi(h?.spearman)
				}
			);
		else
			agreementRows.push({
				id: 'kappa-n',
				label: m.analysis_stat_nominal_kappa({}, o),
				judge: f.withCi(j?.kappaNominal),
				humans: f.withCi(h?.kappaNominal)
			});
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
		labels
	};
}

export type CardText = ReturnType<typeof cardText>;
