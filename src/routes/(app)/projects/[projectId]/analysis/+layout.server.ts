import { error } from '@sveltejs/kit';
import type { LayoutServerLoad } from './$types';

/** Statistics are results: roles without readResults (annotators) never see these pages. */
export const load: LayoutServerLoad = async ({ parent }) => {
	const { project } = await parent();
	if (!project.capabilities.readResults) error(403, 'Forbidden');
	return {};
};
