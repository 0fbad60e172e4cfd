/** The shapes the invite page's actions return, as its forms read them (a `FormFailure` from route-errors.ts, or a join). */
export type InviteFormResult =
	| {
			form?: string;
			message?: string;
			fieldErrors?: Record<string, string>;
			values?: Record<string, string>;
	  }
	| null
	| undefined;
