/** Words for rubric values, in the reader's language. */
import { m } from '$lib/paraglide/messages.js';

export const modeLabel = (mode: string) => (mode === 'pairwise' ? m.rubric_mode_pairwise() : m.rubric_mode_pointwise());

export const languageLabel = (locale: string | null) =>
	locale === 'zh-CN' ? m.rubric_language_zh() : locale === 'en' ? m.rubric_language_en() : '—';

/** The first 12 hex digits (without the `sha256:` prefix): enough to tell versions apart at a glance (the full hash is in the title). */
export const shortHash = (hash: string) => hash.replace(/^sha256:/, '').slice(0, 12);
