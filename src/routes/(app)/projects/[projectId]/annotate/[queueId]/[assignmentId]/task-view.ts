/**
 * What the workspace components render, independent of how the annotation router spells it
 * (the page maps the procedure's output onto these).
 */
export interface TaskCriterion {
	id: string;
	name: string;
	description: string;
	scale: { min: number; max: number };
	redLine: boolean;
}
