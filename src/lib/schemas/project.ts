/**
 * Zod schemas shared by the project/member forms and their tRPC procedures, so
 * the browser's `maxlength` and the server's validation cannot drift apart.
 */
import { z } from 'zod';

export const PROJECT_NAME_MAX = 120;
export const PROJECT_DESCRIPTION_MAX = 2000;
export const DISPLAY_NAME_MAX = 80;

/** The project roles, declared once; what each may do is in lib/server/auth/policy.ts. */
export const PROJECT_ROLES = ['admin', 'annotator', 'viewer'] as const;
export const ProjectRoleSchema = z.enum(PROJECT_ROLES);
export type ProjectRole = z.infer<typeof ProjectRoleSchema>;

export const ProjectNameSchema = z
	.string()
	.trim()
	.min(1, 'Name is required.')
	.max(PROJECT_NAME_MAX, `Name is at most ${PROJECT_NAME_MAX} characters.`);
export const ProjectDescriptionSchema = z
	.string()
	.trim()
	.max(PROJECT_DESCRIPTION_MAX, `Description is at most ${PROJECT_DESCRIPTION_MAX} characters.`);

export const CreateProjectSchema = z.object({
	name: ProjectNameSchema,
	description: ProjectDescriptionSchema.default('')
});
export type CreateProject = z.infer<typeof CreateProjectSchema>;

export const UpdateProjectSchema = z
	.object({ name: ProjectNameSchema.optional(), description: ProjectDescriptionSchema.optional() })
	.refine(
		(v) => v.name !== undefined || v.description !== undefined,
		'Nothing to update: give a name or a description.'
	);
export type UpdateProject = z.infer<typeof UpdateProjectSchema>;

export const LocaleSchema = z.enum(['en', 'zh-CN']);
export type LocaleName = z.infer<typeof LocaleSchema>;

export const DisplayNameSchema = z
	.string()
	.trim()
	.min(1, 'Display name is required.')
	.max(DISPLAY_NAME_MAX, `Display name is at most ${DISPLAY_NAME_MAX} characters.`);
