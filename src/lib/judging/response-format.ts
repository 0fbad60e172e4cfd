/**
 * `response_format` for providers with structured output (OpenAI json_schema, vLLM guided JSON):
 * a strict schema per rubric, whose replies `parseVerdict` reads as method 'json'. Strict mode
 * wants every property required and no extra ones, so "may be absent" is spelled `null`.
 * The parser still checks the values: a provider that ignores the schema is caught there.
 */
import type { RubricContent } from './types';

export interface JsonSchemaResponseFormat {
	type: 'json_schema';
	json_schema: { name: string; strict: true; schema: Record<string, unknown> };
}

const scoreSchema = (min: number, max: number) => ({ type: ['integer', 'null'], minimum: min, maximum: max });

export function verdictJsonSchema(rubric: RubricContent): Record<string, unknown> {
	const properties: Record<string, unknown> = {
		reasoning: { type: 'string', description: 'Brief assessment, written before the verdict.' },
		abstain: { type: 'boolean', description: 'True only when the answer cannot be judged at all.' }
	};
	if (rubric.mode === 'pairwise') {
		const categories = rubric.output.kind === 'categories' ? rubric.output.categories : ['A', 'B', 'tie'];
		properties.verdict = { type: ['string', 'null'], enum: [...categories, null] };
	} else if (rubric.output.kind === 'categories') {
		properties.category = { type: ['string', 'null'], enum: [...rubric.output.categories, null] };
	} else if (rubric.criteria.length > 0) {
		properties.scores = {
			type: 'object',
			// A categorical criterion is answered with one of its labels (its index is Concord's code, not the model's).
			properties: Object.fromEntries(
				rubric.criteria.map((c) => [
					c.id,
					c.categories
						? { type: ['string', 'null'], enum: [...c.categories, null] }
						: scoreSchema(c.scale.min, c.scale.max)
				])
			),
			required: rubric.criteria.map((c) => c.id),
			additionalProperties: false
		};
	} else {
		properties.score = scoreSchema(rubric.output.scale.min, rubric.output.scale.max);
	}
	return { type: 'object', properties, required: Object.keys(properties), additionalProperties: false };
}

/** The `response_format` argument for chat.completions.create. */
export function responseFormatFor(rubric: RubricContent): JsonSchemaResponseFormat {
	const name = `concord_${rubric.mode}_${rubric.judgeId ?? 'rubric'}`.replace(/[^a-zA-Z0-9_-]/g, '_').slice(0, 64);
	return { type: 'json_schema', json_schema: { name, strict: true, schema: verdictJsonSchema(rubric) } };
}
