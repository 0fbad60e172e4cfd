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
 * item only after submitting their own label, when the queue reveals") are here too: `itemAccess`.
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

/**
 * Whether `role` is no wider than `limit`: every capability of `role` is one of `limit`'s.
 * An API token may carry only such a role (admin ⊇ viewer, admin ⊇ annotator; viewer and
 * annotator are not within each other: one reads results, the other labels blind).
 */
export function roleWithin(role: ProjectRole, limit: ProjectRole): boolean {
	return grants[role].every((c) => grants[limit].includes(c));
}

/** Throws FORBIDDEN unless the member holds `capability`. */
export function requireCapability(member: RoleHolder, capability: Capability): void {
	if (!can(member, capability)) {
		throw new AppError('FORBIDDEN', `This needs the ${rolesWith(capability).join(' or ')} role in the project.`);
	}
}

/**
 * Whether the member may learn which system wrote an answer. Members who read results may;
 * annotators never do (not even after submitting in a revealing queue): the dataset and item
 * pages show them answers as "Answer 1, 2, …" in an order drawn per item, without system names,
 * ids or answer metadata, and offer no filter by system.
 */
export function seesSystemNames(member: RoleHolder): boolean {
	return can(member, 'readResults');
}

/**
 * What the member may see of one item: THE per-item blinding rule. Members who read results
 * (admins, viewers) see everything. An annotator sees the judges' output and other people's
 * labels for an item only once they have submitted their own label on it AND the queue they
 * labelled it in reveals after submit; before that, no procedure, page, count or error may
 * carry them (test/integration/annotation/blinding.test.ts plants canaries to check).
 * Services ask this once per item; they never re-derive it from roles.
 */
export interface ItemFacts {
	/** The member has submitted their own label for this item (in the queue at hand). */
	submittedByMember: boolean;
	/** That queue shows judge output and others' labels after submitting. */
	revealAfterSubmit: boolean;
}

export interface ItemAccess {
	/** Judge output and imported verdicts and labels for this item. */
	readJudgeOutput: boolean;
	/** Labels other people made on this item. */
	readOthersLabels: boolean;
}

export function itemAccess(member: RoleHolder, item: ItemFacts): ItemAccess {
	const unblinded =
		can(member, 'readResults') || (can(member, 'annotate') && item.submittedByMember && item.revealAfterSubmit);
	return { readJudgeOutput: unblinded, readOthersLabels: unblinded };
}
