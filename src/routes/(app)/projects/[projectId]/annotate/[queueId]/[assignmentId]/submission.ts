/**
 * One label's way to the server, guarded so that a double click, Enter pressed twice, or a retry
 * after a dropped connection can create only one label: every attempt at the same label carries
 * the same idempotency key (the server returns the first result for a key it has seen), and a
 * second attempt while one is in flight is not sent at all.
 *
 * The key changes only when the server has answered: after a success (the next label is another
 * write) and after a refusal (a conflict or a rejected input stored nothing, and the corrected
 * label is a new write). A network failure keeps it, because the server may have stored the label.
 */
export type Outcome = 'stored' | 'refused' | 'unknown';

export class Submission {
	#key: string;
	#inFlight = false;
	#newKey: () => string;

	constructor(newKey: () => string = () => crypto.randomUUID()) {
		this.#newKey = newKey;
		this.#key = newKey();
	}

	get inFlight(): boolean {
		return this.#inFlight;
	}

	/** The key to send, or null when an attempt is already on its way. */
	begin(): string | null {
		if (this.#inFlight) return null;
		this.#inFlight = true;
		return this.#key;
	}

	end(outcome: Outcome): void {
		this.#inFlight = false;
		if (outcome !== 'unknown') this.#key = this.#newKey();
	}
}
