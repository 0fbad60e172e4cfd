/**
 * Accounts: sign-up, sign-in, sign-out.
 *
 * - The first account on a fresh instance becomes instance administrator.
 *   Account creation takes a transaction-scoped advisory lock, so of two
 *   simultaneous first sign-ups exactly one sees the empty table.
 * - After that, accounts come from invitation links (consumed in the same
 *   transaction that creates the account), or from open sign-up when
 *   CONCORD_OPEN_SIGNUP is set.
 * - Sign-in is throttled per account and per client address (see
 *   auth/throttle.ts), always runs one argon2 verification (unknown emails
 *   included) and answers every failure with the same message.
 * - Signing in or up rotates the session: whatever session the browser's
 *   cookie named is ended, and a fresh one is issued.
 */
import { EMAIL_MAX, passwordLengthProblem, SignUpSchema } from '../../schemas/auth';
import { assertPasswordLength, hashPassword, verifyPasswordOrDummy } from '../auth/password';
import {
	createSession,
	deleteExpiredSessions,
	invalidateOtherSessions,
	invalidateSession,
	invalidateSessionToken,
	listSessions,
	systemClock,
	type IssuedSession,
	type SessionOptions,
	type SessionSummary
} from '../auth/sessions';
import { chargeLoginAttempt, settleSuccessfulLogin } from '../auth/throttle';
import type { Db } from '../db/client';
import * as usersRepo from '../db/repositories/users';
import { env } from '../env';
import { AppError } from '../errors';
import type { Queue } from '../jobs/queue';
import { logger } from '../logger';
import { afterJoin, assertInvitationUsable, redeemInvitation, type Joined } from './invitations';

export interface ClientInfo {
	clientAddress: string;
	userAgent: string | null;
}

export interface AccountOptions extends SessionOptions {
	/** Defaults to CONCORD_OPEN_SIGNUP. */
	openSignup?: boolean;
}

export type SignUpMode = 'first_admin' | 'open' | 'invitation_only';

/** What /sign-up offers: the first administrator, anyone (open sign-up), or nobody without an invitation. */
export async function signUpMode(db: Db, options: AccountOptions = {}): Promise<SignUpMode> {
	if (!(await usersRepo.anyUserExists(db))) return 'first_admin';
	return (options.openSignup ?? env().CONCORD_OPEN_SIGNUP) ? 'open' : 'invitation_only';
}

const invitationRequired = () =>
	new AppError('FORBIDDEN', 'New accounts need an invitation from an administrator.', {
		reason: 'invitation_required'
	});
const badCredentials = () =>
	new AppError('UNAUTHORIZED', 'Email or password is incorrect.', { reason: 'invalid_credentials' });

/** Ends the session the browser presented (if any and if genuine) before a new one is issued. */
async function rotate(db: Db, currentToken: string | undefined): Promise<void> {
	if (currentToken) await invalidateSessionToken(db, currentToken);
}

export async function signIn(
	db: Db,
	input: { email: string; password: string; currentToken?: string; client: ClientInfo },
	options: SessionOptions = {}
): Promise<IssuedSession> {
	// Refuse oversized input before it reaches the throttle table or argon2.
	if (input.email.length > EMAIL_MAX)
		throw new AppError('BAD_REQUEST', `Email is at most ${EMAIL_MAX} characters.`, { reason: 'invalid_input' });
	if (passwordLengthProblem(input.password) === 'too_long') assertPasswordLength(input.password);
	const now = (options.now ?? systemClock)();
	const email = input.email.trim().toLowerCase();
	const attempt = { email, clientAddress: input.client.clientAddress, now };

	const charge = await chargeLoginAttempt(db, attempt);
	if (!charge.allowed) {
		throw new AppError('TOO_MANY_REQUESTS', 'Too many sign-in attempts. Try again later.', {
			reason: 'throttled',
			retryAt: charge.retryAt
		});
	}
	const user = await usersRepo.findUserByEmail(db, email);
	const ok = await verifyPasswordOrDummy(user?.passwordHash, input.password);
	if (!ok || !user) {
		logger.info('sign-in failed', { clientAddress: input.client.clientAddress });
		throw badCredentials();
	}
	await settleSuccessfulLogin(db, attempt);
	await rotate(db, input.currentToken);
	await deleteExpiredSessions(db, user.id, options);
	const { passwordHash: _hash, ...account } = user;
	logger.info('signed in', { userId: user.id });
	return createSession(db, account, input.client, options);
}

export interface SignUpResult {
	issued: IssuedSession;
	/** Set when the account came from a project invitation. */
	joined: Joined | null;
}

export async function signUp(
	deps: { db: Db; queue?: Queue },
	input: {
		email: string;
		displayName: string;
		password: string;
		invitationToken?: string;
		currentToken?: string;
		/** The language the visitor chose while signing up (remembered for the account). */
		locale?: string | null;
		client: ClientInfo;
	},
	options: AccountOptions = {}
): Promise<SignUpResult> {
	const parsed = SignUpSchema.safeParse(input);
	if (!parsed.success) {
		const fields = Object.fromEntries(parsed.error.issues.map((i) => [String(i.path[0]), i.message]));
		throw new AppError('BAD_REQUEST', parsed.error.issues[0].message, { reason: 'invalid_input', fields });
	}
	const { email, displayName, password } = parsed.data;
	const now = (options.now ?? systemClock)();
	const openSignup = options.openSignup ?? env().CONCORD_OPEN_SIGNUP;
	// Refuse what is sure to fail before paying for argon2 (an unthrottled form
	// must not be a way to burn CPU); the transaction below decides for real.
	if (await usersRepo.anyUserExists(deps.db)) {
		if (input.invitationToken) await assertInvitationUsable(deps.db, { token: input.invitationToken, email, now });
		else if (!openSignup) throw invitationRequired();
	}
	const passwordHash = await hashPassword(password);

	const { user, joined } = await deps.db.transaction().execute(async (trx) => {
		await usersRepo.lockAccountCreation(trx);
		const first = !(await usersRepo.anyUserExists(trx));
		if (!first && !input.invitationToken && !openSignup) throw invitationRequired();
		const user = await usersRepo.insertUser(trx, {
			email,
			displayName,
			passwordHash,
			isInstanceAdmin: first,
			locale: input.locale
		});
		if (!user)
			throw new AppError('CONFLICT', 'An account with this email already exists. Sign in instead.', {
				reason: 'email_taken'
			});
		// On a fresh instance no invitation can exist yet; the first account needs none.
		const joined =
			input.invitationToken && !first ? await redeemInvitation(trx, { token: input.invitationToken, user, now }) : null;
		return { user, joined };
	});

	logger.info('account created', {
		userId: user.id,
		instanceAdmin: user.isInstanceAdmin,
		viaInvitation: joined !== null
	});
	if (joined) await afterJoin(deps.queue, joined);
	await rotate(deps.db, input.currentToken);
	const issued = await createSession(deps.db, user, input.client, options);
	return { issued, joined };
}

export async function signOut(db: Db, sessionId: string): Promise<void> {
	await invalidateSession(db, sessionId);
}

export async function signOutOtherSessions(
	db: Db,
	userId: string,
	currentSessionId: string
): Promise<{ ended: number }> {
	const ended = await invalidateOtherSessions(db, userId, currentSessionId);
	logger.info('signed out other sessions', { userId, ended });
	return { ended };
}

export async function sessionsOf(
	db: Db,
	userId: string,
	currentSessionId: string,
	options: SessionOptions = {}
): Promise<SessionSummary[]> {
	return listSessions(db, userId, currentSessionId, options);
}
