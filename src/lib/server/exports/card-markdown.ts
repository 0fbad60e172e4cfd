/**
 * The judge card as Markdown: plain text a person can read as is, or paste into a report, with
 * the same sections and words as the card page (lib/analysis/card-text.ts) and the export's
 * provenance manifest at the end.
 *
 * Names, rubric texts, model settings and the rest come from users and imported files, so none
 * of them may turn into markup when the file is rendered by someone's Markdown viewer:
 *   - inline text (a cell, a heading, a list entry) is one line: control characters dropped, line
 *     breaks folded into spaces, and every character that starts inline markup, HTML, an entity
 *     or a table cell backslash-escaped (CommonMark §2.4: any ASCII punctuation may be escaped);
 *   - block text (the rubric, JSON) goes into a fenced code block whose fence is longer than the
 *     longest run of backticks inside it, so nothing in the text can close it (CommonMark §4.5).
 */
import { m } from '../../paraglide/messages.js';
import type { SentenceLocale } from '../../analysis/bias-sentence';
import { cardText, criterionScaleText, type FieldRow, type FigureRow } from '../../analysis/card-text';
import type { JudgeCard } from '../services/judge-card';

// C0 controls except tab and line breaks, DEL, and C1 controls.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/g;
const LINE_BREAKS = /\s*(?:\r\n|[\r\n\u2028\u2029])\s*/g;
/** Characters that can open inline markup, raw HTML, entities, links, table cells or math. */
const INLINE_SPECIAL = /[\\`*_{}[\]()<>#!|~&$^]/g;

/** One line of untrusted text that renders as exactly that text. */
export function mdInline(text: string): string {
	return text.replace(CONTROL, '').replace(LINE_BREAKS, ' ').replace(INLINE_SPECIAL, '\\$&').trim();
}

/** Untrusted text verbatim in a fenced code block no line of it can close. */
export function mdBlock(text: string, info = 'text'): string {
	const body = text.replace(CONTROL, '').replace(/\r\n?/g, '\n');
	const longest = Math.max(0, ...(body.match(/`+/g) ?? []).map((run) => run.length));
	const fence = '`'.repeat(Math.max(3, longest + 1));
	return `${fence}${info}\n${body}${body.endsWith('\n') ? '' : '\n'}${fence}`;
}

function table(head: string[], rows: string[][]): string {
	const line = (cells: string[]) => `| ${cells.map(mdInline).join(' | ')} |`;
	return [line(head), `|${head.map(() => ' --- ').join('|')}|`, ...rows.map(line)].join('\n');
}

const fieldTable = (rows: FieldRow[], o: { locale: SentenceLocale }) =>
	table(
		[m.analysis_card_col_field({}, o), m.analysis_card_col_value({}, o)],
		rows.map((r) => [r.label, r.value])
	);
const figureTable = (rows: FigureRow[], head: [string, string, string]) =>
	table(
		head,
		rows.map((r) => [r.label, r.judge, r.humans])
	);

export function cardMarkdown(card: JudgeCard, manifest: unknown, locale: SentenceLocale): string {
	const o = { locale };
	const t = cardText(card, locale);
	const out: string[] = [];
	const h = (level: number, text: string) => out.push(`${'#'.repeat(level)} ${mdInline(text)}`);
	const p = (text: string) => out.push(mdInline(text));

	h(1, t.title);
	p(t.generated);
	if (card.simulated) out.push(`> ${mdInline(m.analysis_card_simulated({}, o))}`);

	h(2, m.judge_card_certification({}, o));
	p(t.certification.summary);
	for (const c of t.certification.entries) {
		h(3, c.title);
		out.push(fieldTable(c.rows, o));
	}

	h(2, m.analysis_card_rubric({}, o));
	if ('available' in card.rubric) p(m.analysis_card_no_rubric({}, o));
	else {
		out.push(fieldTable(t.rubric, o));
		h(3, m.analysis_card_rubric_text({}, o));
		out.push(mdBlock(card.rubric.rubricText));
		if (card.rubric.criteria.length > 0) {
			h(3, m.analysis_card_criteria({}, o));
			out.push(
				table(
					[
						m.analysis_card_col_criterion({}, o),
						m.analysis_card_col_scale({}, o),
						m.analysis_card_col_description({}, o)
					],
					card.rubric.criteria.map((c) => [`${c.name} (${c.id})`, criterionScaleText(c), c.description])
				)
			);
		}
	}

	h(2, m.analysis_card_model({}, o));
	out.push(fieldTable(t.model, o));
	h(3, m.analysis_card_provider({}, o));
	out.push(mdBlock(JSON.stringify(card.model.provider, null, 2), 'json'));
	h(3, m.analysis_card_options({}, o));
	out.push(mdBlock(JSON.stringify(card.run.options, null, 2), 'json'));

	h(2, m.analysis_card_bias({}, o));
	if (t.biasSentences.length) out.push(t.biasSentences.map((s) => `- ${mdInline(s)}`).join('\n'));
	if (t.biasRows.length)
		out.push(
			figureTable(t.biasRows, [m.analysis_col_statistic({}, o), m.analysis_judge({}, o), m.analysis_humans({}, o)])
		);
	else p(m.analysis_card_bias_none({}, o));

	h(2, m.analysis_card_agreement({}, o));
	if (!card.agreement.available) p(m.analysis_card_no_labels({}, o));
	else {
		if (t.agreementVerdict) p(t.agreementVerdict);
		if (t.agreementCounts) p(t.agreementCounts);
		out.push(
			figureTable(t.agreementRows, [
				m.analysis_col_statistic({}, o),
				m.analysis_judge_human({}, o),
				m.analysis_card_col_ceiling({}, o)
			])
		);
		p(m.analysis_card_agreement_note({}, o));
	}

	h(2, m.analysis_card_calibration({}, o));
	if (!t.calibration)
		p(
			!card.calibration.available && card.calibration.reason === 'pairwise'
				? m.analysis_card_calibration_pairwise({}, o)
				: m.analysis_calibration_warn_none({}, o)
		);
	else {
		p(t.calibration.used);
		out.push(
			table(
				[
					m.analysis_calibration_col_raw({}, o),
					m.analysis_calibration_col_observed({}, o),
					m.analysis_calibration_col_calibrated({}, o),
					m.analysis_calibration_col_answers({}, o)
				],
				t.calibration.rows.map((r) => [r.raw, r.observed, r.calibrated, r.answers])
			)
		);
		if (t.calibration.error) p(t.calibration.error);
	}

	h(2, m.analysis_card_cost({}, o));
	out.push(
		figureTable(t.cost, [
			m.analysis_col_statistic({}, o),
			m.analysis_card_col_judge({}, o),
			m.analysis_card_col_annotators({}, o)
		])
	);
	p(t.costNote);

	h(2, m.analysis_card_data({}, o));
	out.push(fieldTable(t.data, o));
	if (t.labels.length)
		out.push(
			table(
				[
					m.analysis_card_col_source({}, o),
					m.analysis_card_col_labels({}, o),
					m.analysis_card_col_people({}, o),
					m.analysis_card_col_names({}, o)
				],
				t.labels.map((l) => [l.source, l.labels, l.annotators, l.names])
			)
		);

	h(2, m.analysis_card_provenance({}, o));
	out.push(mdBlock(JSON.stringify(manifest, null, 2), 'json'));
	return out.join('\n\n') + '\n';
}
