/**
 * Limits and zod schemas of the account forms, shared by the pages (for
 * `maxlength`) and the server (for validation), so they cannot drift apart.
 */
import { z } from 'zod';
import { DisplayNameSchema } from './project';

export const PASSWORD_MIN = 8;
export const PASSWORD_MAX = 256;
/** RFC 5321 limits a forward path to 256 octets; 320 leaves room for odd but valid input. */
export const EMAIL_MAX = 320;

/**
 * Password length in characters (Unicode code points, so "密码" is 2, not 2
 * UTF-16 units by luck). A cheap UTF-16 length check runs first, so a megabyte
 * of input is refused without being walked or hashed.
 */
export function passwordLengthProblem(password: string): 'too_short' | 'too_long' | null {
	if (password.length > PASSWORD_MAX * 2) return 'too_long';
	const chars = [...password].length;
	if (chars < PASSWORD_MIN) return 'too_short';
	if (chars > PASSWORD_MAX) return 'too_long';
	return null;
}

export const NewPasswordSchema = z.string().superRefine((value, ctx) => {
	const problem = passwordLengthProblem(value);
	// `params.problem` lets a form pick its localized message (route-errors.ts).
	if (problem === 'too_short')
		ctx.addIssue({
			code: 'custom',
			message: `Password needs at least ${PASSWORD_MIN} characters.`,
			params: { problem }
		});
	if (problem === 'too_long')
		ctx.addIssue({ code: 'custom', message: `Password is at most ${PASSWORD_MAX} characters.`, params: { problem } });
});

/** At sign-in only the upper bound matters (and keeps argon2 from seeing huge input). */
export const PasswordInputSchema = z
	.string()
	.min(1, 'Password is required.')
	.refine((value) => passwordLengthProblem(value) !== 'too_long', {
		message: `Password is at most ${PASSWORD_MAX} characters.`,
		params: { problem: 'too_long' }
	});

export const EmailSchema = z
	.string()
	.trim()
	.max(EMAIL_MAX, `Email is at most ${EMAIL_MAX} characters.`)
	.pipe(z.email('Enter a valid email address.'));

/** An invitation link's token, as the invite page and its procedures take it. */
export const InvitationTokenSchema = z.string().max(200);

/** Sign-in takes any stored email's spelling; only its length is checked before the throttle. */
export const SignInSchema = z.object({
	email: z.string().trim().min(1, 'Email is required.').max(EMAIL_MAX, `Email is at most ${EMAIL_MAX} characters.`),
	password: PasswordInputSchema
});
export type SignIn = z.infer<typeof SignInSchema>;

export const SignUpSchema = z.object({
	email: EmailSchema,
	displayName: DisplayNameSchema,
	password: NewPasswordSchema
});
export type SignUp = z.infer<typeof SignUpSchema>;

/** The sign-up form, optionally from an invitation link (used up in the same transaction). */
export const SignUpInputSchema = SignUpSchema.extend({ invitationToken: InvitationTokenSchema.optional() });
