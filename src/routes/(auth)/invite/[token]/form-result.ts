/** The shapes the invite page's actions return, as its forms read them. */
export type InviteFormResult =
	| {
			form?: string;
			message?: string;
			fieldErrors?: Record<string, string>;
			email?: string;
			displayName?: string;
	  }
	| null
	| undefined;
