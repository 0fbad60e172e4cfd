/**
 * The bias verdict sentences (services/analysis-bias.ts gives message keys and their figures) in
 * words, in the page's language or a chosen one: the bias page, the judge card and its Markdown
 * export all word them here, so the three never drift apart.
 */
import { m } from '../paraglide/messages.js';
import type { BiasSentence } from '../server/services/analysis-bias';

export type SentenceLocale = 'en' | 'zh-CN';

export function biasSentence(s: BiasSentence, locale?: SentenceLocale): string {
	const p = s.params;
	const o = locale ? { locale } : {};
	switch (s.key) {
		case 'analysis_bias_sentence_both':
			return m.analysis_bias_sentence_both({ share: p.share, inconsistent: p.inconsistent }, o);
		case 'analysis_bias_sentence_consistent':
			return m.analysis_bias_sentence_consistent({ consistency: p.consistency }, o);
		case 'analysis_bias_sentence_single':
			return m.analysis_bias_sentence_single({ judge: p.judge, humans: p.humans }, o);
		case 'analysis_bias_sentence_length':
			return m.analysis_bias_sentence_length({ judge: p.judge, humans: p.humans }, o);
		case 'analysis_bias_sentence_position_humans':
			return m.analysis_bias_sentence_position_humans({ judge: p.judge, humans: p.humans }, o);
		case 'analysis_bias_sentence_lists':
			return m.analysis_bias_sentence_lists({ judge: p.judge, humans: p.humans }, o);
		case 'analysis_bias_sentence_style':
			return m.analysis_bias_sentence_style({ judge: p.judge, humans: p.humans, moved: p.moved }, o);
		case 'analysis_bias_sentence_score_length':
			return m.analysis_bias_sentence_score_length({ judge: p.judge, humans: p.humans }, o);
		case 'analysis_bias_sentence_flagged':
			return m.analysis_bias_sentence_flagged(
				{ answers: p.answers, comparisons: p.comparisons, before: p.before, after: p.after },
				o
			);
	}
}
