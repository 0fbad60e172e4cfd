/** Zod schemas of the API-token form and its procedures. */
import { z } from 'zod';
import { ProjectRoleSchema } from './project';

export const API_TOKEN_NAME_MAX = 80;
/** Expiry choices offered by the form, in days (null: never). */
export const API_TOKEN_EXPIRY_DAYS = [7, 30, 90, 365] as const;

export const CreateApiTokenSchema = z.object({
	projectId: z.string().uuid(),
	name: z
		.string()
		.trim()
		.min(1, 'Name is required.')
		.max(API_TOKEN_NAME_MAX, `Name is at most ${API_TOKEN_NAME_MAX} characters.`),
	role: ProjectRoleSchema,
	/** Days until the token stops working; null for no expiry. */
	expiresInDays: z.number().int().min(1).max(3650).nullable().default(null)
});
export type CreateApiToken = z.infer<typeof CreateApiTokenSchema>;
