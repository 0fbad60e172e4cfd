/**
 * The access policy: what a project membership may do. This module is the one
 * place where a role turns into permissions, and so the one place where the
 * blinding rule is written:
 *
 *   annotators never see judge results (verdicts, imported labels, statistics),
 *   because an annotator who saw them would no longer be an independent rater.
 *
 * Who asks:
 * - the procedure builders (`projectProcedure('readResults')` in trpc/init.ts);
 * - plain endpoints (`guardedEndpoint({ policy: { kind: 'project', capability } })`);
 * - services, for what a response may contain (`can(membership, 'readResults')`);
 * - pages, through the `capabilities` that `projects.get` returns (never by
 *   comparing role names themselves).
 *
 * Rules about one item (Annotation's "an annotator sees the judges' output for an
 * item only after submitting their own label") also belong here: see `itemAccess`.
 */
import { PROJECT_ROLES, type ProjectRole } from '../../schemas/project';
import { AppError } from '../errors';

/**
 * - `member`: any role; the project itself, its members, leaving it.
 * - `readItems`: items and candidate answers (what annotators work on).
 * - `readResults`: judge output, imported verdicts and labels, statistics.
 * - `annotate`: submit labels.
 * - `admin`: change the project, its members, its data.
 */
export type Capability = 'member' | 'readItems' | 'readResults' | 'annotate' | 'admin';
export type Capabilities = Record<Capability, boolean>;

const grants: Record<ProjectRole, readonly Capability[]> = {
	admin: ['member', 'readItems', 'readResults', 'annotate', 'admin'],
	// No readResults: annotators must stay blind (see the header).
	annotator: ['member', 'readItems', 'annotate'],
	viewer: ['member', 'readItems', 'readResults']
};

/**
 * What a procedure (`meta.policy`, set by its builder) or a plain endpoint
 * (`guardedEndpoint`) requires of its caller. `procedures` marks the tRPC
 * adapter, whose procedures each declare their own.
 */
export type Policy =
	| { kind: 'public' }
	| { kind: 'authenticated' }
	| { kind: 'instanceAdmin' }
	| { kind: 'project'; capability: Capability }
	| { kind: 'procedures' };

/** Anything carrying a project role: a membership row, a project summary. */
export interface RoleHolder {
	role: ProjectRole;
}

export function can(member: RoleHolder, capability: Capability): boolean {
	return grants[member.role].includes(capability);
}

/** Every capability as a flag, for pages: `{#if project.capabilities.admin}`. */
export function capabilitiesOf(member: RoleHolder): Capabilities {
	return {
		member: can(member, 'member'),
		readItems: can(member, 'readItems'),
		readResults: can(member, 'readResults'),
		annotate: can(member, 'annotate'),
		admin: can(member, 'admin')
	};
}

/** The roles that hold `capability` (for messages and for the policy test). */
export function rolesWith(capability: Capability): ProjectRole[] {
	return PROJECT_ROLES.filter((role) => grants[role].includes(capability));
}

/** Throws FORBIDDEN unless the member holds `capability`. */
export function requireCapability(member: RoleHolder, capability: Capability): void {
	if (!can(member, capability)) {
		throw new AppError('FORBIDDEN', `This needs the ${rolesWith(capability).join(' or ')} role in the project.`);
	}
}

/**
 * What the member may see of one item. The role decides today; rules that also
 * depend on the item or on the member's own work on it (blinding that lifts
 * once an annotator has submitted) extend `ItemFacts` and this function, so that
 * services keep asking one question per item.
 */
export interface ItemFacts {
	/** The member has submitted their own label for this item. Not consulted yet: Annotation decides whether it unblinds. */
	submittedByMember: boolean;
}

export interface ItemAccess {
	/** Judge output and imported verdicts and labels for this item. */
	readJudgeOutput: boolean;
}

export function itemAccess(member: RoleHolder, _item: ItemFacts): ItemAccess {
	return { readJudgeOutput: can(member, 'readResults') };
}
