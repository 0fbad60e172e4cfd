/**
 * The simulated judge: a built-in "provider" that needs no model, so the whole pipeline runs
 * offline and known biases come back in the diagnostics. It is never a real model: its name
 * always carries "simulated", and its replies say so.
 *
 * Model of one call (all draws from a seeded xoshiro128** stream, lib/stats/rng.ts, seeded from
 * the config seed, the judged texts, the order, the turn and the sample, so a repeated call gives
 * the same reply and a cache of replies stays valid):
 *   quality q ∈ [0, 1] from answer features: markdown structure (headings, lists, code, emphasis)
 *     and, when the rubric uses a reference, unigram F1 overlap with the reference;
 *   latent  = q + lengthBias · log2(chars / 400) + noise · N(0, 1);
 *   pointwise: score = min + round(clamp(latent) · (max − min)); criteria get their own noise;
 *   pairwise: with probability |positionBias| the judge picks the first-shown answer (second when
 *     negative) without looking; otherwise it compares latents, calling a tie within tieMargin.
 * Under that model the share of decisive verdicts naming the first-shown answer is
 * 0.5 + positionBias / 2 when ties are rare, which is how `positionBias` is recovered from runs
 * judged in both orders (stats/position-bias.ts).
 * Replies are text in the rubric's language (or JSON when structured output is asked for) and go
 * through the same parser as a real model's.
 */
import { createRng, randomNormal, type Rng } from '../stats/rng';
import { canonicalJson, sha256Hex } from './content-hash';
import { userTurns, type RenderInput } from './render';
import type { PairwiseWinner, RubricContent } from './types';

export const SIMULATED_JUDGE_MODEL = 'simulated-judge';

export interface SimulatedJudgeConfig {
	seed: number;
	/** In [−1, 1]: probability of picking the first-shown (> 0) or second-shown (< 0) answer blindly. */
	positionBias: number;
	/** Quality added per doubling of answer length (> 0 favours longer answers). */
	lengthBias: number;
	/** Standard deviation of the Gaussian noise on quality (0–1 scale). */
	noise: number;
	/** Latent difference below which a pair is a tie (default 0.03). */
	tieMargin?: number;
	/** Probability of abstaining on a call (default 0). */
	abstainRate?: number;
}

/** The display name of a simulated judge; always contains "simulated". */
export function simulatedJudgeName(config: SimulatedJudgeConfig): string {
	return `simulated judge (position bias ${config.positionBias}, length bias ${config.lengthBias}, noise ${config.noise})`;
}

export interface AnswerFeatures {
	chars: number;
	/** 0–1: how much markdown structure the answer has. */
	structure: number;
	/** Unigram F1 with the reference (0–1), or null without one. */
	overlap: number | null;
}

function tokens(text: string): string[] {
	// CJK characters count one by one; other text by words.
	return text.toLowerCase().match(/[\u3400-\u9fff]|[a-z0-9]+/g) ?? [];
}

/** Unigram F1 between two texts (bag of tokens). */
export function unigramF1(a: string, b: string): number {
	const ta = tokens(a);
	const tb = tokens(b);
	if (ta.length === 0 || tb.length === 0) return 0;
	const counts = new Map<string, number>();
	for (const t of tb) counts.set(t, (counts.get(t) ?? 0) + 1);
	let common = 0;
	for (const t of ta) {
		const left = counts.get(t) ?? 0;
		if (left > 0) {
			common++;
			counts.set(t, left - 1);
		}
	}
	if (common === 0) return 0;
	const precision = common / ta.length;
	const recall = common / tb.length;
	return (2 * precision * recall) / (precision + recall);
}

export function answerFeatures(text: string, reference: string | null): AnswerFeatures {
	const count = (re: RegExp) => (text.match(re) ?? []).length;
	const marks =
		count(/^#{1,6}\s/gm) + count(/^\s*(?:[-*+]|\d+[.)])\s/gm) + count(/```/g) / 2 + count(/\*\*[^*\n]+\*\*/g);
	return {
		chars: [...text].length,
		structure: Math.min(1, marks / 6),
		overlap: reference == null ? null : unigramF1(text, reference)
	};
}

function quality(f: AnswerFeatures): number {
	return f.overlap == null ? 0.55 + 0.25 * f.structure : 0.2 + 0.65 * f.overlap + 0.15 * f.structure;
}

const clamp01 = (x: number) => Math.min(1, Math.max(0, x));

export interface SimulateInput extends RenderInput {
	sample?: number;
	config: SimulatedJudgeConfig;
	/** Reply with the rubric's JSON schema shape instead of text. */
	structured?: boolean;
}

function seedFor(input: SimulateInput, texts: string[], turn: number): number {
	const key = canonicalJson([input.config.seed, texts, input.order ?? 'ab', turn, input.sample ?? 0]);
	return Number.parseInt(sha256Hex(key).slice(0, 8), 16) | 0;
}

/** One simulated reply, in the same text form a real judge would write. */
export function simulateReply(input: SimulateInput): string {
	const { rubric, item, config } = input;
	const users = userTurns(item);
	const last = Math.max(0, users.length - 1);
	const turn = input.turn ?? last;
	const shown =
		rubric.mode === 'pairwise' && input.order === 'ba' ? [input.answers[1], input.answers[0]] : input.answers;
	const texts = shown.map((a) => a.turns?.[turn] ?? (turn === last ? a.content : null) ?? '');
	const reference = rubric.usesReference ? (item.referenceTurns?.[turn] ?? item.reference ?? null) : null;
	const rng = createRng(seedFor(input, texts, turn));
	const zh = rubric.locale === 'zh-CN';
	const features = texts.map((t) => answerFeatures(t, reference));
	const note = features
		.map((f, i) => {
			const label = shown.length > 1 ? (i === 0 ? 'A' : 'B') : '';
			const overlap =
				f.overlap == null
					? ''
					: zh
						? `，与参考答案重合度 ${f.overlap.toFixed(2)}`
						: `, reference overlap ${f.overlap.toFixed(2)}`;
			return zh
				? `回答${label}：${f.chars} 字符，结构 ${f.structure.toFixed(2)}${overlap}`
				: `answer${label ? ` ${label}` : ''}: ${f.chars} characters, structure ${f.structure.toFixed(2)}${overlap}`;
		})
		.join(zh ? '；' : '; ');
	const reasoning = zh ? `模拟评审（不是真实模型）。${note}。` : `Simulated judge (not a real model). ${note}.`;

	if (rng() < (config.abstainRate ?? 0)) {
		return input.structured
			? JSON.stringify({ reasoning, abstain: true, ...emptyVerdict(rubric) })
			: `${reasoning}\n[[ABSTAIN]]`;
	}
	const latent = (f: AnswerFeatures) =>
		quality(f) + config.lengthBias * Math.log2(Math.max(f.chars, 1) / 400) + randomNormal(rng, 0, config.noise);

	if (rubric.mode === 'pairwise') {
		const winner = pairwiseWinner(rng, config, latent(features[0]), latent(features[1]));
		if (input.structured) return JSON.stringify({ reasoning, abstain: false, verdict: winner });
		return `${reasoning}\n[[${winner === 'tie' ? 'C' : winner}]]`;
	}
	const base = latent(features[0]);
	if (rubric.output.kind === 'categories') {
		const categories = rubric.output.categories;
		const category = categories[Math.min(categories.length - 1, Math.floor((1 - clamp01(base)) * categories.length))];
		return input.structured ? JSON.stringify({ reasoning, abstain: false, category }) : `${reasoning}\n[[${category}]]`;
	}
	const toScale = (x: number, min: number, max: number) => min + Math.round(clamp01(x) * (max - min));
	if (rubric.criteria.length > 0) {
		const scores = Object.fromEntries(
			rubric.criteria.map((c) => {
				const at = toScale(base + randomNormal(rng, 0, config.noise / 2), c.scale.min, c.scale.max);
				// A categorical criterion answers with a label, as a model must (its index is Concord's code).
				return [c.id, c.categories ? c.categories[at] : at];
			})
		);
		return input.structured
			? JSON.stringify({ reasoning, abstain: false, scores })
			: `${reasoning}\n${JSON.stringify({ scores })}`;
	}
	const score = toScale(base, rubric.output.scale.min, rubric.output.scale.max);
	if (input.structured) return JSON.stringify({ reasoning, abstain: false, score });
	return `${reasoning}\n${zh ? '评分：' : 'Rating: '}[[${score}]]`;
}

function pairwiseWinner(rng: Rng, config: SimulatedJudgeConfig, first: number, second: number): PairwiseWinner {
	if (rng() < Math.abs(config.positionBias)) return config.positionBias > 0 ? 'A' : 'B';
	const diff = first - second;
	const margin = config.tieMargin ?? 0.03;
	return diff > margin ? 'A' : diff < -margin ? 'B' : 'tie';
}

function emptyVerdict(rubric: RubricContent): Record<string, unknown> {
	if (rubric.mode === 'pairwise') return { verdict: null };
	if (rubric.output.kind === 'categories') return { category: null };
	if (rubric.criteria.length > 0) return { scores: Object.fromEntries(rubric.criteria.map((c) => [c.id, null])) };
	return { score: null };
}
