/**
 * Server-side sessions in Lucia's `auth_session` model.
 *
 * - The cookie holds `id.secret`; the row holds SHA-256(secret), compared in
 *   constant time. A row without its secret is useless to an attacker.
 * - Idle expiry slides: a session unused for `idleMs` dies. To avoid a write
 *   per request, `last_verified_at` is refreshed at most once per `refreshMs`
 *   (an hour), so the idle limit is exact to within that hour.
 * - Absolute expiry: no session outlives `absoluteMs` after it was created,
 *   however active — a stolen cookie cannot be kept alive forever.
 * - An expired session found at validation is deleted at once.
 *
 * Time comes from `now`, so tests can move the clock.
 */
import type { Db } from '../db/client';
import * as sessionsRepo from '../db/repositories/sessions';
import type { PrefetchedMemberships } from '../db/repositories/members';
import type { UserRow } from '../db/repositories/users';
import { env } from '../env';
import { generateSessionToken, hashSecret, parseSessionToken, secretMatches } from './tokens';
import type { SessionInfo, SessionUser } from './types';

export type Clock = () => Date;
export const systemClock: Clock = () => new Date();

export interface SessionPolicy {
	idleMs: number;
	absoluteMs: number;
	refreshMs: number;
}

const DAY = 24 * 60 * 60 * 1000;

export function sessionPolicyFromEnv(): SessionPolicy {
	const config = env();
	return {
		idleMs: config.CONCORD_SESSION_IDLE_DAYS * DAY,
		absoluteMs: config.CONCORD_SESSION_MAX_DAYS * DAY,
		refreshMs: 60 * 60 * 1000
	};
}

export interface SessionOptions {
	now?: Clock;
	policy?: SessionPolicy;
}

function resolve(options: SessionOptions = {}) {
	return { now: options.now ?? systemClock, policy: options.policy ?? sessionPolicyFromEnv() };
}

/** When the session dies if it is not used again: the earlier of idle and absolute expiry. */
export function sessionExpiresAt(session: { createdAt: Date; lastVerifiedAt: Date }, policy: SessionPolicy): Date {
	return new Date(
		Math.min(session.lastVerifiedAt.getTime() + policy.idleMs, session.createdAt.getTime() + policy.absoluteMs)
	);
}

export interface ValidSession {
	session: SessionInfo;
	user: SessionUser;
	/** The user's memberships in the `projectIds` asked for (null: not a member), read with the session. */
	memberships?: PrefetchedMemberships;
	expiresAt: Date;
	/** True when this validation extended the session: the cookie should be re-sent with the new expiry. */
	extended: boolean;
}

export interface IssuedSession extends ValidSession {
	/** The cookie value; shown once, never stored. */
	token: string;
}

export async function createSession(
	db: Db,
	user: UserRow,
	input: { userAgent: string | null; clientAddress: string | null },
	options?: SessionOptions
): Promise<IssuedSession> {
	const { now, policy } = resolve(options);
	const { id, secret, token } = generateSessionToken();
	const at = now();
	await sessionsRepo.insertSession(db, {
		id,
		secretHash: hashSecret(secret),
		userId: user.id,
		createdAt: at,
		lastVerifiedAt: at,
		// Bounded: these are shown in the session list, not trusted.
		userAgent: input.userAgent?.slice(0, 512) ?? null,
		clientAddress: input.clientAddress?.slice(0, 128) ?? null
	});
	const session = { id, createdAt: at, lastVerifiedAt: at };
	return { token, session, user, expiresAt: sessionExpiresAt(session, policy), extended: true };
}

/** The session and user for a cookie value, or null when it is malformed, unknown, wrong or expired. */
export async function validateSessionToken(
	db: Db,
	token: string,
	options?: SessionOptions & { projectIds?: string[] }
): Promise<ValidSession | null> {
	const { now, policy } = resolve(options);
	const parts = parseSessionToken(token);
	if (!parts) return null;
	const found = await sessionsRepo.findSessionWithUser(db, parts.id, options?.projectIds);
	// A wrong secret does not delete the row: knowing an id alone must not let anyone sign a user out.
	if (!found || !secretMatches(parts.secret, found.session.secretHash)) return null;

	const { session, user } = found;
	const at = now();
	if (at >= sessionExpiresAt(session, policy)) {
		await sessionsRepo.deleteSession(db, session.id);
		return null;
	}
	let lastVerifiedAt = session.lastVerifiedAt;
	const extended = at.getTime() - lastVerifiedAt.getTime() >= policy.refreshMs;
	if (extended) {
		lastVerifiedAt = at;
		await sessionsRepo.touchSession(db, session.id, at);
	}
	const info = { id: session.id, createdAt: session.createdAt, lastVerifiedAt };
	return { session: info, user, memberships: found.memberships, expiresAt: sessionExpiresAt(info, policy), extended };
}

/**
 * Deletes the session the token names, but only when the token's secret is
 * right (a cookie with someone else's session id must not end their session).
 */
export async function invalidateSessionToken(db: Db, token: string): Promise<void> {
	const parts = parseSessionToken(token);
	if (!parts) return;
	const found = await sessionsRepo.findSessionWithUser(db, parts.id);
	if (found && secretMatches(parts.secret, found.session.secretHash)) await sessionsRepo.deleteSession(db, parts.id);
}

export async function invalidateSession(db: Db, sessionId: string): Promise<void> {
	await sessionsRepo.deleteSession(db, sessionId);
}

/** Signs the user out everywhere except `keepSessionId`; returns how many sessions ended. */
export async function invalidateOtherSessions(db: Db, userId: string, keepSessionId: string): Promise<number> {
	return sessionsRepo.deleteOtherSessions(db, userId, keepSessionId);
}

/** Drops the user's sessions that can no longer validate (housekeeping at sign-in). */
export async function deleteExpiredSessions(db: Db, userId: string, options?: SessionOptions): Promise<void> {
	const { now, policy } = resolve(options);
	const t = now().getTime();
	await sessionsRepo.deleteExpiredSessions(db, userId, {
		idleBefore: new Date(t - policy.idleMs),
		createdBefore: new Date(t - policy.absoluteMs)
	});
}

export interface SessionSummary {
	id: string;
	createdAt: Date;
	lastSeenAt: Date;
	userAgent: string | null;
	clientAddress: string | null;
	current: boolean;
}

/** The user's live sessions, most recently used first (expired rows not yet swept are left out). */
export async function listSessions(
	db: Db,
	userId: string,
	currentSessionId: string,
	options?: SessionOptions
): Promise<SessionSummary[]> {
	const { now, policy } = resolve(options);
	const at = now();
	const rows = await sessionsRepo.listUserSessions(db, userId);
	const live = rows.filter(
		(r) => sessionExpiresAt({ createdAt: r.createdAt, lastVerifiedAt: r.lastVerifiedAt }, policy) > at
	);
	return live.map((r) => ({
		id: r.id,
		createdAt: r.createdAt,
		lastSeenAt: r.lastVerifiedAt,
		userAgent: r.userAgent,
		clientAddress: r.clientAddress,
		current: r.id === currentSessionId
	}));
}
