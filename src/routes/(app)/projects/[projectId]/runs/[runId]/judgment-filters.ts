/**
 * The judgments table's filters live in the URL (?status=&system=&flagged=1), so a filtered
 * list can be shared and reloaded and the filter form works without JavaScript.
 */
import { JUDGMENT_STATUSES, type JudgmentStatus } from '../run-format';

export interface JudgmentFilters {
	status?: JudgmentStatus;
	systemId?: string;
	flaggedOnly: boolean;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function readJudgmentFilters(params: URLSearchParams): JudgmentFilters {
	const status = params.get('status');
	const system = params.get('system');
	return {
		// Unknown values in a hand-edited URL are ignored rather than failing the page.
		status: JUDGMENT_STATUSES.find((s) => s === status),
		systemId: system && UUID.test(system) ? system : undefined,
		flaggedOnly: params.get('flagged') === '1'
	};
}

export function hasJudgmentFilters(f: JudgmentFilters): boolean {
	return Boolean(f.status || f.systemId || f.flaggedOnly);
}
