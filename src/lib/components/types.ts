/** Shapes the shell components take; routes map tRPC results into these. */
import type { ResolvedPathname } from '$app/types';
import type { ProjectRole } from '$lib/schemas/project';

export interface ShellUser {
	displayName: string;
	email: string;
	isInstanceAdmin: boolean;
}

export interface ProjectLink {
	id: string;
	name: string;
	role: ProjectRole;
}

export interface Tab {
	/** Already passed through `resolve()` from '$app/paths' by the caller. */
	href: ResolvedPathname;
	label: string;
	/** Marks the tab as the current page (`aria-current="page"`). */
	current: boolean;
}
