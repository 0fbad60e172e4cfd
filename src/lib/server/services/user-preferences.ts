/**
 * What users change about themselves: display name and language. The
 * language is remembered per user (app_user.locale) and per browser
 * (Paraglide's cookie, which decides the language of every render).
 */
import type { Db } from '../db/client';
import * as prefsRepo from '../db/repositories/user-preferences';
import { AppError } from '../errors';

/** Must match Paraglide's `cookieName` (src/lib/paraglide/runtime.js). */
export const LOCALE_COOKIE = 'PARAGLIDE_LOCALE';

/**
 * Not HttpOnly: Paraglide's browser runtime reads the cookie to pick the
 * language during hydration. Same lifetime as the cookie Paraglide sets.
 */
export const localeCookieOptions = { path: '/', maxAge: 34_560_000, httpOnly: false, sameSite: 'lax' } as const;

export async function getProfile(db: Db, userId: string) {
	const profile = await prefsRepo.findUserProfile(db, userId);
	if (!profile) throw new AppError('UNAUTHORIZED', 'Your account no longer exists.');
	return profile;
}

export async function setLocale(db: Db, userId: string, locale: string): Promise<void> {
	await prefsRepo.setUserLocale(db, userId, locale);
}

export async function setDisplayName(db: Db, userId: string, displayName: string): Promise<void> {
	await prefsRepo.setUserDisplayName(db, userId, displayName);
}
